/*
 * internal/logging_hooks.h: what pylog adds to Python's `logging`
 * (logging_hooks.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_LOGGING_HOOKS_H_
#define PYLOG_INTERNAL_LOGGING_HOOKS_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Name level 5 "TRACE" unless the application named it, and make every
 * reconfiguration of `logging` call pylog_reset() (once per process for
 * the wrapping, once per extension for its hook). Stays in place after
 * uninstall: the hook then finds nothing to reset. GIL: held. 0, or -1
 * with an exception set. */
PYLOG_API int pylog_internal_hooks_install(PyObject *logging);

/* Drop this extension's own reference to its hook (logging's list keeps
 * the hook). GIL: held. */
PYLOG_API void pylog_internal_hooks_release(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_LOGGING_HOOKS_H_ */
