/*
 * logging_hooks.c: what pylog adds to Python's `logging` at install: the
 * name "TRACE" for level 5, and a hook that starts a new generation
 * whenever `logging` is reconfigured (the Python text below wraps the
 * functions every reconfiguration goes through).
 *
 * Globals, guarded by the GIL:
 *   hooks_invalidate_hook  this extension's hook, a builtin function;
 *                          owned, and also held by logging._pylog_hooks
 *                          for the rest of the process.
 * GIL: held in every function.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/logging_hooks.h"

#include <stdio.h>

static PyObject *hooks_invalidate_hook;

/* Name level 5 "TRACE" unless the application already named it. */
static int
hooks_name_trace(PyObject *logging)
{
    PyObject *name, *result;
    char unnamed[32];
    int taken;

    name = PyObject_CallMethod(logging, "getLevelName", "i", PYLOG_LEVEL_TRACE);
    if (name == NULL) {
        return -1;
    }
    snprintf(unnamed, sizeof unnamed, "Level %d", PYLOG_LEVEL_TRACE);
    taken = !PyUnicode_Check(name) ||
            PyUnicode_CompareWithASCIIString(name, unnamed) != 0;
    Py_DECREF(name);
    if (taken) {
        return 0;
    }
    result = PyObject_CallMethod(logging, "addLevelName", "is",
                                 PYLOG_LEVEL_TRACE, "TRACE");
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

/* Python's logging tells pylog about every reconfiguration: once per
 * process, the first pylog to install wraps the functions every change goes
 * through (Manager._clear_cache, run by setLevel and disable; _fixupChildren,
 * run when a new logger replaces a placeholder, which now also clears the
 * isEnabledFor caches that Python itself would leave stale; logging.config's
 * _handle_existing_loggers, dictConfig and fileConfig, which set
 * `disabled`) so that they call each hook in logging._pylog_hooks
 * afterwards. Every extension embedding pylog adds its own hook, which
 * starts a new generation there. Direct assignments (`logger.level = 10`,
 * `logger.disabled = True`) bypass all of this: pylog_reset() covers them. */
static const char hooks_source[] =
    "def install(logging, hook):\n"
    "    import functools\n"
    "    import logging.config as config\n"
    "    hooks = getattr(logging, '_pylog_hooks', None)\n"
    "    if hooks is None:\n"
    "        hooks = []\n"
    "        def after(function):\n"
    "            @functools.wraps(function)\n"
    "            def notifying(*args, **kwargs):\n"
    "                try:\n"
    "                    return function(*args, **kwargs)\n"
    "                finally:\n"
    "                    for each in tuple(hooks):\n"
    "                        each()\n"
    "            return notifying\n"
    "        manager = logging.Manager\n"
    "        manager._clear_cache = after(manager._clear_cache)\n"
    "        fixup = manager._fixupChildren\n"
    "        @functools.wraps(fixup)\n"
    "        def _fixupChildren(self, placeholder, alogger):\n"
    "            fixup(self, placeholder, alogger)\n"
    "            self._clear_cache()\n"
    "        manager._fixupChildren = _fixupChildren\n"
    "        for name in ('_handle_existing_loggers', 'dictConfig',\n"
    "                     'fileConfig'):\n"
    "            setattr(config, name, after(getattr(config, name)))\n"
    "        logging._pylog_hooks = hooks\n"
    "    if hook not in hooks:\n"
    "        hooks.append(hook)\n";

/* The hook: a new generation, so every site asks Python again. */
static PyObject *
hooks_invalidate(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    pylog_reset();
    Py_RETURN_NONE;
}

static PyMethodDef hooks_invalidate_def = {
    "pylog_invalidate", hooks_invalidate, METH_NOARGS,
    "Forget pylog's cached loggers and levels (logging was reconfigured)."};

/* Run hooks_source's install(logging, hook). 0, or -1 with an exception. */
static int
hooks_wrap_logging(PyObject *logging)
{
    PyObject *globals = NULL, *install, *result = NULL;
    int status = -1;

    if (hooks_invalidate_hook == NULL) {
        hooks_invalidate_hook = PyCFunction_New(&hooks_invalidate_def, NULL);
        if (hooks_invalidate_hook == NULL) {
            return -1;
        }
    }
    globals = PyDict_New();
    if (globals == NULL ||
        PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) <
            0) {
        goto done;
    }
    if (pylog_internal_compat_run(hooks_source, globals) < 0) {
        goto done;
    }
    install = PyDict_GetItemString(globals, "install"); /* borrowed */
    if (install == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "pylog: hook installer missing");
        goto done;
    }
    result = PyObject_CallFunctionObjArgs(install, logging,
                                          hooks_invalidate_hook, NULL);
    if (result != NULL) {
        status = 0;
    }

done:
    Py_XDECREF(result);
    Py_XDECREF(globals);
    return status;
}

int
pylog_internal_hooks_install(PyObject *logging)
{
    if (hooks_name_trace(logging) < 0) {
        return -1;
    }
    return hooks_wrap_logging(logging);
}

void
pylog_internal_hooks_release(void)
{
    Py_CLEAR(hooks_invalidate_hook); /* logging's list keeps it alive */
}
