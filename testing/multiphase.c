/*
 * multiphase.c: a multi-phase (PEP 489) extension module for pylog's tests,
 * written the way pylog.h recommends: pylog installed once per process from
 * the Py_mod_exec slot, the control object added to every module object.
 * Built twice: `multiphase` declares Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED
 * (3.12+), `multiphase_any` declares nothing, so a sub-interpreter's import
 * reaches pylog_install (MULTIPHASE_NAME, MULTIPHASE_DECLARE).
 */
#define PYLOG_TARGET "multiphase"
#include "pylog/pylog.h"

#include <pthread.h>

#define MULTIPHASE_CAT(A, B) A##B
#define MULTIPHASE_INIT(NAME) MULTIPHASE_CAT(PyInit_, NAME)
#define MULTIPHASE_STR(NAME) #NAME
#define MULTIPHASE_NAME_STRING(NAME) MULTIPHASE_STR(NAME)

/* log(text): a WARNING statement on this thread. */
static PyObject *
multiphase_log(PyObject *module, PyObject *args)
{
    const char *text;

    (void)module;
    if (!PyArg_ParseTuple(args, "s", &text)) {
        return NULL;
    }
    PYLOG_WARN("%s", text);
    Py_RETURN_NONE;
}

static void *
multiphase_thread(void *arg)
{
    int count = *(const int *)arg;

    for (int i = 0; i < count; i++) {
        PYLOG_WARN("thread %d", i);
    }
    return NULL;
}

/* log_from_thread(count): a C thread without the GIL logs `count`
 * WARNING records "thread <i>"; returns once it ended. */
static PyObject *
multiphase_log_from_thread(PyObject *module, PyObject *args)
{
    pthread_t thread;
    int count, failed;

    (void)module;
    if (!PyArg_ParseTuple(args, "i", &count)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    failed = pthread_create(&thread, NULL, multiphase_thread, &count);
    if (!failed) {
        pthread_join(thread, NULL);
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_SetString(PyExc_OSError, "pthread_create failed");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* stats() -> (emitted, dropped, errors) */
static PyObject *
multiphase_stats(PyObject *module, PyObject *unused)
{
    pylog_stats stats;

    (void)module;
    (void)unused;
    pylog_get_stats(&stats);
    return Py_BuildValue("(KKK)", (unsigned long long)stats.emitted,
                         (unsigned long long)stats.dropped,
                         (unsigned long long)stats.errors);
}

static int
multiphase_exec(PyObject *module)
{
    /* Once per process: "already installed" is fine on a re-import. */
    if (pylog_try_init() == PYLOG_ERR_PYTHON) {
        return -1;
    }
    return pylog_add_control(module);
}

static PyMethodDef multiphase_methods[] = {
    {"log", multiphase_log, METH_VARARGS, NULL},
    {"log_from_thread", multiphase_log_from_thread, METH_VARARGS, NULL},
    {"stats", multiphase_stats, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

/* PEP 489 stores the exec function in a void *: ISO C has no such
 * conversion (-Wpedantic says so), POSIX and CPython rely on it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
static PyModuleDef_Slot multiphase_slots[] = {
    {Py_mod_exec, (void *)multiphase_exec},
#if MULTIPHASE_DECLARE && PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#endif
    {0, NULL}};
#pragma GCC diagnostic pop

static struct PyModuleDef multiphase_module = {
    PyModuleDef_HEAD_INIT, MULTIPHASE_NAME_STRING(MULTIPHASE_NAME), NULL, 0,
    multiphase_methods, multiphase_slots, NULL, NULL, NULL};

PyMODINIT_FUNC
MULTIPHASE_INIT(MULTIPHASE_NAME)(void)
{
    return PyModuleDef_Init(&multiphase_module);
}
