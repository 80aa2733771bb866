/*
 * record_direct.c: LogRecords built directly while the logger's class and
 * the record factory are Python's own (record_pristine.c), and the
 * install/uninstall of every record file.
 *
 * LogRecord.__init__ dominates the enabled path. A direct record is a
 * LogRecord instance (object.__new__, no __init__) whose __dict__ is a copy
 * of the site's template (record_template.c) with the call's own fields
 * filled in, each the value __init__ of the running CPython computes, in
 * its order: the level's name, the time (record_time.c), the thread,
 * process and task (record_origin.c). What is customised runs as Python's
 * own code would run it: record.c calls a record factory of the
 * application's as Logger.makeRecord calls it, or an overridden
 * makeRecord; direct_handle.c calls a customised handle(), callHandlers()
 * or handler's handle().
 *
 * Globals, guarded by the GIL, set by open and dropped by close:
 *   record_direct_level_names  logging's global `_levelToName`, which
 *                              logging never rebinds; owned.
 * No locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_direct.h"
#include "internal/record_keys.h"
#include "internal/record_origin.h"
#include "internal/record_pristine.h"
#include "internal/record_template.h"
#include "internal/record_time.h"

#include "internal/clock.h"

#define KEY(ID) PYLOG_INTERNAL_DIRECT_KEY(ID)

static PyObject *record_direct_level_names;

int
pylog_internal_direct_open(PyObject *logging)
{
    PyObject *names;

    pylog_internal_direct_close();
    if (pylog_internal_direct_keys_open(logging) < 0 ||
        pylog_internal_direct_pristine_open(logging) < 0 ||
        pylog_internal_direct_time_open() < 0 ||
        pylog_internal_direct_origin_open() < 0 ||
        pylog_internal_direct_templates_open() < 0) {
        goto error;
    }
    names = pylog_internal_direct_global(KEY(LEVEL_TO_NAME)); /* borrowed */
    if (names == NULL) {
        goto error;
    }
    Py_INCREF(names);
    record_direct_level_names = names;
    return 0;

error:
    pylog_internal_direct_close();
    return -1;
}

void
pylog_internal_direct_close(void)
{
    /* GIL: held. Everything goes, so that nothing survives into a later
       interpreter (Py_Finalize, then Py_Initialize); the names last. */
    pylog_internal_direct_templates_close();
    pylog_internal_compat_drop(&record_direct_level_names);
    pylog_internal_direct_origin_close();
    pylog_internal_direct_time_close();
    pylog_internal_direct_pristine_close();
    pylog_internal_direct_keys_close();
}

/* logging.getLevelName(level): a new reference, or NULL with an exception. */
static PyObject *
record_direct_level_name(int level)
{
    PyObject *number = PyLong_FromLong(level), *names, *name;

    if (number == NULL) {
        return NULL;
    }
    name = PyObject_GetItem(record_direct_level_names, number);
    if (name == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        names = pylog_internal_direct_global(KEY(NAME_TO_LEVEL));
        name = names == NULL ? NULL : PyObject_GetItem(names, number);
        if (name == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            name = PyUnicode_FromFormat("Level %d", level);
        }
    }
    Py_DECREF(number);
    /* getLevelName treats a stored None as missing; nobody stores one */
    return name;
}

/* dict[key] = value, stealing `value`, which may be NULL (its error is
 * then already set). 0 or -1. */
static int
record_direct_put(PyObject *dict, PyObject *key, PyObject *value)
{
    int status;

    if (value == NULL) {
        return -1;
    }
    status = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return status;
}

/* The call's time fields into `dict`, for CLOCK_REALTIME `ns`. */
static int
record_direct_put_time(PyObject *dict, int64_t ns)
{
    double created, msecs, relative;

    if (pylog_internal_direct_created(ns, &created, &msecs, &relative) < 0) {
        return -1;
    }
    if (record_direct_put(dict, KEY(CREATED), PyFloat_FromDouble(created)) <
            0 ||
        record_direct_put(dict, KEY(MSECS), PyFloat_FromDouble(msecs)) < 0 ||
        record_direct_put(dict, KEY(RELATIVE), PyFloat_FromDouble(relative)) <
            0) {
        return -1;
    }
    return 0;
}

/* The call's thread fields into `dict` (None when logThreads is off). */
static int
record_direct_put_thread(PyObject *dict, const pending_origin *origin)
{
    PyObject *ident;
    int enabled = pylog_internal_direct_flag(KEY(LOG_THREADS)), status;

    if (enabled < 0) {
        return -1;
    }
    if (enabled == 0) {
        return 0; /* the template has None for both */
    }
    ident = PyLong_FromUnsignedLong(origin != NULL
                                        ? origin->thread_id
                                        : PyThread_get_thread_ident());
    if (ident == NULL || PyDict_SetItem(dict, KEY(THREAD), ident) < 0) {
        Py_XDECREF(ident);
        return -1;
    }
    status = record_direct_put(
        dict, KEY(THREADNAME),
        origin != NULL ? pylog_internal_direct_origin_thread_name(origin)
                       : pylog_internal_direct_current_thread_name(ident));
    Py_DECREF(ident);
    return status;
}

PyObject *
pylog_internal_direct_make(PyObject *template_, int level, PyObject *msg,
                           PyObject *exc_info, const pending_origin *origin)
{
    PyObject *dict, *record = NULL;
    /* the time of the call, as __init__ takes it first (time.time_ns()) */
    int64_t ns = origin != NULL ? origin->time_ns
                                : pylog_internal_clock_realtime_ns();

    dict = PyDict_Copy(template_); /* keeps the template's key order */
    if (dict == NULL) {
        return NULL;
    }
    if (PyDict_SetItem(dict, KEY(MSG), msg) < 0 ||
        record_direct_put(dict, KEY(LEVELNAME),
                          record_direct_level_name(level)) < 0 ||
        record_direct_put(dict, KEY(LEVELNO), PyLong_FromLong(level)) < 0 ||
        PyDict_SetItem(dict, KEY(EXC_INFO), exc_info) < 0 ||
        record_direct_put_time(dict, ns) < 0 ||
        record_direct_put_thread(dict, origin) < 0 ||
        record_direct_put(dict, KEY(PROCESSNAME),
                          pylog_internal_direct_process_name()) < 0 ||
        record_direct_put(dict, KEY(PROCESS),
                          pylog_internal_direct_process()) < 0) {
        goto done;
    }
    /* a record delivered away from its call ran in no task here; taskName
       from 3.12 (delete the test when 3.11 is unsupported) */
    if (origin == NULL && pylog_internal_compat_running(0x030C0000) &&
        record_direct_put(dict, KEY(TASKNAME),
                          pylog_internal_direct_task_name()) < 0) {
        goto done;
    }
    record = pylog_internal_compat_new_instance(
        pylog_internal_direct_record_type);
    if (record != NULL && PyObject_SetAttr(record, KEY(DICT), dict) < 0) {
        Py_CLEAR(record);
    }

done:
    Py_DECREF(dict);
    return record;
}

#undef KEY
