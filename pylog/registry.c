/*
 * registry.c: the Python logger of each site, resolved once per generation
 * and owned here, so that a site's slot can borrow it.
 *
 * Globals, all guarded by the GIL:
 *   registry_logging     the `logging` module; owned.
 *   registry_loggers     dict, logger name -> logger; owned. It owns every
 *                        logger a slot points to; references are dropped
 *                        only here, under the GIL.
 *   registry_generation  the generation the entries belong to; a newer one
 *                        clears the dict first.
 * GIL: held in every function.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/config.h"
#include "internal/registry.h"

#include <stdlib.h>
#include <string.h>

static PyObject *registry_logging;
static PyObject *registry_loggers;
static uint64_t registry_generation;

int
pylog_internal_registry_open(PyObject *logging)
{
    PyObject *loggers = PyDict_New();

    if (loggers == NULL) {
        return -1;
    }
    Py_INCREF(logging);
    Py_XSETREF(registry_logging, logging);
    Py_XSETREF(registry_loggers, loggers);
    registry_generation = 0;
    return 0;
}

void
pylog_internal_registry_close(void)
{
    Py_CLEAR(registry_loggers);
    Py_CLEAR(registry_logging);
}

/* logging.getLogger(key). A new reference, or NULL with an exception. */
static PyObject *
registry_get_logger(PyObject *key)
{
    if (registry_logging == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "pylog is not installed");
        return NULL;
    }
    return PyObject_CallMethod(registry_logging, "getLogger", "(O)", key);
}

PyObject *
pylog_internal_registry_get(const char *name)
{
    PyObject *key = PyUnicode_FromString(name), *logger;

    if (key == NULL) {
        return NULL;
    }
    logger = registry_get_logger(key);
    Py_DECREF(key);
    return logger;
}

PyObject *
pylog_internal_registry_logger(const site_call *call, uint64_t generation,
                               int caching)
{
    pylog_internal_site *site = call->site;
    PyObject *key, *logger;
    char *name;

    if (caching != PYLOG_CACHE_NOTHING &&
        site->logger_generation == generation && site->logger != NULL) {
        Py_INCREF(site->logger); /* borrowed from the registry; ours now */
        return site->logger;
    }
    name = pylog_internal_config_logger_name(call->target, call->unit_file);
    if (name == NULL) {
        return PyErr_NoMemory();
    }
    key = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
    free(name);
    if (key == NULL) {
        return NULL;
    }
    /* interned: logging's dicts and the registry compare it by identity */
    PyUnicode_InternInPlace(&key);
    if (caching == PYLOG_CACHE_NOTHING || registry_loggers == NULL) {
        logger = registry_get_logger(key);
        Py_DECREF(key);
        return logger;
    }
    if (registry_generation != generation) {
        PyDict_Clear(registry_loggers);
        registry_generation = generation;
    }
    logger = PyDict_GetItemWithError(registry_loggers, key); /* borrowed */
    if (logger != NULL) {
        Py_INCREF(logger);
    }
    else if (!PyErr_Occurred()) {
        logger = registry_get_logger(key);
        /* getLogger ran Python code: pylog may have been shut down, or a
           new generation started (the entry would then be dropped at the
           next lookup, and the slot's generation check fails). */
        if (logger != NULL && registry_loggers != NULL &&
            PyDict_SetItem(registry_loggers, key, logger) < 0) {
            Py_CLEAR(logger);
        }
    }
    Py_DECREF(key);
    if (logger != NULL && registry_loggers != NULL &&
        registry_generation == generation) {
        site->logger = logger; /* borrowed: the registry holds a reference */
        site->logger_generation = generation;
    }
    return logger;
}
