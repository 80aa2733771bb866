/*
 * internal/record_direct.h: per-site record templates and LogRecords built
 * from them without running makeRecord or LogRecord.__init__
 * (record_direct.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_DIRECT_H_
#define PYLOG_INTERNAL_RECORD_DIRECT_H_

#include "queue.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install: keep what the direct path compares against and reads
 * (`logging`'s globals, LogRecord, Logger.makeRecord as they are now).
 * GIL: held. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_direct_open(PyObject *logging);

/* At uninstall: drop every reference, templates included. GIL: held. */
PYLOG_API void pylog_internal_direct_close(void);

/* The site's template for `generation`: a dict with the record attributes
 * that depend only on the site and its logger (name, pathname, filename,
 * module, lineno, funcName, ...), in LogRecord.__init__'s order, with None
 * where a call fills in its own value. Made once per site and generation;
 * a borrowed reference (pylog's template list owns it until the generation
 * moves on). GIL: held. NULL with an exception set on failure. */
PYLOG_API PyObject *pylog_internal_direct_template(const site_call *call,
                                                   PyObject *logger,
                                                   uint64_t generation);

/* The template's `name`, `pathname` and `funcName`: borrowed. GIL: held. */
PYLOG_API void pylog_internal_direct_site_fields(PyObject *template_,
                                                 PyObject **name,
                                                 PyObject **pathname,
                                                 PyObject **func);

/* 1 when `logger.makeRecord` is Logger.makeRecord and the record factory is
 * LogRecord with its own __init__, as they were at install: a record made
 * here is then the one makeRecord would make. 0 when anything is
 * customised; -1 with an exception set. GIL: held. */
PYLOG_API int pylog_internal_direct_applies(PyObject *logger);

/* A new LogRecord: `template_` plus this call's msg (borrowed), level,
 * exc_info (borrowed), time and thread, each as LogRecord.__init__ of the
 * running CPython would set it, for a call made now on this thread
 * (`origin` NULL) or at `origin`. GIL: held. NULL with an exception set. */
PYLOG_API PyObject *pylog_internal_direct_make(PyObject *template_, int level,
                                               PyObject *msg,
                                               PyObject *exc_info,
                                               const pending_origin *origin);

/* The name of the thread of `origin`: a Python thread's name from
 * `threading` (if it still runs), else the name pylog gave it at the call.
 * GIL: held. A new reference, or NULL with an exception set. */
PYLOG_API PyObject *
pylog_internal_direct_origin_thread_name(const pending_origin *origin);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_DIRECT_H_ */
