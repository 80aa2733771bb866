/*
 * abi3demo.c: pylog's abi3 example, an extension module that keeps to the
 * limited API of CPython 3.8 (Py_LIMITED_API=0x03080000), so one build
 * imports under every CPython from 3.8 on. Bazel: pylog_extension(abi3 =
 * True); plain compiler: tools/check_abi3.sh. The define must come before
 * Python.h; Bazel passes it, a plain build uses -DPy_LIMITED_API=0x03080000.
 */
#define PYLOG_TARGET "abi3demo"
#include "pylog/pylog.h" /* first: it includes Python.h */

#include <pthread.h>

#ifndef Py_LIMITED_API
#error "abi3demo.c is the limited-API example: define Py_LIMITED_API"
#endif

/* log(level, text): one record at any level. */
static PyObject *
abi3demo_log(PyObject *module, PyObject *args)
{
    int level;
    const char *text;

    (void)module;
    if (!PyArg_ParseTuple(args, "is:log", &level, &text)) {
        return NULL;
    }
    PYLOG_LOG(level, "%s", text);
    Py_RETURN_NONE;
}

/* fail(text): raises ValueError(text), logging an ERROR while it is pending
 * and a record with exc_info; the exception reaches the caller unchanged. */
static PyObject *
abi3demo_fail(PyObject *module, PyObject *arg)
{
    (void)module;
    PyErr_SetObject(PyExc_ValueError, arg);
    PYLOG_ERROR("failing with a pending exception");
    PYLOG_EXCEPTION("failed");
    return NULL;
}

static void *
abi3demo_worker(void *arg)
{
    long count = *(const long *)arg;

    /* No GIL here: pylog takes it for each enabled statement. */
    for (long i = 0; i < count; i++) {
        PYLOG_INFO("worker record %ld", i);
    }
    return NULL;
}

/* from_thread(n): n INFO records from a new thread, delivered on return. */
static PyObject *
abi3demo_from_thread(PyObject *module, PyObject *arg)
{
    long count = PyLong_AsLong(arg);
    pthread_t thread;
    int failed;

    (void)module;
    if (count == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    failed = pthread_create(&thread, NULL, abi3demo_worker, &count);
    if (!failed) {
        pthread_join(thread, NULL);
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_SetString(PyExc_OSError, "pthread_create failed");
        return NULL;
    }
    pylog_flush();
    Py_RETURN_NONE;
}

static PyMethodDef abi3demo_methods[] = {
    {"log", abi3demo_log, METH_VARARGS, "log(level, text): one record."},
    {"fail", abi3demo_fail, METH_O, "Log, then raise ValueError(arg)."},
    {"from_thread", abi3demo_from_thread, METH_O,
     "n INFO records from a thread without the GIL."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef abi3demo_module = {
    PyModuleDef_HEAD_INIT, "abi3demo", "pylog's abi3 example.", -1,
    abi3demo_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC
PyInit_abi3demo(void)
{
    PyObject *module;

    if (pylog_init() < 0) {
        return NULL;
    }
    module = PyModule_Create(&abi3demo_module);
    if (module != NULL && pylog_add_control(module) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
