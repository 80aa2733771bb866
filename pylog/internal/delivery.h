/*
 * internal/delivery.h: how statements reach Python: at once, through the
 * calling thread's buffer, or with the GIL taken (delivery.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_DELIVERY_H_
#define PYLOG_INTERNAL_DELIVERY_H_

#include "message.h"
#include "slot.h"

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A statement that passed pylog's filters, deferred when it can be: on a
 * thread without the GIL in PYLOG_DELIVERY_AUTO, a plain statement whose
 * site's format capture.h defers is written, arguments raw, into the
 * thread's buffer (or dropped and counted when it is full). 1 when done
 * so; 0 when the caller must format it and call
 * pylog_internal_delivery_emit. Any thread; never waits; `args` is read
 * through a copy. */
PYLOG_API int pylog_internal_delivery_defer(const site_call *call,
                                            int call_errno, const char *fmt,
                                            va_list args);

/* Deliver a statement that passed pylog's filters, by the installed
 * delivery mode (see delivery.c); a long message's heap block may be taken
 * from *msg. Any thread; never raises; never waits for the GIL in
 * PYLOG_DELIVERY_AUTO. */
PYLOG_API void pylog_internal_delivery_emit(const site_call *call,
                                            message *msg);

/* PYLOG_ENABLED's answer when Python's levels must decide: asked under the
 * GIL when this thread holds it or the mode is SYNC; otherwise 1 (the
 * logger's level decides when the record is delivered). Any thread. */
PYLOG_API int pylog_internal_delivery_enabled(const site_call *call);

/* At install, GIL held: the delivery mode, the threads' buffers
 * (`buffer_bytes` each, at most `buffer_records` records) and
 * pylog_flush's stall bound. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_delivery_open(int mode, size_t buffer_bytes,
                                           size_t buffer_records,
                                           long stall_ms);

/* At uninstall, GIL held (released while the delivery thread is joined):
 * deliver what is queued and stop the delivery thread. */
PYLOG_API void pylog_internal_delivery_close(void);

/* Nonzero when this thread is inside a delivery of this process (a handler
 * pylog is delivering to, or code it called), so that waiting for the
 * buffers could be waiting for itself. Any thread. */
PYLOG_API int pylog_internal_delivery_inside(void);

/* Deliver everything queued now, unless another thread is delivering it
 * (then pylog_flush waits for it). GIL: held. */
PYLOG_API void pylog_internal_delivery_flush_here(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_DELIVERY_H_ */
