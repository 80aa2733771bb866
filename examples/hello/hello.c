/*
 * hello.c: a complete C extension module logging into Python's `logging`
 * through pylog. Copy it to start your own.
 *
 * It shows: pylog_init() in PyInit_*, a statement at every level, a second
 * target spelled with `::`, logging from a C thread that does not hold the
 * GIL, PYLOG_ENABLED guarding costly work, PYLOG_EXCEPTION, structured
 * fields, and the control object `hello.pylog`.
 */
#define PYLOG_TARGET "hello::greeter" /* logger "hello.greeter" */
#include "pylog/pylog.h"

#include <pthread.h>
#include <string.h>

/* greet(name): one statement per level. */
static PyObject *
hello_greet(PyObject *module, PyObject *args)
{
    const char *name;

    (void)module;
    if (!PyArg_ParseTuple(args, "s", &name)) {
        return NULL;
    }
    PYLOG_TRACE("tracing a greeting for %s", name);
    PYLOG_DEBUG("about to greet %s", name);
    PYLOG_INFO("hello, %s!", name);
    PYLOG_WARN("%s is visitor number %d today", name, 42);
    PYLOG_ERROR("out of cake for %s", name);
    PYLOG_CRITICAL("%s saw the kitchen", name);
    if (PYLOG_ENABLED(PYLOG_LEVEL_DEBUG)) {
        PYLOG_DEBUG("greeting length: %zu", strlen(name) + 7);
    }
    Py_RETURN_NONE;
}

/* log(level, message): any level, including custom ones such as 25. */
static PyObject *
hello_log(PyObject *module, PyObject *args)
{
    int level;
    const char *text;

    (void)module;
    if (!PyArg_ParseTuple(args, "is", &level, &text)) {
        return NULL;
    }
    PYLOG_LOG(level, "%s", text);
    Py_RETURN_NONE;
}

static void *
hello_worker(void *arg)
{
    int count = *(const int *)arg;

    /* This thread never holds the GIL: pylog queues its records. */
    for (int i = 0; i < count; i++) {
        PYLOG_LOG_TARGET("hello::worker", PYLOG_LEVEL_INFO,
                         "worker message %d of %d", i + 1, count);
    }
    return NULL;
}

/* from_thread(count): log `count` messages from a new C thread without the
 * GIL, then deliver them. */
static PyObject *
hello_from_thread(PyObject *module, PyObject *args)
{
    pthread_t thread;
    int count, status;

    (void)module;
    if (!PyArg_ParseTuple(args, "i", &count)) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    status = pthread_create(&thread, NULL, hello_worker, &count);
    if (status == 0) {
        pthread_join(thread, NULL);
        /* The worker never waited for the GIL: its records were queued.
           Wait for their delivery before taking the GIL back, so they come
           before whatever the caller logs next. */
        pylog_flush();
    }
    Py_END_ALLOW_THREADS
    if (status != 0) {
        PyErr_SetString(PyExc_OSError, "pthread_create failed");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* parse(text): int(text), logging the failure with its traceback. */
static PyObject *
hello_parse(PyObject *module, PyObject *text)
{
    PyObject *number = PyNumber_Long(text);

    (void)module;
    if (number == NULL) {
        PYLOG_EXCEPTION("cannot parse a %s as an integer",
                        Py_TYPE(text)->tp_name);
    }
    return number; /* NULL: the exception is still pending, for Python */
}

/* login(user, attempts): a record with structured fields. */
static PyObject *
hello_login(PyObject *module, PyObject *args)
{
    const char *user;
    int attempts;

    (void)module;
    if (!PyArg_ParseTuple(args, "si", &user, &attempts)) {
        return NULL;
    }
    pylog_kv fields[] = {PYLOG_KV_STR("user", user),
                         PYLOG_KV_INT("attempts", attempts)};
    PYLOG_LOG_KV(PYLOG_LEVEL_INFO, fields, 2, "%s logged in", user);
    Py_RETURN_NONE;
}

static PyMethodDef hello_methods[] = {
    {"greet", hello_greet, METH_VARARGS, "Log a greeting at every level."},
    {"log", hello_log, METH_VARARGS, "log(level, message) at any level."},
    {"from_thread", hello_from_thread, METH_VARARGS,
     "Log count messages from a C thread without the GIL."},
    {"parse", hello_parse, METH_O, "int(text), logging failures."},
    {"login", hello_login, METH_VARARGS, "Log a login with fields."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef hello_module = {
    PyModuleDef_HEAD_INIT, "hello", "pylog's hello example.", -1,
    hello_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC
PyInit_hello(void)
{
    PyObject *module;

    /* Fails the import (RuntimeError) if pylog is somehow installed twice. */
    if (pylog_init() < 0) {
        return NULL;
    }
    module = PyModule_Create(&hello_module);
    /* hello.pylog: reset(), set_filter(), filters(), stats(), ... */
    if (module != NULL && pylog_add_control(module) < 0) {
        Py_CLEAR(module);
    }
    return module;
}
