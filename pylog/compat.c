/*
 * compat.c: every CPython-version branch of pylog. Each branch names the
 * version after which it can be deleted. No globals, no locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"

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
