/*
 * mymod.c: the extension module of the external-consumer example. It only
 * includes "pylog/pylog.h" (from @pylog//pylog) and installs pylog when imported.
 * Built twice (BUILD): as mymod (PyInit_mymod) and as mymod_cc (MYMOD_INIT).
 */
#define PYLOG_TARGET "mypkg::mymod" /* logger "mypkg.mymod" */
#include "pylog/pylog.h"

#ifndef MYMOD_INIT
#define MYMOD_INIT PyInit_mymod
#endif

/* work(n): one DEBUG and one INFO statement. */
static PyObject *
mymod_work(PyObject *module, PyObject *arg)
{
    long n = PyLong_AsLong(arg);

    (void)module;
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PYLOG_DEBUG("working on %ld", n);
    PYLOG_INFO("%ld squared is %ld", n, n * n);
    return PyLong_FromLong(n * n);
}

static PyMethodDef mymod_methods[] = {
    {"work", mymod_work, METH_O, "Square n and log it."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef mymod_module = {
    PyModuleDef_HEAD_INIT, "mymod", NULL, -1, mymod_methods,
    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC
MYMOD_INIT(void)
{
    if (pylog_init() < 0) {
        return NULL;
    }
    return PyModule_Create(&mymod_module);
}
