/*
 * record_origin.c: where a record comes from, as LogRecord.__init__ names
 * it: the thread (threading's name for a Python thread, else the name pylog
 * gave it at the call), the process and its name, and the asyncio task.
 * Calls threading, multiprocessing and asyncio only where __init__ does,
 * and reads threading's own bookkeeping directly where that gives the same
 * answer.
 *
 * Globals, all guarded by the GIL except in the fork() child handler (where
 * the child has one thread), set by open and dropped by close:
 *   record_origin_threading    logging's global `threading`, which logging
 *                              never rebinds; owned.
 *   record_origin_thread_name  the threading.Thread.name property; owned.
 *   record_origin_active       threading._active, or NULL: not looked up in
 *                              this process yet (threading rebinds it in a
 *                              fork child); owned.
 *   record_origin_pid          os.getpid() as an int, or NULL: not known in
 *                              this process yet; owned.
 *   record_origin_parent_pid, record_origin_parent_active  in a fork child,
 *                              the parent's two above until released; owned.
 * No locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_keys.h"
#include "internal/record_origin.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KEY(ID) PYLOG_INTERNAL_DIRECT_KEY(ID)

static PyObject *record_origin_threading;
static PyObject *record_origin_thread_name;
static PyObject *record_origin_active;
static PyObject *record_origin_pid;
static PyObject *record_origin_parent_pid;
static PyObject *record_origin_parent_active;

void
pylog_internal_record_after_fork_child(void)
{
    record_origin_parent_pid = record_origin_pid;
    record_origin_parent_active = record_origin_active;
    record_origin_pid = NULL;
    record_origin_active = NULL;
}

/* GIL: held. Release what the parent's references were (see above). */
static void
record_origin_forget_parent(void)
{
    pylog_internal_compat_drop(&record_origin_parent_pid);
    pylog_internal_compat_drop(&record_origin_parent_active);
}

int
pylog_internal_direct_origin_open(void)
{
    PyObject *threading, *thread;

    pylog_internal_direct_origin_close();
    threading = pylog_internal_direct_global(KEY(THREADING)); /* borrowed */
    if (threading == NULL) {
        return -1;
    }
    thread = PyObject_GetAttrString(threading, "Thread");
    if (thread == NULL) {
        return -1;
    }
    record_origin_thread_name = PyObject_GetAttr(thread, KEY(NAME));
    Py_DECREF(thread);
    if (record_origin_thread_name == NULL) {
        return -1;
    }
    Py_INCREF(threading);
    record_origin_threading = threading;
    return 0;
}

void
pylog_internal_direct_origin_close(void)
{
    pylog_internal_compat_drop(&record_origin_thread_name);
    pylog_internal_compat_drop(&record_origin_active);
    pylog_internal_compat_drop(&record_origin_threading);
    pylog_internal_compat_drop(&record_origin_pid);
    record_origin_forget_parent();
}

/* `obj.method()`: a new reference, or NULL with an exception set. */
static PyObject *
record_origin_call(PyObject *obj, PyObject *method)
{
    return PyObject_CallMethodObjArgs(obj, method, NULL);
}

/* threading._active (borrowed), or NULL with an exception set. */
static PyObject *
record_origin_active_threads(void)
{
    if (record_origin_active == NULL) {
        record_origin_forget_parent();
        record_origin_active =
            PyObject_GetAttr(record_origin_threading, KEY(ACTIVE));
    }
    return record_origin_active;
}

/* thread.name, for `thread` (a reference it takes over; NULL passes an
 * exception, or none, on): a new reference, or NULL with an exception set.
 * Where that is Thread's own property, its value is thread._name, read
 * without running the property. */
static PyObject *
record_origin_name_of(PyObject *thread)
{
    PyObject *property, *name;
    int own;

    if (thread == NULL) {
        return NULL;
    }
    property = PyObject_GetAttr((PyObject *)Py_TYPE(thread), KEY(NAME));
    own = property == record_origin_thread_name;
    Py_XDECREF(property);
    name = property == NULL ? NULL
                            : PyObject_GetAttr(thread, own ? KEY(PRIVATE_NAME)
                                                           : KEY(NAME));
    Py_DECREF(thread);
    return name;
}

/* The name of threading._active[ident], the Python thread with that
 * threading.get_ident(): a new reference; NULL with no exception set when
 * there is none (never started by threading, or ended), NULL with an
 * exception set on failure. */
static PyObject *
record_origin_active_name(PyObject *ident)
{
    PyObject *active = record_origin_active_threads(); /* borrowed */
    PyObject *thread;

    if (active == NULL) {
        return NULL;
    }
    if (PyDict_Check(active)) {
        thread = PyDict_GetItemWithError(active, ident); /* borrowed */
        Py_XINCREF(thread);
    }
    else {
        thread = PyObject_GetItem(active, ident);
        if (thread == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
        }
    }
    return record_origin_name_of(thread);
}

PyObject *
pylog_internal_direct_current_thread_name(PyObject *ident)
{
    /* _active[ident], else a new _DummyThread, as current_thread() does */
    PyObject *thread, *name = record_origin_active_name(ident);

    if (name != NULL || PyErr_Occurred()) {
        return name;
    }
    thread = record_origin_call(record_origin_threading, KEY(CURRENT_THREAD));
    return record_origin_name_of(thread);
}

PyObject *
pylog_internal_direct_origin_thread_name(const pending_origin *origin)
{
    char fallback[sizeof origin->thread_name];
    const char *text = origin->thread_name;
    PyObject *ident, *name;

    if (origin->python_thread) {
        ident = PyLong_FromUnsignedLong(origin->thread_id);
        if (ident == NULL) {
            return NULL;
        }
        name = record_origin_active_name(ident);
        Py_DECREF(ident);
        if (name != NULL || PyErr_Occurred()) {
            return name;
        }
        /* the thread has ended since */
        snprintf(fallback, sizeof fallback, "pylog-%lu", origin->thread_id);
        text = fallback;
    }
    return PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
}

/* What LogRecord.__init__ does for processName and taskName:
 *     if not logging.<flag>: None
 *     elif not sys.modules.get(<module>): <fallback>
 *     else: try: <module>.<function>().<attribute> (called if `call`)
 *           except Exception: <fallback>
 * A new reference, or NULL with an exception set. */
static PyObject *
record_origin_from_module(PyObject *flag, PyObject *module_name,
                          PyObject *function, PyObject *attribute, int call,
                          PyObject *fallback)
{
    PyObject *module, *result, *value;
    int enabled = pylog_internal_direct_flag(flag);

    if (enabled <= 0) {
        return enabled < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    module = PyDict_GetItemWithError(PyImport_GetModuleDict(),
                                     module_name); /* borrowed */
    if (module == NULL || module == Py_None) { /* a module is true */
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_INCREF(fallback);
        return fallback;
    }
    result = record_origin_call(module, function);
    value = result == NULL ? NULL
            : call         ? record_origin_call(result, attribute)
                           : PyObject_GetAttr(result, attribute);
    Py_XDECREF(result);
    if (value == NULL && PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        Py_INCREF(fallback);
        value = fallback;
    }
    return value;
}

PyObject *
pylog_internal_direct_process_name(void)
{
    return record_origin_from_module(KEY(LOG_MP), KEY(MULTIPROCESSING),
                                     KEY(CURRENT_PROCESS), KEY(NAME), 0,
                                     KEY(MAIN_PROCESS));
}

PyObject *
pylog_internal_direct_process(void)
{
    int enabled = pylog_internal_direct_flag(KEY(LOG_PROCESSES));

    if (enabled <= 0) {
        return enabled < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    if (record_origin_pid == NULL) {
        record_origin_forget_parent();
        record_origin_pid = PyLong_FromLong((long)getpid());
        if (record_origin_pid == NULL) {
            return NULL;
        }
    }
    Py_INCREF(record_origin_pid);
    return record_origin_pid;
}

PyObject *
pylog_internal_direct_task_name(void)
{
    return record_origin_from_module(KEY(LOG_TASKS), KEY(ASYNCIO),
                                     KEY(CURRENT_TASK), KEY(GET_NAME), 1,
                                     Py_None);
}

#undef KEY
