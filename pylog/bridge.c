/*
 * bridge.c: the only file that calls into Python's `logging`: it resolves a
 * site's logger once per generation, learns Python's levels, builds records
 * with the logger's own makeRecord and passes them to its handle().
 *
 * Globals, all guarded by the GIL:
 *   bridge_logging       the `logging` module; owned.
 *   bridge_registry      dict, logger name -> logger; owned. It owns every
 *                        logger a slot points to; references are dropped
 *                        only here, under the GIL.
 *   bridge_registry_generation  the generation the registry's entries
 *                        belong to; a newer one clears the registry first.
 *   bridge_exit_registered      whether this interpreter's `atexit` holds
 *                        our shutdown hook.
 * GIL: every static function expects it held; the two entry points take it
 * with PyGILState_Ensure (any thread) and restore the caller's exception.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/compat.h"
#include "internal/config.h"
#include "internal/stats.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRIDGE_THRESHOLD_NONE 255

static PyObject *bridge_logging;
static PyObject *bridge_registry;
static uint64_t bridge_registry_generation;
static int bridge_exit_registered;
static PyObject *bridge_invalidate_hook; /* owned; in logging's hook list */

/* atexit callback: shut pylog down while the interpreter is still whole, so
 * statements from here on (daemon threads, __del__, later atexit callbacks)
 * are no-ops and the registry's references are released. */
static PyObject *
bridge_exit(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    bridge_exit_registered = 0;
    pylog_internal_config_uninstall();
    Py_CLEAR(bridge_invalidate_hook); /* logging's list keeps it alive */
    Py_RETURN_NONE;
}

static PyMethodDef bridge_exit_def = {
    "pylog_shutdown", bridge_exit, METH_NOARGS,
    "Shut pylog down before the interpreter finalizes."};

/* Register bridge_exit with `atexit` once per interpreter. 0 or -1. */
static int
bridge_register_exit(void)
{
    PyObject *atexit = NULL, *hook = NULL, *result = NULL;

    if (bridge_exit_registered) {
        return 0;
    }
    atexit = PyImport_ImportModule("atexit");
    if (atexit == NULL) {
        goto error;
    }
    hook = PyCFunction_New(&bridge_exit_def, NULL);
    if (hook == NULL) {
        goto error;
    }
    result = PyObject_CallMethod(atexit, "register", "(O)", hook);
    if (result == NULL) {
        goto error;
    }
    bridge_exit_registered = 1;
    Py_DECREF(result);
    Py_DECREF(hook);
    Py_DECREF(atexit);
    return 0;

error:
    Py_XDECREF(hook);
    Py_XDECREF(atexit);
    return -1;
}

/* Name level 5 "TRACE" unless the application already named it. */
static int
bridge_name_trace(PyObject *logging)
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
static const char bridge_hooks_source[] =
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
bridge_invalidate(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    pylog_reset();
    Py_RETURN_NONE;
}

static PyMethodDef bridge_invalidate_def = {
    "pylog_invalidate", bridge_invalidate, METH_NOARGS,
    "Forget pylog's cached loggers and levels (logging was reconfigured)."};

/* Run bridge_hooks_source's install(logging, hook). 0 or -1. */
static int
bridge_hook_logging(PyObject *logging)
{
    PyObject *globals = NULL, *code = NULL, *install, *result = NULL;
    int status = -1;

    if (bridge_invalidate_hook == NULL) {
        bridge_invalidate_hook = PyCFunction_New(&bridge_invalidate_def, NULL);
        if (bridge_invalidate_hook == NULL) {
            return -1;
        }
    }
    globals = PyDict_New();
    if (globals == NULL ||
        PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) <
            0) {
        goto done;
    }
    code = PyRun_String(bridge_hooks_source, Py_file_input, globals, globals);
    if (code == NULL) {
        goto done;
    }
    install = PyDict_GetItemString(globals, "install"); /* borrowed */
    if (install == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "pylog: hook installer missing");
        goto done;
    }
    result = PyObject_CallFunctionObjArgs(install, logging,
                                          bridge_invalidate_hook, NULL);
    if (result != NULL) {
        status = 0;
    }

done:
    Py_XDECREF(result);
    Py_XDECREF(code);
    Py_XDECREF(globals);
    return status;
}

int
pylog_internal_bridge_install(void)
{
    PyObject *logging = NULL, *registry = NULL;

    assert(PyGILState_Check());
    logging = PyImport_ImportModule("logging");
    if (logging == NULL || bridge_name_trace(logging) < 0 ||
        bridge_hook_logging(logging) < 0) {
        goto error;
    }
    registry = PyDict_New();
    if (registry == NULL || bridge_register_exit() < 0) {
        goto error;
    }
    Py_XSETREF(bridge_logging, logging);   /* steals */
    Py_XSETREF(bridge_registry, registry); /* steals */
    bridge_registry_generation = 0;
    return 0;

error:
    Py_XDECREF(registry);
    Py_XDECREF(logging);
    return -1;
}

void
pylog_internal_bridge_uninstall(void)
{
    assert(PyGILState_Check());
    Py_CLEAR(bridge_registry);
    Py_CLEAR(bridge_logging);
}

/* The site's logger: a new reference, or NULL with an exception set. With
 * caching, the logger comes from the slot when the slot's logger belongs to
 * `generation`, else from the registry, else from logging.getLogger(); the
 * slot then borrows the registry's reference. */
static PyObject *
bridge_logger(const site_call *call, uint64_t generation, int caching)
{
    pylog_internal_site *site = call->site;
    PyObject *key, *logger;
    char *name;

    if (caching != PYLOG_CACHE_NOTHING &&
        site->logger_generation == generation && site->logger != NULL) {
        Py_INCREF(site->logger); /* borrowed from the registry; ours now */
        return site->logger;
    }
    name = pylog_internal_config_logger_name(call->target, call->file);
    if (name == NULL) {
        return PyErr_NoMemory();
    }
    key = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
    free(name);
    if (key == NULL) {
        return NULL;
    }
    if (caching == PYLOG_CACHE_NOTHING || bridge_registry == NULL) {
        logger = PyObject_CallMethod(bridge_logging, "getLogger", "(O)", key);
        Py_DECREF(key);
        return logger;
    }
    if (bridge_registry_generation != generation) {
        PyDict_Clear(bridge_registry);
        bridge_registry_generation = generation;
    }
    logger = PyDict_GetItemWithError(bridge_registry, key); /* borrowed */
    if (logger != NULL) {
        Py_INCREF(logger);
    }
    else if (!PyErr_Occurred()) {
        logger = PyObject_CallMethod(bridge_logging, "getLogger", "(O)", key);
        /* getLogger ran Python code: pylog may have been shut down. */
        if (logger != NULL && bridge_registry != NULL &&
            PyDict_SetItem(bridge_registry, key, logger) < 0) {
            Py_CLEAR(logger);
        }
    }
    Py_DECREF(key);
    if (logger != NULL && bridge_registry != NULL) {
        site->logger = logger; /* borrowed: the registry holds a reference */
        site->logger_generation = generation;
    }
    return logger;
}

/* getattr(obj, name) as a C long. 0 or -1 with an exception set. */
static int
bridge_long_attr(PyObject *obj, const char *name, long *value)
{
    PyObject *attr = PyObject_GetAttrString(obj, name);

    if (attr == NULL) {
        return -1;
    }
    *value = PyLong_AsLong(attr);
    Py_DECREF(attr);
    return *value == -1 && PyErr_Occurred() ? -1 : 0;
}

/* The lowest level `logger.isEnabledFor` accepts now: its effective level,
 * above `logging.disable`'s level, or none when the logger is disabled.
 * 0 or -1 with an exception set. */
static int
bridge_python_threshold(PyObject *logger, int *threshold)
{
    PyObject *value, *manager;
    long effective, disable;
    int disabled;

    value = PyObject_GetAttrString(logger, "disabled");
    if (value == NULL) {
        return -1;
    }
    disabled = PyObject_IsTrue(value);
    Py_DECREF(value);
    if (disabled < 0) {
        return -1;
    }
    if (disabled) {
        *threshold = BRIDGE_THRESHOLD_NONE;
        return 0;
    }
    value = PyObject_CallMethod(logger, "getEffectiveLevel", NULL);
    if (value == NULL) {
        return -1;
    }
    effective = PyLong_AsLong(value);
    Py_DECREF(value);
    if (effective == -1 && PyErr_Occurred()) {
        return -1;
    }
    manager = PyObject_GetAttrString(logger, "manager");
    if (manager == NULL) {
        return -1;
    }
    if (bridge_long_attr(manager, "disable", &disable) < 0) {
        Py_DECREF(manager);
        return -1;
    }
    Py_DECREF(manager);
    if (disable + 1 > effective) {
        effective = disable + 1;
    }
    *threshold = effective > BRIDGE_THRESHOLD_NONE ? BRIDGE_THRESHOLD_NONE
                 : effective < 0                   ? 0
                                                   : (int)effective;
    return 0;
}

/* Whether the call passes, decided under the GIL for `generation`: pylog's
 * filters from the slot, then Python's levels (cached in the slot when
 * caching levels, else logger.isEnabledFor). 1, 0, or -1 with an exception. */
static int
bridge_decide(const site_call *call, PyObject *logger, uint64_t generation,
              int caching)
{
    uint64_t state = pylog_internal_slot_state(call, generation);
    PyObject *answer;
    int threshold, enabled;

    if (state == 0) {
        PyErr_NoMemory();
        return -1;
    }
    switch (pylog_internal_slot_decide(state, call->level)) {
    case SLOT_OFF:
        return 0;
    case SLOT_ON:
        return 1;
    case SLOT_ASK_PYTHON:
        break;
    }
    if (caching == PYLOG_CACHE_LOGGERS_AND_LEVELS) {
        if (bridge_python_threshold(logger, &threshold) < 0) {
            return -1;
        }
        state = pylog_internal_slot_resolve(call, state, threshold);
        return pylog_internal_slot_decide(state, call->level) == SLOT_ON;
    }
    answer = PyObject_CallMethod(logger, "isEnabledFor", "i", call->level);
    if (answer == NULL) {
        return -1;
    }
    enabled = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return enabled;
}

/* A Python value for one structured field: a new reference, or NULL with
 * an exception set. */
static PyObject *
bridge_kv_value(const pylog_kv *kv)
{
    switch (kv->type) {
    case PYLOG_KV_TYPE_STR:
        if (kv->value.str == NULL) {
            Py_RETURN_NONE;
        }
        return PyUnicode_DecodeUTF8(kv->value.str,
                                    (Py_ssize_t)strlen(kv->value.str),
                                    "replace");
    case PYLOG_KV_TYPE_INT:
        return PyLong_FromLongLong(kv->value.integer);
    case PYLOG_KV_TYPE_FLOAT:
        return PyFloat_FromDouble(kv->value.real);
    case PYLOG_KV_TYPE_OBJ:
        if (kv->value.obj == NULL) {
            Py_RETURN_NONE;
        }
        Py_INCREF(kv->value.obj);
        return kv->value.obj;
    }
    PyErr_Format(PyExc_ValueError, "pylog: field '%s' has unknown type %d",
                 kv->key, kv->type);
    return NULL;
}

/* Set the statement's structured fields on `record`, as `extra=` does, but
 * never over an existing attribute (or "message"/"asctime"): such a field
 * is left out and counted as an error. 0 or -1 with an exception set. */
static int
bridge_set_fields(PyObject *record, const pylog_internal_extra *extra)
{
    PyObject *attributes = PyObject_GetAttrString(record, "__dict__");
    int status = -1;

    if (attributes == NULL) {
        return -1;
    }
    for (size_t i = 0; i < extra->n_kvs; i++) {
        const pylog_kv *kv = &extra->kvs[i];
        PyObject *key, *value;
        int taken;

        if (kv->key == NULL) {
            pylog_internal_stats_count(STATS_ERRORS);
            continue;
        }
        key = PyUnicode_DecodeUTF8(kv->key, (Py_ssize_t)strlen(kv->key),
                                   "replace");
        if (key == NULL) {
            goto done;
        }
        taken = PyDict_Contains(attributes, key);
        if (taken == 0) {
            taken = strcmp(kv->key, "message") == 0 ||
                    strcmp(kv->key, "asctime") == 0;
        }
        if (taken != 0) {
            Py_DECREF(key);
            if (taken < 0) {
                goto done;
            }
            pylog_internal_stats_count(STATS_ERRORS);
            continue;
        }
        value = bridge_kv_value(kv);
        if (value == NULL || PyDict_SetItem(attributes, key, value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(key);
            goto done;
        }
        Py_DECREF(value);
        Py_DECREF(key);
    }
    status = 0;

done:
    Py_DECREF(attributes);
    return status;
}

/* Name a record made for a thread Python does not know (see
 * pylog_internal_compat_thread_name), unless the record has no thread name
 * (logging.logThreads is off). 0 or -1 with an exception set. */
static int
bridge_name_thread(PyObject *record)
{
    char name[64];
    PyObject *value;
    int status, unnamed;

    value = PyObject_GetAttrString(record, "threadName");
    if (value == NULL) {
        return -1;
    }
    unnamed = value == Py_None;
    Py_DECREF(value);
    if (unnamed) {
        return 0;
    }
    pylog_internal_compat_thread_name(name, sizeof name);
    value = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
    if (value == NULL) {
        return -1;
    }
    status = PyObject_SetAttrString(record, "threadName", value);
    Py_DECREF(value);
    return status;
}

/* record = logger.makeRecord(logger.name, level, pathname, lineno, msg, (),
 * exc_info, funcName, None, None), all ten positional as Logger._log passes
 * them (an override may require each); extras and thread name set on it;
 * then logger.handle(record). `saved` is the caller's pending exception, for
 * PYLOG_EXCEPTION. 0 or -1 with an exception set. */
static int
bridge_handle(const site_call *call, PyObject *logger, const message *msg,
              compat_exception *saved, int foreign_thread)
{
    const pylog_internal_extra *extra = call->extra;
    PyObject *name = NULL, *text = NULL, *pathname = NULL, *func = NULL;
    PyObject *exc_info = NULL, *record = NULL, *result = NULL;
    int status = -1;

    name = PyObject_GetAttrString(logger, "name");
    if (name == NULL) {
        goto done;
    }
    /* "replace": a message that is not valid UTF-8 never fails the call */
    text = PyUnicode_DecodeUTF8(msg->text, (Py_ssize_t)msg->length, "replace");
    if (text == NULL) {
        goto done;
    }
    pathname = PyUnicode_DecodeFSDefault(call->file);
    if (pathname == NULL) {
        goto done;
    }
    func = PyUnicode_DecodeUTF8(call->func, (Py_ssize_t)strlen(call->func),
                                "replace");
    if (func == NULL) {
        goto done;
    }
    if (extra != NULL && extra->exc_info) {
        exc_info = pylog_internal_compat_exception_info(saved);
    }
    else {
        Py_INCREF(Py_None);
        exc_info = Py_None;
    }
    if (exc_info == NULL) {
        goto done;
    }
    record = PyObject_CallMethod(logger, "makeRecord", "OiOiO()OOOO", name,
                                 call->level, pathname, call->line, text,
                                 exc_info, func, Py_None, Py_None);
    if (record == NULL) {
        goto done;
    }
    if (extra != NULL && extra->n_kvs > 0 &&
        bridge_set_fields(record, extra) < 0) {
        goto done;
    }
    if (foreign_thread && bridge_name_thread(record) < 0) {
        goto done;
    }
    result = PyObject_CallMethod(logger, "handle", "(O)", record);
    if (result == NULL) {
        goto done;
    }
    status = 0;

done:
    Py_XDECREF(result);
    Py_XDECREF(record);
    Py_XDECREF(exc_info);
    Py_XDECREF(func);
    Py_XDECREF(pathname);
    Py_XDECREF(text);
    Py_XDECREF(name);
    return status;
}

/* Report the pending exception through sys.unraisablehook and count it. */
static void
bridge_report(const site_call *call)
{
    PyObject *context = PyUnicode_FromFormat("pylog statement at %s:%d",
                                             call->file, call->line);

    PyErr_WriteUnraisable(context); /* clears the exception */
    Py_XDECREF(context);
    pylog_internal_stats_count(STATS_ERRORS);
}

/* Nonzero when Python cannot be entered from this thread any more. */
static int
bridge_closed(void)
{
    return !Py_IsInitialized() || pylog_internal_compat_is_finalizing();
}

void
pylog_internal_bridge_emit(const site_call *call, const message *msg)
{
    PyGILState_STATE gil;
    compat_exception saved;
    PyObject *logger = NULL;
    uint64_t generation;
    int caching, enabled, foreign_thread;

    if (bridge_closed()) {
        pylog_internal_stats_count(STATS_DROPPED);
        return;
    }
    /* No thread state yet: a thread Python has never seen (GIL not needed
       to ask). PyGILState_Ensure would name it "Dummy-N". */
    foreign_thread = PyGILState_GetThisThreadState() == NULL;
    gil = PyGILState_Ensure();
    pylog_internal_compat_exception_save(&saved);
    /* Re-check under the GIL: the registry drops references only under it. */
    generation = pylog_internal_slot_generation();
    if (generation == 0) {
        pylog_internal_stats_count(STATS_DROPPED);
        goto done;
    }
    caching = pylog_internal_config_caching();
    logger = bridge_logger(call, generation, caching);
    if (logger == NULL) {
        goto error;
    }
    enabled = bridge_decide(call, logger, generation, caching);
    if (enabled < 0) {
        goto error;
    }
    if (enabled == 0) {
        goto done;
    }
    if (bridge_handle(call, logger, msg, &saved, foreign_thread) < 0) {
        goto error;
    }
    pylog_internal_stats_count(STATS_EMITTED);
    goto done;

error:
    bridge_report(call);
done:
    Py_XDECREF(logger);
    pylog_internal_compat_exception_restore(&saved);
    PyGILState_Release(gil);
}

int
pylog_internal_bridge_enabled(const site_call *call)
{
    PyGILState_STATE gil;
    compat_exception saved;
    PyObject *logger = NULL;
    uint64_t generation;
    int caching, enabled = 0;

    if (bridge_closed()) {
        return 0;
    }
    gil = PyGILState_Ensure();
    pylog_internal_compat_exception_save(&saved);
    generation = pylog_internal_slot_generation();
    if (generation == 0) {
        goto done;
    }
    caching = pylog_internal_config_caching();
    logger = bridge_logger(call, generation, caching);
    if (logger == NULL) {
        bridge_report(call);
        goto done;
    }
    enabled = bridge_decide(call, logger, generation, caching);
    if (enabled < 0) {
        bridge_report(call);
        enabled = 0;
    }

done:
    Py_XDECREF(logger);
    pylog_internal_compat_exception_restore(&saved);
    PyGILState_Release(gil);
    return enabled;
}

#undef BRIDGE_THRESHOLD_NONE
