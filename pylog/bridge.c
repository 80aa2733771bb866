/*
 * bridge.c: one statement into Python's `logging`: under the GIL, resolve
 * the site's logger (registry.c), decide again with Python's levels
 * (threshold.c), build the record (record.c) and hand it to the logger's
 * handle() (in C while that is Python's own: direct_handle.c). Also
 * PYLOG_ENABLED's question to Python, the drop notice, and reporting
 * failures through sys.unraisablehook.
 * No globals of its own, no locks. GIL: held in every function, except
 * pylog_internal_bridge_enabled, which takes it (PyGILState_Ensure, any
 * thread), and pylog_internal_bridge_closed, which needs none.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/compat.h"
#include "internal/config.h"
#include "internal/generation.h"
#include "internal/logging_hooks.h"
#include "internal/direct_handle.h"
#include "internal/record.h"
#include "internal/record_direct.h"
#include "internal/record_keys.h"
#include "internal/record_pristine.h"
#include "internal/registry.h"
#include "internal/slot.h"
#include "internal/stats.h"
#include "internal/threshold.h"

#include <assert.h>

int
pylog_internal_bridge_install(void)
{
    PyObject *logging;

    assert(pylog_internal_compat_holds_gil());
    logging = PyImport_ImportModule("logging");
    if (logging == NULL) {
        return -1;
    }
    if (pylog_internal_hooks_install(logging) < 0 ||
        pylog_internal_direct_open(logging) < 0) {
        Py_DECREF(logging);
        return -1;
    }
    if (pylog_internal_registry_open(logging) < 0) {
        pylog_internal_direct_close();
        Py_DECREF(logging);
        return -1;
    }
    Py_DECREF(logging);
    return 0;
}

void
pylog_internal_bridge_uninstall(void)
{
    assert(pylog_internal_compat_holds_gil());
    pylog_internal_direct_close();
    pylog_internal_registry_close();
}

int
pylog_internal_bridge_closed(void)
{
    return !Py_IsInitialized() || pylog_internal_compat_is_finalizing();
}

/* Count the pending exception as an error and report it through
 * sys.unraisablehook, except a KeyboardInterrupt, which is signalled again
 * (PyErr_SetInterrupt) so that Python raises it in the main thread at its
 * next check: Ctrl-C while a handler ran must not vanish. `call` NULL: no
 * statement to name. Clears the exception. */
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

/* The part of a delivery and of PYLOG_ENABLED's question that is the same:
 * the generation current now, the site's logger, and whether the call
 * passes. 1 with *logger set (a new reference), 0 (filtered out, or not
 * installed: *logger NULL or set), or -1 with an exception set. */
static int
bridge_decide(const site_call *call, PyObject **logger,
              uint64_t *generation)
{
    int caching;

    /* Re-check under the GIL: the registry drops references only under
       it, so a logger found for this generation stays valid meanwhile. */
    *logger = NULL;
    *generation = pylog_internal_generation_current();
    if (*generation == 0) {
        return 0;
    }
    caching = pylog_internal_config_caching();
    *logger = pylog_internal_registry_logger(call, *generation, caching);
    if (*logger == NULL) {
        return -1;
    }
    return pylog_internal_threshold_decide(call, *logger, *generation,
                                           caching);
}

/* logger.handle(record) for a record that passed: done in C while the
 * logger's machinery is Python's own (record_pristine.c), else through its
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
    result = PyObject_CallMethodObjArgs(
        logger, PYLOG_INTERNAL_DIRECT_KEY(HANDLE), record, NULL);
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
    PyObject *logger;
    uint64_t generation;
    int enabled;

    assert(pylog_internal_compat_holds_gil());
    enabled = bridge_decide(call, &logger, &generation);
    if (generation == 0) {
        pylog_internal_stats_count(STATS_DROPPED);
    }
    else if (enabled < 0 ||
             (enabled > 0 && bridge_handle(logger, call, generation, text,
                                           length, origin, saved) < 0)) {
        bridge_report(call);
    }
    else if (enabled > 0) {
        pylog_internal_stats_count(STATS_EMITTED);
        pylog_internal_slot_count_emitted(call->site);
    }
    Py_XDECREF(logger);
}

void
pylog_internal_bridge_drop_notice(uint64_t dropped, const char *threads)
{
    PyObject *logger, *result;

    assert(pylog_internal_compat_holds_gil());
    logger = pylog_internal_registry_get("pylog");
    if (logger == NULL) {
        goto error;
    }
    /* a ready-made message: no args, so nothing in it is %-formatted */
    result = PyObject_CallMethod(
        logger, "warning", "(N)",
        PyUnicode_FromFormat("pylog dropped %llu record(s): the buffer of a "
                             "thread without the GIL was full%s%s%s",
                             (unsigned long long)dropped,
                             threads[0] != '\0' ? " (" : "", threads,
                             threads[0] != '\0' ? ")" : ""));
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
    PyObject *logger;
    uint64_t generation;
    int enabled;

    if (pylog_internal_bridge_closed()) {
        return 0;
    }
    gil = PyGILState_Ensure();
    pylog_internal_compat_exception_save(&saved);
    enabled = bridge_decide(call, &logger, &generation);
    if (enabled < 0) {
        bridge_report(call);
        enabled = 0;
    }
    Py_XDECREF(logger);
    pylog_internal_compat_exception_restore(&saved);
    PyGILState_Release(gil);
    return enabled;
}
