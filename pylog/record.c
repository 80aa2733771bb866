/*
 * record.c: builds the LogRecord of one statement: directly from the site's
 * template (record_template.c) while logging's record machinery is Python's
 * own (record_pristine.c, record_direct.c), else with the record factory or
 * the logger's own makeRecord and, for a record delivered away from its
 * call, the call's time and thread set afterwards; then the statement's
 * structured fields.
 * No globals, no locks. GIL: held in every function.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/record.h"
#include "internal/record_direct.h"
#include "internal/record_keys.h"
#include "internal/record_origin.h"
#include "internal/record_pristine.h"
#include "internal/record_template.h"
#include "internal/record_time.h"
#include "internal/stats.h"

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

/* setattr(record, name, float(value)). 0 or -1 with an exception set. */
static int
record_set_double(PyObject *record, const char *name, double value)
{
    PyObject *number = PyFloat_FromDouble(value);
    int status;

    if (number == NULL) {
        return -1;
    }
    status = PyObject_SetAttrString(record, name, number);
    Py_DECREF(number);
    return status;
}

/* Give a record made by makeRecord the call's time, thread and (3.12+) no
 * task: the values LogRecord.__init__ would have computed on the calling
 * thread then. 0 or -1 with an exception set. */
static int
record_set_origin(PyObject *record, const pending_origin *origin)
{
    PyObject *value;
    double created, msecs, relative;
    int status, unnamed;

    status = pylog_internal_direct_created(origin->time_ns, &created, &msecs,
                                           &relative);
    if (status < 0 || record_set_double(record, "created", created) < 0 ||
        record_set_double(record, "msecs", msecs) < 0 ||
        record_set_double(record, "relativeCreated", relative) < 0) {
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
    value = pylog_internal_direct_origin_thread_name(origin);
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

/* _logRecordFactory(name, level, pathname, line, msg, (), exc_info, func,
 * None), positionally: what Logger.makeRecord does without `extra`. A new
 * reference, or NULL with an exception set. */
static PyObject *
record_from_factory(PyObject *name, int level, PyObject *pathname, int line,
                    PyObject *msg, PyObject *exc_info, PyObject *func)
{
    PyObject *factory = pylog_internal_direct_global(
        PYLOG_INTERNAL_DIRECT_KEY(FACTORY)); /* borrowed */

    if (factory == NULL) {
        return NULL;
    }
    return PyObject_CallFunction(factory, "OiOiO()OOO", name, level, pathname,
                                 line, msg, exc_info, func, Py_None);
}

/* The record as the logger's makeRecord makes it: logger.makeRecord(...)
 * with the ten positional arguments Logger._log passes (an override may
 * require each), or, when makeRecord is Logger's own, the record factory
 * called as it calls it. args is (): the message is final, `%` in it is
 * never read again. A new reference, or NULL with an exception set. */
static PyObject *
record_make_with_logger(PyObject *logger, PyObject *template_,
                        const site_call *call, int direct, PyObject *msg,
                        PyObject *exc_info, const pending_origin *origin)
{
    PyObject *name, *pathname, *func, *record;

    pylog_internal_direct_site_fields(template_, &name, &pathname, &func);
    if (direct & PYLOG_INTERNAL_DIRECT_FACTORY) {
        record = record_from_factory(name, call->level, pathname, call->line,
                                     msg, exc_info, func);
    }
    else {
        record = PyObject_CallMethod(logger, "makeRecord", "OiOiO()OOOO",
                                     name, call->level, pathname, call->line,
                                     msg, exc_info, func, Py_None, Py_None);
    }
    if (record != NULL && origin != NULL &&
        record_set_origin(record, origin) < 0) {
        Py_CLEAR(record);
    }
    return record;
}

PyObject *
pylog_internal_record_make(PyObject *logger, const site_call *call,
                           uint64_t generation, int direct,
                           const char *text, size_t length,
                           const pending_origin *origin,
                           compat_exception *saved)
{
    const pylog_internal_extra *extra = call->extra;
    PyObject *template_, *msg = NULL, *exc_info = NULL, *record = NULL;

    /* Ours for the call: a new generation started by the Python code the
       call runs (a factory, makeRecord, a thread name) cannot free it. */
    template_ = pylog_internal_direct_template_hold(call, logger, generation);
    if (template_ == NULL) {
        return NULL;
    }
    /* "replace": a message that is not valid UTF-8 never fails the call */
    msg = PyUnicode_DecodeUTF8(text, (Py_ssize_t)length, "replace");
    if (msg == NULL) {
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
    record = (direct & PYLOG_INTERNAL_DIRECT_RECORD)
                 ? pylog_internal_direct_make(template_, call->level, msg,
                                              exc_info, origin)
                 : record_make_with_logger(logger, template_, call, direct, msg,
                                           exc_info, origin);
    if (record != NULL && extra != NULL && extra->n_kvs > 0 &&
        record_set_fields(record, extra) < 0) {
        Py_CLEAR(record);
    }

done:
    Py_XDECREF(exc_info);
    Py_XDECREF(msg);
    Py_DECREF(template_);
    return record;
}
