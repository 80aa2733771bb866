/*
 * internal/direct_handle.h: Logger.handle(record) done in C
 * (direct_handle.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_DIRECT_HANDLE_H_
#define PYLOG_INTERNAL_DIRECT_HANDLE_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* logger.handle(record) as Logger.handle and callHandlers of the running
 * CPython do it, for a logger whose handling is Python's own
 * (pylog_internal_direct_applies gave PYLOG_INTERNAL_DIRECT_HANDLE).
 * Filters and emit() still run in Python, and so does the handle() of a
 * handler that customises it. GIL: held; between
 * pylog_internal_direct_open and close. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_direct_handle(PyObject *logger, PyObject *record);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_DIRECT_HANDLE_H_ */
