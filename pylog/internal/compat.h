/*
 * internal/compat.h: every CPython-version difference pylog depends on, behind
 * one small interface implemented in compat.c.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_COMPAT_H_
#define PYLOG_INTERNAL_COMPAT_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The caller's pending exception, held aside while pylog calls into Python.
 * Owns its references until pylog_internal_compat_exception_restore(). */
typedef struct compat_exception {
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *exc;
#else
    PyObject *type;
    PyObject *value;
    PyObject *traceback;
#endif
} compat_exception;

/* GIL: held. Moves the pending exception (if any) into *saved and clears it. */
PYLOG_API void pylog_internal_compat_exception_save(compat_exception *saved);

/* GIL: held. Drops any exception pylog left pending, then re-raises *saved
 * exactly as it was (steals its references). */
PYLOG_API void pylog_internal_compat_exception_restore(compat_exception *saved);

/* Nonzero once the interpreter has started finalizing. GIL not required. */
PYLOG_API int pylog_internal_compat_is_finalizing(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_COMPAT_H_ */
