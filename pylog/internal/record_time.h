/*
 * internal/record_time.h: a record's created, msecs and relativeCreated
 * (record_time.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_TIME_H_
#define PYLOG_INTERNAL_RECORD_TIME_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install, after pylog_internal_direct_keys_open: keep logging._startTime.
 * GIL: held. 0, or -1 with an exception set (and nothing kept). */
PYLOG_API int pylog_internal_direct_time_open(void);

/* At uninstall: drop it. GIL: held. */
PYLOG_API void pylog_internal_direct_time_close(void);

/* record.created, .msecs and .relativeCreated for a call at CLOCK_REALTIME
 * `ns` (pylog_internal_clock_realtime_ns()), as LogRecord.__init__ of the
 * running CPython computes them against logging._startTime. GIL: held;
 * between open and close. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_direct_created(int64_t ns, double *created,
                                            double *msecs, double *relative);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_TIME_H_ */
