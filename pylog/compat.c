/*
 * compat.c: every CPython-version and ABI branch of pylog, and how pylog
 * lets go of Python objects. Each version branch names the version after
 * which it can be deleted. No locks; one thread-local (the calling
 * thread's name); compat_forgetting (see pylog_internal_compat_drop);
 * abi3 builds also keep function pointers and the running version,
 * written once at load time.
 * 3.14 needs no branch: of what pylog mirrors, only removeHandler changed
 * (it binds a new list), and direct_handle.c's loop over a logger's handlers
 * already keeps the list it started with, as Python's `for` does.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(Py_LIMITED_API)
#include <dlfcn.h>
#endif
#ifdef __linux__
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(Py_LIMITED_API)
/* abi3 builds: functions every supported CPython exports but the limited API
 * does not declare (Py_IsFinalizing before 3.13, PyGILState_Check), looked
 * up in the running interpreter. Set by the loader's call of compat_resolve()
 * before any code of the extension runs, never written again: later reads
 * need no ordering. NULL: missing. */
static int (*compat_py_is_finalizing)(void);
static PyThreadState *(*compat_current_tstate)(void);
static PyInterpreterState *(*compat_tstate_interp)(PyThreadState *);
static PyInterpreterState *(*compat_main_interp)(void);
static PyInterpreterState *(*compat_current_interp)(void);
/* The running CPython's version as PY_VERSION_HEX (major and minor): the
 * behaviour of `logging` follows it, not the headers the build used. */
static long compat_running_hex;

/* The function `name` of the process (NULL if none) into the function
 * pointer at `function` (of any function pointer type). */
static void
compat_lookup(const char *name, void *function)
{
    void *address = dlsym(RTLD_DEFAULT, name);

    /* ISO C has no object-to-function pointer cast; POSIX guarantees this. */
    memcpy(function, &address, sizeof address);
}

__attribute__((constructor)) static void
compat_resolve(void)
{
    char *rest;

    /* Public from 3.13, private (same meaning) in 3.8-3.12. */
    compat_lookup("Py_IsFinalizing", &compat_py_is_finalizing);
    if (compat_py_is_finalizing == NULL) {
        compat_lookup("_Py_IsFinalizing", &compat_py_is_finalizing);
    }
    /* This thread's attached thread state from 3.12, the GIL holder's
       before: PyThreadState_GetUnchecked from 3.13, the private name in
       3.8-3.12. */
    compat_lookup("PyThreadState_GetUnchecked", &compat_current_tstate);
    if (compat_current_tstate == NULL) {
        compat_lookup("_PyThreadState_UncheckedGet", &compat_current_tstate);
    }
    compat_lookup("PyThreadState_GetInterpreter", &compat_tstate_interp);
    compat_lookup("PyInterpreterState_Main", &compat_main_interp);
    /* 3.8 only (PyThreadState_GetInterpreter is 3.9+) */
    compat_lookup("_PyInterpreterState_Get", &compat_current_interp);
    /* Py_GetVersion() is "3.13.0 (main, ...": a static string. */
    compat_running_hex = strtol(Py_GetVersion(), &rest, 10) << 24;
    compat_running_hex |= strtol(rest + (*rest == '.'), NULL, 10) << 16;
}

/* Nonzero when the running CPython is `hex` (PY_VERSION_HEX) or later. */
#define COMPAT_RUNNING(hex) (compat_running_hex >= (hex))
#else
#define COMPAT_RUNNING(hex) (PY_VERSION_HEX >= (hex))
#endif

void
pylog_internal_compat_exception_save(compat_exception *saved)
{
    /* GIL: held */
#if PYLOG_COMPAT_HEX >= 0x030C0000
    saved->exc = PyErr_GetRaisedException(); /* new reference, or NULL */
#else
    /* Delete when 3.11 is no longer supported. */
    PyErr_Fetch(&saved->type, &saved->value, &saved->traceback);
#endif
}

void
pylog_internal_compat_exception_restore(compat_exception *saved)
{
    /* GIL: held. Anything pylog left pending is not the caller's business. */
    PyErr_Clear();
#if PYLOG_COMPAT_HEX >= 0x030C0000
    PyErr_SetRaisedException(saved->exc); /* steals */
    saved->exc = NULL;
#else
    PyErr_Restore(saved->type, saved->value, saved->traceback); /* steals */
    saved->type = saved->value = saved->traceback = NULL;
#endif
}

PyObject *
pylog_internal_compat_exception_info(compat_exception *saved)
{
    /* GIL: held */
#if PYLOG_COMPAT_HEX >= 0x030C0000
    if (saved->exc == NULL) {
        Py_RETURN_NONE;
    }
    PyObject *traceback = PyException_GetTraceback(saved->exc); /* new */
    PyObject *info = Py_BuildValue("(OOO)", (PyObject *)Py_TYPE(saved->exc),
                                   saved->exc,
                                   traceback != NULL ? traceback : Py_None);
    Py_XDECREF(traceback);
    return info;
#else
    /* Delete when 3.11 is no longer supported. */
    if (saved->type == NULL) {
        Py_RETURN_NONE;
    }
    PyErr_NormalizeException(&saved->type, &saved->value, &saved->traceback);
    if (saved->traceback != NULL) {
        PyException_SetTraceback(saved->value, saved->traceback);
    }
    return Py_BuildValue("(OOO)", saved->type, saved->value,
                         saved->traceback != NULL ? saved->traceback
                                                  : Py_None);
#endif
}

#ifdef __linux__
/* The main thread's name (the process's "comm", which new threads inherit):
 * /proc/self/comm, else the program's name. */
static const char *
compat_main_thread_name(char *name, size_t size)
{
    FILE *comm = fopen("/proc/self/comm", "r");
    size_t length = 0;

    if (comm != NULL) {
        length = fread(name, 1, size - 1, comm);
        fclose(comm);
    }
    if (length == 0) {
        return program_invocation_short_name;
    }
    name[length] = '\0';
    name[strcspn(name, "\n")] = '\0';
    return name;
}
#endif

/* The calling thread's name, computed once per thread (a syscall or two)
 * and then read from thread-local storage. */
static __thread char compat_thread_name[PYLOG_INTERNAL_THREAD_NAME_SIZE];

const char *
pylog_internal_compat_thread_name(void)
{
    if (compat_thread_name[0] == '\0') {
#ifdef __linux__
        /* Threads inherit the main thread's name unless the application
           renamed them; only a name of their own says anything. */
        char own[16], inherited[16];
        if (pthread_getname_np(pthread_self(), own, sizeof own) == 0 &&
            own[0] != '\0' &&
            strcmp(own, compat_main_thread_name(inherited,
                                                sizeof inherited)) != 0) {
            snprintf(compat_thread_name, sizeof compat_thread_name, "%s", own);
        }
        else {
            snprintf(compat_thread_name, sizeof compat_thread_name,
                     "pylog-%ld", (long)syscall(SYS_gettid));
        }
#else
        snprintf(compat_thread_name, sizeof compat_thread_name, "pylog-%lu",
                 (unsigned long)pthread_self());
#endif
    }
    return compat_thread_name;
}

/* This thread's thread state when it holds a GIL, else NULL. Not
 * PyGILState_Check: CPython 3.8-3.13 make it answer 1 on every thread once
 * a sub-interpreter was created. */
static PyThreadState *
compat_attached_tstate(void)
{
    PyThreadState *tstate;

#if defined(Py_LIMITED_API)
    if (compat_current_tstate == NULL) {
        return NULL;
    }
    tstate = compat_current_tstate();
#elif PY_VERSION_HEX >= 0x030D0000
    tstate = PyThreadState_GetUnchecked();
#else
    /* Delete when 3.12 is no longer supported (public from 3.13). */
    tstate = _PyThreadState_UncheckedGet();
#endif
    if (tstate == NULL || COMPAT_RUNNING(0x030C0000)) {
        return tstate; /* 3.12+: this thread's own, attached or NULL */
    }
    /* Delete when 3.11 is no longer supported: the GIL holder's thread
       state, on any thread. Ours when it is this thread's GILState one. */
    if (tstate == PyGILState_GetThisThreadState()) {
        return tstate;
    }
#if defined(Py_LIMITED_API)
    /* abi3 cannot read a thread state: a thread inside a legacy
       sub-interpreter counts as holding no GIL (README: Sub-interpreters). */
    return NULL;
#else
    /* Else, without sub-interpreters, another thread holds it. With them,
       it may be this thread's own, of a sub-interpreter: ask the thread
       state. (Reading a state another thread may free as it lets the GIL
       go is a race CPython itself has in this era; it is confined to
       processes that created sub-interpreters.) */
    if (PyInterpreterState_Head() == PyInterpreterState_Main() &&
        PyInterpreterState_Next(PyInterpreterState_Main()) == NULL) {
        return NULL; /* the main interpreter is the only one */
    }
    return tstate->thread_id == PyThread_get_thread_ident() ? tstate : NULL;
#endif
}

int
pylog_internal_compat_gil(void)
{
    PyThreadState *tstate = compat_attached_tstate();
    PyInterpreterState *interp;

    if (tstate == NULL) {
        return COMPAT_GIL_NONE;
    }
#if defined(Py_LIMITED_API)
    if (compat_main_interp == NULL) {
        return COMPAT_GIL_OTHER; /* cannot tell: never touch Python */
    }
    interp = compat_tstate_interp != NULL   ? compat_tstate_interp(tstate)
             : compat_current_interp != NULL ? compat_current_interp()
                                             : NULL;
    return interp == compat_main_interp() ? COMPAT_GIL_MAIN
                                          : COMPAT_GIL_OTHER;
#else
#if PY_VERSION_HEX >= 0x03090000
    interp = PyThreadState_GetInterpreter(tstate);
#else
    interp = tstate->interp; /* delete when 3.8 is no longer supported */
#endif
    return interp == PyInterpreterState_Main() ? COMPAT_GIL_MAIN
                                               : COMPAT_GIL_OTHER;
#endif
}

int
pylog_internal_compat_holds_gil(void)
{
    return pylog_internal_compat_gil() == COMPAT_GIL_MAIN;
}

int
pylog_internal_compat_created(int64_t ns, PyObject *start_time,
                              double *created, double *msecs,
                              double *relative)
{
    /* GIL: held. LogRecord.__init__'s own arithmetic, version by version
       (of the running CPython: an abi3 build runs under later ones). */
    *created = (double)ns / 1e9;
    if (COMPAT_RUNNING(0x030D0000)) {
        long long start = PyLong_AsLongLong(start_time); /* time.time_ns() */
        if (start == -1 && PyErr_Occurred()) {
            return -1;
        }
        *msecs = (double)((ns % 1000000000) / 1000000);
        if (*msecs == 999.0 && (int64_t)*created != ns / 1000000000) {
            *msecs = 0.0;
        }
        *relative = (double)(ns - start) / 1e6;
    }
    else {
        /* Delete when 3.12 is no longer supported (3.13 counts ns). */
        double start = PyFloat_AsDouble(start_time); /* time.time() */
        if (start == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        *msecs = (*created - (double)(int64_t)*created) * 1000;
        if (COMPAT_RUNNING(0x030A0000)) {
            *msecs = (double)(int64_t)*msecs; /* gh-89047: whole ms */
        }
        *relative = (*created - start) * 1000;
    }
    return 0;
}

int
pylog_internal_compat_running(long hex)
{
    return COMPAT_RUNNING(hex);
}

unsigned int
pylog_internal_compat_type_version(PyTypeObject *type)
{
#if defined(Py_LIMITED_API)
    (void)type;
    return 0;
#else
    /* GIL: held. A tag is valid only while the type says so. */
    return PyType_HasFeature(type, Py_TPFLAGS_VALID_VERSION_TAG)
               ? type->tp_version_tag
               : 0;
#endif
}

PyObject *
pylog_internal_compat_instance_dict(PyObject *obj)
{
    /* GIL: held. Without the descriptor lookup where the API allows. */
#if defined(Py_LIMITED_API)
    PyObject *dict = PyObject_GetAttrString(obj, "__dict__");
#else
    PyObject *dict = PyObject_GenericGetDict(obj, NULL);
#endif
    if (dict == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
    }
    return dict;
}

PyObject *
pylog_internal_compat_new_instance(PyObject *type)
{
    /* GIL: held. object.__new__ also sets up the instance's dict (3.11+),
       which a bare tp_alloc would not. */
#if defined(Py_LIMITED_API)
    return PyObject_CallMethod((PyObject *)&PyBaseObject_Type, "__new__",
                               "(O)", type);
#else
    PyObject *no_args = PyTuple_New(0), *instance; /* the shared () */

    if (no_args == NULL) {
        return NULL;
    }
    instance = PyBaseObject_Type.tp_new((PyTypeObject *)type, no_args, NULL);
    Py_DECREF(no_args);
    return instance;
#endif
}

int
pylog_internal_compat_clear_task(PyObject *record)
{
    /* Delete the test when 3.11 is no longer supported (taskName: 3.12+). */
    if (!COMPAT_RUNNING(0x030C0000)) {
        return 0;
    }
    /* GIL: held. The call did not run inside an asyncio task. */
    return PyObject_SetAttrString(record, "taskName", Py_None);
}

int
pylog_internal_compat_is_finalizing(void)
{
    /* GIL: not required; all read a runtime flag. */
#if PYLOG_COMPAT_HEX >= 0x030D0000
    return Py_IsFinalizing();
#elif defined(Py_LIMITED_API)
    /* Delete when 3.12 is no longer supported. */
    return compat_py_is_finalizing != NULL && compat_py_is_finalizing();
#else
    /* Delete when 3.12 is no longer supported (public from 3.13). */
    return _Py_IsFinalizing();
#endif
}

/* Set only by lifecycle.c around a forget, under the GIL of the next
 * interpreter: no other thread runs pylog code meanwhile. */
static int compat_forgetting;

void
pylog_internal_compat_forget(int forgetting)
{
    compat_forgetting = forgetting;
}

void
pylog_internal_compat_drop(PyObject **ref)
{
    if (compat_forgetting) {
        *ref = NULL;
    }
    else {
        Py_CLEAR(*ref);
    }
}

int
pylog_internal_compat_run(const char *code, PyObject *globals)
{
    /* GIL: held. Py_CompileString + PyEval_EvalCode is PyRun_String. */
    PyObject *compiled = Py_CompileString(code, "<pylog>", Py_file_input);
    PyObject *result;

    if (compiled == NULL) {
        return -1;
    }
    result = PyEval_EvalCode(compiled, globals, globals);
    Py_DECREF(compiled);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

#undef COMPAT_RUNNING
