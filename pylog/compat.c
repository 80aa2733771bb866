/*
 * compat.c: every CPython-version branch of pylog. Each branch names the
 * version after which it can be deleted. No globals, no locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#ifdef __linux__
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

void
pylog_internal_compat_exception_save(compat_exception *saved)
{
    /* GIL: held */
#if PY_VERSION_HEX >= 0x030C0000
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
#if PY_VERSION_HEX >= 0x030C0000
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
#if PY_VERSION_HEX >= 0x030C0000
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

void
pylog_internal_compat_thread_name(char *name, size_t size)
{
#ifdef __linux__
    /* Threads inherit the process's name unless the application renamed
       them; only a name of their own says anything. */
    char own[16];
    if (pthread_getname_np(pthread_self(), own, sizeof own) == 0 &&
        own[0] != '\0' &&
        strncmp(own, program_invocation_short_name, sizeof own - 1) != 0) {
        snprintf(name, size, "%s", own);
        return;
    }
    snprintf(name, size, "pylog-%ld", (long)syscall(SYS_gettid));
#else
    snprintf(name, size, "pylog-%lu", (unsigned long)pthread_self());
#endif
}

int
pylog_internal_compat_is_finalizing(void)
{
    /* GIL: not required; both read a runtime flag. */
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing();
#else
    /* Delete when 3.12 is no longer supported (public from 3.13). */
    return _Py_IsFinalizing();
#endif
}
