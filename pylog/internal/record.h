/*
 * internal/record.h: building the LogRecord for one statement (record.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_H_
#define PYLOG_INTERNAL_RECORD_H_

#include "compat.h"
#include "queue.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new record for `call` with message `text` (length bytes, UTF-8 with
 * replacement), as logger.makeRecord(name, level, pathname, lineno, msg,
 * (), exc_info, funcName, None, None) would make it (as `direct`, the
 * answer of pylog_internal_direct_applies(logger), allows), then
 * given the statement's structured fields. `generation` is the current one
 * (the site's template belongs to it). `origin` is NULL when the calling thread delivers its own
 * record while holding the GIL; otherwise the record takes its time and
 * thread from `origin` (the call ran earlier, or on a thread Python did not
 * know). `saved` is the caller's pending exception, for PYLOG_EXCEPTION.
 * GIL: held. NULL with an exception set on failure. */
PYLOG_API PyObject *pylog_internal_record_make(PyObject *logger,
                                               const site_call *call,
                                               uint64_t generation,
                                               int direct, const char *text,
                                               size_t length,
                                               const pending_origin *origin,
                                               compat_exception *saved);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_H_ */
