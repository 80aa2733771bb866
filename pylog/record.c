/*
 * record.c: builds the LogRecord of one statement: the logger's own
 * makeRecord, then the statement's structured fields and, for a record
 * delivered away from its call, the call's time and thread.
 * No globals, no locks. GIL: held in every function.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/record.h"
#include "internal/stats.h"

#include <stdio.h>
#include <string.h>

/* A Python value for one structured field: a new reference, or NULL with
 * an exception set. */
static PyObject *
record_kv_value(const pylog_kv *kv)
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
record_set_fields(PyObject *record, const pylog_internal_extra *extra)
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
        value = record_kv_value(kv);
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

/* The name of the thread that made the call: a Python thread's name from
 * `threading` (if it still runs), else the name pylog gave it at the call.
 * A new reference, or NULL with an exception set. */
static PyObject *
record_thread_name(const pending_origin *origin)
{
    char fallback[sizeof origin->thread_name];
    const char *name = origin->thread_name;

    if (origin->python_thread) {
        PyObject *threading = PyImport_ImportModule("threading");
        PyObject *active, *ident, *thread = NULL;

        if (threading == NULL) {
            return NULL;
        }
        active = PyObject_GetAttrString(threading, "_active");
        Py_DECREF(threading);
        if (active == NULL) {
            return NULL;
        }
        ident = PyLong_FromUnsignedLong(origin->thread_id);
        if (ident != NULL) {
            thread = PyObject_GetItem(active, ident);
            Py_DECREF(ident);
        }
        Py_DECREF(active);
        if (thread != NULL) {
            PyObject *value = PyObject_GetAttrString(thread, "name");
            Py_DECREF(thread);
            return value;
        }
        if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
            return NULL;
        }
        PyErr_Clear(); /* the thread has ended since */
        snprintf(fallback, sizeof fallback, "pylog-%lu", origin->thread_id);
        name = fallback;
    }
    return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
}

/* Give `record` the call's time, thread and (3.12+) no task: the values
 * LogRecord.__init__ would have computed on the calling thread then.
 * 0 or -1 with an exception set. */
static int
record_set_origin(PyObject *record, const pending_origin *origin)
{
    PyObject *logging, *start, *value;
    int status, unnamed;

    logging = PyImport_ImportModule("logging");
    if (logging == NULL) {
        return -1;
    }
    start = PyObject_GetAttrString(logging, "_startTime");
    Py_DECREF(logging);
    if (start == NULL) {
        return -1;
    }
    status = pylog_internal_compat_set_created(record, origin->time_ns, start);
    Py_DECREF(start);
    if (status < 0) {
        return -1;
    }
    /* logging.logThreads off: Python left thread and threadName None */
    value = PyObject_GetAttrString(record, "threadName");
    if (value == NULL) {
        return -1;
    }
    unnamed = value == Py_None;
    Py_DECREF(value);
    if (unnamed) {
        return pylog_internal_compat_clear_task(record);
    }
    value = PyLong_FromUnsignedLong(origin->thread_id);
    if (value == NULL) {
        return -1;
    }
    status = PyObject_SetAttrString(record, "thread", value);
    Py_DECREF(value);
    if (status < 0) {
        return -1;
    }
    value = record_thread_name(origin);
    if (value == NULL) {
        return -1;
    }
    status = PyObject_SetAttrString(record, "threadName", value);
    Py_DECREF(value);
    if (status < 0) {
        return -1;
    }
    return pylog_internal_compat_clear_task(record);
}

PyObject *
pylog_internal_record_make(PyObject *logger, const site_call *call,
                           const char *text, size_t length,
                           const pending_origin *origin,
                           compat_exception *saved)
{
    const pylog_internal_extra *extra = call->extra;
    PyObject *name = NULL, *msg = NULL, *pathname = NULL, *func = NULL;
    PyObject *exc_info = NULL, *record = NULL;

    name = PyObject_GetAttrString(logger, "name");
    if (name == NULL) {
        goto error;
    }
    /* "replace": a message that is not valid UTF-8 never fails the call */
    msg = PyUnicode_DecodeUTF8(text, (Py_ssize_t)length, "replace");
    if (msg == NULL) {
        goto error;
    }
    pathname = PyUnicode_DecodeFSDefault(call->file);
    if (pathname == NULL) {
        goto error;
    }
    func = PyUnicode_DecodeUTF8(call->func, (Py_ssize_t)strlen(call->func),
                                "replace");
    if (func == NULL) {
        goto error;
    }
    if (extra != NULL && extra->exc_info) {
        exc_info = pylog_internal_compat_exception_info(saved);
    }
    else {
        Py_INCREF(Py_None);
        exc_info = Py_None;
    }
    if (exc_info == NULL) {
        goto error;
    }
    /* args is (): the message is final, `%` in it is never re-read. All
       ten arguments positional, as Logger._log passes them: an override
       of makeRecord may require each. */
    record = PyObject_CallMethod(logger, "makeRecord", "OiOiO()OOOO", name,
                                 call->level, pathname, call->line, msg,
                                 exc_info, func, Py_None, Py_None);
    if (record == NULL) {
        goto error;
    }
    if (extra != NULL && extra->n_kvs > 0 &&
        record_set_fields(record, extra) < 0) {
        goto error;
    }
    if (origin != NULL && record_set_origin(record, origin) < 0) {
        goto error;
    }
    goto done;

error:
    Py_CLEAR(record);
done:
    Py_XDECREF(exc_info);
    Py_XDECREF(func);
    Py_XDECREF(pathname);
    Py_XDECREF(msg);
    Py_XDECREF(name);
    return record;
}
