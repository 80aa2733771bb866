/*
 * internal/record_pristine.h: whether `logging`'s record and handling
 * machinery is still Python's own, so that pylog may do its work without
 * running its Python code (record_pristine.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_PRISTINE_H_
#define PYLOG_INTERNAL_RECORD_PRISTINE_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install, after pylog_internal_direct_keys_open: keep the methods of
 * Logger, Handler, Filterer and LogRecord as `logging` has them now.
 * GIL: held. 0, or -1 with an exception set (and nothing kept). */
PYLOG_API int pylog_internal_direct_pristine_open(PyObject *logging);

/* At uninstall: drop them. GIL: held. */
PYLOG_API void pylog_internal_direct_pristine_close(void);

/* How much of the logger's machinery is Python's own: a mask of the flags
 * below (0: call logger.makeRecord and logger.handle), or -1 with an
 * exception set. "Python's own" means the class's method is the one Logger
 * (Filterer for filter) had at install and the instance dict does not
 * shadow it. GIL: held; between open and close. */
#define PYLOG_INTERNAL_DIRECT_RECORD 1 /* makeRecord and the factory are
    Python's own (LogRecord, its __init__ unpatched): build the record with
    pylog_internal_direct_make() */
#define PYLOG_INTERNAL_DIRECT_FACTORY 2 /* makeRecord is, the factory is
    not: call the factory as makeRecord would */
#define PYLOG_INTERNAL_DIRECT_HANDLE 4 /* handle, callHandlers and filter
    are: pylog_internal_direct_handle() does what handle() would */
PYLOG_API int pylog_internal_direct_applies(PyObject *logger);

/* 1 when the handler's handle, filter, acquire and release are Handler's
 * and Filterer's own (as pylog_internal_direct_applies checks a logger's):
 * pylog_internal_direct_handle() then does what handler.handle() would.
 * 0 when customised; -1 with an exception set. GIL: held; between open and
 * close. */
PYLOG_API int pylog_internal_direct_handler_applies(PyObject *handler);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_PRISTINE_H_ */
