/*
 * direct_handle.c: Logger.handle(record) in C, for a logger whose handle,
 * filter and callHandlers are Python's own (pylog_internal_direct_applies),
 * and Handler.handle for each handler whose handle, filter, acquire and
 * release are (pylog_internal_direct_handler_applies). It does what those
 * do in CPython 3.8-3.14, step by step, reading the same attributes at the
 * same moments; only their Python frames are saved. Filters, emit(), a
 * customised handler's handle() and the no-handler case (lastResort) still
 * run in Python.
 * No globals of its own (the interned names are record_direct.c's), no
 * locks. GIL: held in every function.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_direct.h"

#define KEY(ID) PYLOG_INTERNAL_DIRECT_KEY(ID)

/* bool(getattr(obj, key)): 1, 0, or -1 with an exception set. */
static int
handle_attribute_true(PyObject *obj, PyObject *key)
{
    PyObject *value = PyObject_GetAttr(obj, key);
    int truth;

    if (value == NULL) {
        return -1;
    }
    truth = PyObject_IsTrue(value);
    Py_DECREF(value);
    return truth;
}

/* The record that passes obj.filter(record) (a logger's or a handler's),
 * as Logger.handle and Handler.handle see it:
 * a new reference to `record` (or, 3.12+, the LogRecord a filter returned),
 * a new reference to None when a filter rejected it, or NULL with an
 * exception set. Without filters, Filterer.filter passes the record as it
 * is, so it is not called. */
static PyObject *
handle_filter(PyObject *filterer, PyObject *record)
{
    PyObject *filters, *verdict, *type;
    Py_ssize_t n;
    int passes, replaced;

    filters = PyObject_GetAttr(filterer, KEY(FILTERS));
    if (filters == NULL) {
        return NULL;
    }
    n = PyObject_Length(filters);
    Py_DECREF(filters);
    if (n < 0) {
        return NULL;
    }
    if (n == 0) {
        Py_INCREF(record);
        return record;
    }
    verdict = PyObject_CallMethodObjArgs(filterer, KEY(FILTER), record, NULL);
    if (verdict == NULL) {
        return NULL;
    }
    passes = PyObject_IsTrue(verdict);
    if (passes <= 0) {
        Py_DECREF(verdict);
        return passes < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    /* 3.12+: a filter may hand back a replacement LogRecord (delete the
       test when 3.11 is no longer supported) */
    type = (PyObject *)Py_TYPE(record);
    replaced = pylog_internal_compat_running(0x030C0000)
                   ? PyObject_IsInstance(verdict, type)
                   : 0;
    if (replaced < 0) {
        Py_DECREF(verdict);
        return NULL;
    }
    if (replaced) {
        return verdict;
    }
    Py_DECREF(verdict);
    Py_INCREF(record);
    return record;
}

/* Call emit(record) holding the handler's lock, as Handler.handle does
 * (acquire(), emit, release() in `finally`; 3.13: `with self.lock`).
 * 0 or -1 with emit's exception set. */
static int
handle_emit_locked(PyObject *handler, PyObject *lock, PyObject *record)
{
    compat_exception failure;
    PyObject *result;
    int locked = PyObject_IsTrue(lock), status;

    if (locked < 0) {
        return -1;
    }
    if (locked) {
        result = PyObject_CallMethodObjArgs(lock, KEY(ACQUIRE), NULL);
        if (result == NULL) {
            return -1;
        }
        Py_DECREF(result);
    }
    result = PyObject_CallMethodObjArgs(handler, KEY(EMIT), record, NULL);
    status = result == NULL ? -1 : 0;
    Py_XDECREF(result);
    if (locked) {
        /* finally: release even when emit raised. The first failure is
           the one reported: emit's if it raised (restored, release's
           dropped), else release's (nothing was saved). */
        pylog_internal_compat_exception_save(&failure);
        result = PyObject_CallMethodObjArgs(lock, KEY(RELEASE), NULL);
        if (result != NULL || status < 0) {
            pylog_internal_compat_exception_restore(&failure);
        }
        if (result == NULL) {
            status = -1;
        }
        Py_XDECREF(result);
    }
    return status;
}

/* handler.handle(record): in C while the handler's machinery is Python's
 * own, else its own handle(). 0 or -1 with an exception set. */
static int
handle_handler(PyObject *handler, PyObject *record)
{
    PyObject *lock = NULL, *passed, *result;
    int direct = pylog_internal_direct_handler_applies(handler), status;

    if (direct > 0) {
        lock = PyObject_GetAttr(handler, KEY(LOCK));
        if (lock == NULL) {
            return -1;
        }
        /* 3.13 enters `with self.lock`, which fails on None: let it */
        direct = lock != Py_None || !pylog_internal_compat_running(0x030D0000);
    }
    if (direct < 0) {
        return -1;
    }
    if (!direct) {
        Py_XDECREF(lock);
        result = PyObject_CallMethodObjArgs(handler, KEY(HANDLE), record,
                                            NULL);
        Py_XDECREF(result);
        return result == NULL ? -1 : 0;
    }
    passed = handle_filter(handler, record);
    status = passed == NULL ? -1
             : passed == Py_None
                 ? 0
                 : handle_emit_locked(handler, lock, passed);
    Py_XDECREF(passed);
    Py_DECREF(lock);
    return status;
}

/* The rule for one handler: if record.levelno >= handler.level, call
 * handler.handle(record). 0 or -1 with an exception set. */
static int
handle_one(PyObject *handler, PyObject *record)
{
    PyObject *levelno, *level;
    int passes;

    levelno = PyObject_GetAttr(record, KEY(LEVELNO));
    level = levelno == NULL ? NULL : PyObject_GetAttr(handler, KEY(LEVEL));
    passes = level == NULL ? -1
                           : PyObject_RichCompareBool(levelno, level, Py_GE);
    Py_XDECREF(level);
    Py_XDECREF(levelno);
    if (passes > 0) {
        passes = handle_handler(handler, record);
    }
    return passes < 0 ? -1 : 0;
}

/* For each handler of `c`, handle_one(); adds the handlers seen to *found.
 * Iterates as `for h in c.handlers` does: the list read at the start by live
 * index (addHandler appends to it in place; removeHandler removes from it in
 * place before 3.14 and binds a new list from 3.14, which this loop, like
 * Python's, does not see), anything else through its iterator. 0 or -1 with
 * an exception set. */
static int
handle_each(PyObject *c, PyObject *record, Py_ssize_t *found)
{
    PyObject *handlers, *iterator = NULL, *handler;
    int status = 0;

    handlers = PyObject_GetAttr(c, KEY(HANDLERS));
    if (handlers == NULL) {
        return -1;
    }
    if (!PyList_CheckExact(handlers)) {
        iterator = PyObject_GetIter(handlers);
        if (iterator == NULL) {
            Py_DECREF(handlers);
            return -1;
        }
    }
    for (Py_ssize_t i = 0; status == 0; i++) {
        if (iterator != NULL) {
            handler = PyIter_Next(iterator);
        }
        else if (i < PyList_Size(handlers)) {
            handler = PyList_GetItem(handlers, i); /* borrowed */
            Py_INCREF(handler);
        }
        else {
            handler = NULL;
        }
        if (handler == NULL) {
            break;
        }
        (*found)++;
        status = handle_one(handler, record);
        Py_DECREF(handler);
    }
    Py_XDECREF(iterator);
    Py_DECREF(handlers);
    return status < 0 || PyErr_Occurred() ? -1 : 0;
}

/* Logger.callHandlers: the handlers of the logger and its ancestors while
 * they propagate; with none at all, Python's own callHandlers runs (it
 * finds none either and takes care of lastResort). 0 or -1. */
static int
handle_call_handlers(PyObject *logger, PyObject *record)
{
    PyObject *c = logger, *next, *result;
    Py_ssize_t found = 0;
    int propagate;

    Py_INCREF(c);
    for (;;) {
        int truth = PyObject_IsTrue(c); /* while c: */
        if (truth <= 0) {
            Py_DECREF(c);
            if (truth < 0) {
                return -1;
            }
            break;
        }
        propagate = handle_each(c, record, &found) < 0
                        ? -1
                        : handle_attribute_true(c, KEY(PROPAGATE));
        next = propagate > 0 ? PyObject_GetAttr(c, KEY(PARENT)) : NULL;
        Py_DECREF(c);
        if (propagate < 0 || (propagate > 0 && next == NULL)) {
            return -1;
        }
        if (propagate == 0) {
            break;
        }
        c = next;
    }
    if (found > 0) {
        return 0;
    }
    result = PyObject_CallMethodObjArgs(logger, KEY(CALL_HANDLERS), record,
                                        NULL);
    Py_XDECREF(result);
    return result == NULL ? -1 : 0;
}

int
pylog_internal_direct_handle(PyObject *logger, PyObject *record)
{
    PyObject *passed;
    int disabled, status;

    disabled = handle_attribute_true(logger, KEY(DISABLED));
    if (disabled != 0) {
        return disabled < 0 ? -1 : 0;
    }
    passed = handle_filter(logger, record);
    if (passed == NULL) {
        return -1;
    }
    status = passed == Py_None ? 0 : handle_call_handlers(logger, passed);
    Py_DECREF(passed);
    return status;
}

#undef KEY
