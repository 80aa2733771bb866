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
 *   bridge_handle_name   the interned "handle"; owned.
 * GIL: every static function expects it held; the two entry points take it
 * with PyGILState_Ensure (any thread) and restore the caller's exception.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/compat.h"
#include "internal/config.h"
#include "internal/record.h"
#include "internal/record_direct.h"
#include "internal/stats.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRIDGE_THRESHOLD_NONE 255

static PyObject *bridge_logging;
static PyObject *bridge_registry;
static uint64_t bridge_registry_generation;
static int bridge_exit_registered;
static PyObject *bridge_invalidate_hook; /* owned; in logging's hook list */
static PyObject *bridge_handle_name;

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
    PyObject *globals = NULL, *install, *result = NULL;
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
    if (pylog_internal_compat_run(bridge_hooks_source, globals) < 0) {
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
    Py_XDECREF(globals);
    return status;
}

int
pylog_internal_bridge_install(void)
{
    PyObject *logging = NULL, *registry = NULL;

    assert(pylog_internal_compat_holds_gil());
    logging = PyImport_ImportModule("logging");
    if (logging == NULL || bridge_name_trace(logging) < 0 ||
        bridge_hook_logging(logging) < 0) {
        goto error;
    }
    registry = PyDict_New();
    if (registry == NULL || bridge_register_exit() < 0 ||
        pylog_internal_direct_open(logging) < 0) {
        goto error;
    }
    if (bridge_handle_name == NULL) {
        bridge_handle_name = PyUnicode_InternFromString("handle");
        if (bridge_handle_name == NULL) {
            pylog_internal_direct_close();
            goto error;
        }
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
    assert(pylog_internal_compat_holds_gil());
    pylog_internal_direct_close();
    Py_CLEAR(bridge_handle_name);
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
    /* interned: logging's dicts and the registry compare it by identity */
    PyUnicode_InternInPlace(&key);
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

/* `value` (an int, or an object with __index__) as a C long, saturated: an
 * int beyond LONG_MAX or below LONG_MIN is that bound (for a level, "above
 * every level" or "below every level"), never an OverflowError. Steals the
 * reference to `value`; NULL (a failed call) passes its exception on.
 * 0 or -1 with an exception set. */
static int
bridge_saturated_long(PyObject *value, long *result)
{
    int overflow;

    if (value == NULL) {
        return -1;
    }
    *result = PyLong_AsLongAndOverflow(value, &overflow);
    Py_DECREF(value);
    if (overflow != 0) {
        *result = overflow > 0 ? LONG_MAX : LONG_MIN;
        return 0;
    }
    return *result == -1 && PyErr_Occurred() ? -1 : 0;
}

/* The lowest level `logger.isEnabledFor` accepts now: its effective level,
 * above `logging.disable`'s level, or none when the logger is disabled.
 * Any int Python holds is accepted: a level from 2**70 down to
 * BRIDGE_THRESHOLD_NONE - 1 (`logging.disable(sys.maxsize)`, `logger.level
 * = 2**70`) lets nothing through (BRIDGE_THRESHOLD_NONE), a negative one
 * everything (0). 0 or -1 with an exception set. */
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
    if (bridge_saturated_long(
            PyObject_CallMethod(logger, "getEffectiveLevel", NULL),
            &effective) < 0) {
        return -1;
    }
    manager = PyObject_GetAttrString(logger, "manager");
    if (manager == NULL) {
        return -1;
    }
    if (bridge_saturated_long(PyObject_GetAttrString(manager, "disable"),
                              &disable) < 0) {
        Py_DECREF(manager);
        return -1;
    }
    Py_DECREF(manager);
    /* Python passes a level when level > disable and level >= effective:
       the threshold is max(disable + 1, effective), computed without
       overflow (disable may be LONG_MAX) and clamped to 0..NONE. */
    if (disable >= effective) {
        effective = disable >= BRIDGE_THRESHOLD_NONE ? BRIDGE_THRESHOLD_NONE
                                                     : disable + 1;
    }
    *threshold = effective >= BRIDGE_THRESHOLD_NONE ? BRIDGE_THRESHOLD_NONE
                 : effective < 0                    ? 0
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

/* Count the pending exception as an error and clear it. A KeyboardInterrupt
 * (a handler's Ctrl-C) is not swallowed: PyErr_SetInterrupt() signals it
 * again, so the main thread raises it at its next check, as for a real
 * SIGINT (or runs the SIGINT handler Python code installed; nothing when
 * SIGINT is ignored or not handled by Python). Anything else, SystemExit
 * included (as CPython does for __del__), goes to sys.unraisablehook.
 * `call` names the statement; NULL for the drop notice. */
static void
bridge_report(const site_call *call)
{
    PyObject *context;

    pylog_internal_stats_count(STATS_ERRORS);
    if (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) {
        PyErr_Clear();
        PyErr_SetInterrupt();
        return;
    }
    context = call == NULL ? NULL
                           : PyUnicode_FromFormat("pylog statement at %s:%d",
                                                  call->file, call->line);
    PyErr_WriteUnraisable(context); /* clears the exception */
    Py_XDECREF(context);
}

int
pylog_internal_bridge_closed(void)
{
    return !Py_IsInitialized() || pylog_internal_compat_is_finalizing();
}

/* logger.handle(record) for a record that passed: done in C while the
 * logger's machinery is Python's own (record_direct.c), else through its
 * own makeRecord and handle. 0 or -1 with an exception set. */
static int
bridge_handle(PyObject *logger, const site_call *call, uint64_t generation,
              const char *text, size_t length, const pending_origin *origin,
              compat_exception *saved)
{
    PyObject *record, *result;
    int direct = pylog_internal_direct_applies(logger), status;

    if (direct < 0) {
        return -1;
    }
    record = pylog_internal_record_make(logger, call, generation, direct,
                                        text, length, origin, saved);
    if (record == NULL) {
        return -1;
    }
    if (direct & PYLOG_INTERNAL_DIRECT_HANDLE) {
        status = pylog_internal_direct_handle(logger, record);
        Py_DECREF(record);
        return status;
    }
    /* an unbound method call: no bound-method object (vectorcall on 3.9+) */
    result = PyObject_CallMethodObjArgs(logger, bridge_handle_name, record,
                                        NULL);
    Py_DECREF(record);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

void
pylog_internal_bridge_deliver(const site_call *call, const char *text,
                              size_t length, const pending_origin *origin,
                              compat_exception *saved)
{
    PyObject *logger = NULL;
    uint64_t generation;
    int caching, enabled;

    assert(pylog_internal_compat_holds_gil());
    /* Re-check under the GIL: the registry drops references only under it. */
    generation = pylog_internal_slot_generation();
    if (generation == 0) {
        pylog_internal_stats_count(STATS_DROPPED);
        return;
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
    if (bridge_handle(logger, call, generation, text, length, origin,
                      saved) < 0) {
        goto error;
    }
    pylog_internal_stats_count(STATS_EMITTED);
    goto done;

error:
    bridge_report(call);
done:
    Py_XDECREF(logger);
}

void
pylog_internal_bridge_drop_notice(uint64_t dropped)
{
    PyObject *logger, *result;

    assert(pylog_internal_compat_holds_gil());
    if (bridge_logging == NULL) {
        return;
    }
    logger = PyObject_CallMethod(bridge_logging, "getLogger", "s", "pylog");
    if (logger == NULL) {
        goto error;
    }
    /* a ready-made message: no args, so nothing in it is %-formatted */
    result = PyObject_CallMethod(
        logger, "warning", "(N)",
        PyUnicode_FromFormat("pylog dropped %llu record(s): the queue for "
                             "threads without the GIL was full",
                             (unsigned long long)dropped));
    Py_DECREF(logger);
    if (result == NULL) {
        goto error;
    }
    Py_DECREF(result);
    return;

error:
    bridge_report(NULL);
}

int
pylog_internal_bridge_enabled(const site_call *call)
{
    PyGILState_STATE gil;
    compat_exception saved;
    PyObject *logger = NULL;
    uint64_t generation;
    int caching, enabled = 0;

    if (pylog_internal_bridge_closed()) {
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
