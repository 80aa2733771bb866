/*
 * internal/record_direct.h: LogRecords built from a site's template without
 * running makeRecord or LogRecord.__init__, and the install/uninstall of
 * every record file (record_direct.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_DIRECT_H_
#define PYLOG_INTERNAL_RECORD_DIRECT_H_

#include "queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install: open the record files (record_keys.c, record_pristine.c,
 * record_time.c, record_origin.c, record_template.c) and keep what this
 * file reads (logging._levelToName). GIL: held. 0, or -1 with an exception
 * set (and nothing kept). */
PYLOG_API int pylog_internal_direct_open(PyObject *logging);

/* At uninstall: close them all, templates included. GIL: held. */
PYLOG_API void pylog_internal_direct_close(void);

/* A new LogRecord: `template_` (the site's, record_template.h) plus this
 * call's msg (borrowed), level, exc_info (borrowed), time and thread, each
 * as LogRecord.__init__ of the running CPython would set it, for a call
 * made now on this thread (`origin` NULL) or at `origin`. GIL: held;
 * between open and close. NULL with an exception set. */
PYLOG_API PyObject *pylog_internal_direct_make(PyObject *template_, int level,
                                               PyObject *msg,
                                               PyObject *exc_info,
                                               const pending_origin *origin);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_DIRECT_H_ */
