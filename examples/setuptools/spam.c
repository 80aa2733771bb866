/*
 * spam.c: the extension module of the setuptools example. setup.py compiles
 * it with pylog's amalgamation (from the pylog-cext package); it includes only
 * "pylog/pylog.h" and installs pylog with its defaults when imported.
 */
#include "pylog/pylog.h" /* first: it includes Python.h */

/* eat(n): DEBUG and INFO always, WARNING when n > 3. */
static PyObject *
spam_eat(PyObject *module, PyObject *arg)
{
    long n = PyLong_AsLong(arg);

    (void)module;
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PYLOG_DEBUG("opening tin %ld", n);
    PYLOG_INFO("ate %ld slices of spam", n);
    if (n > 3) {
        PYLOG_WARN("%ld slices is too much spam", n);
    }
    Py_RETURN_NONE;
}

static PyMethodDef spam_methods[] = {
    {"eat", spam_eat, METH_O, "Eat n slices, logging about it."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef spam_module = {
    PyModuleDef_HEAD_INIT, "spam", "pylog's setuptools example.", -1,
    spam_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC
PyInit_spam(void)
{
    if (pylog_init() < 0) {
        return NULL;
    }
    return PyModule_Create(&spam_module);
}
