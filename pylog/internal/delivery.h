/*
 * internal/delivery.h: how statements reach Python: at once, through the
 * queue, or with the GIL taken (delivery.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_DELIVERY_H_
#define PYLOG_INTERNAL_DELIVERY_H_

#include "message.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deliver a statement that passed pylog's filters, by the installed
 * delivery mode (see delivery.c). Any thread; never raises; never waits for
 * the GIL in PYLOG_DELIVERY_AUTO. */
PYLOG_API void pylog_internal_delivery_emit(const site_call *call,
                                            const message *msg);

/* PYLOG_ENABLED's answer when Python's levels must decide: asked under the
 * GIL when this thread holds it or the mode is SYNC; otherwise 1 (the
 * logger's level decides when the record is delivered). Any thread. */
PYLOG_API int pylog_internal_delivery_enabled(const site_call *call);

/* At install, GIL held: the queue with `queue_capacity` records, the
 * delivery mode and pylog_flush's stall bound. 0, or -1 with MemoryError. */
PYLOG_API int pylog_internal_delivery_open(int mode, size_t queue_capacity,
                                           long stall_ms);

/* At uninstall, GIL held (released while the delivery thread is joined):
 * deliver what is queued and stop the delivery thread. */
PYLOG_API void pylog_internal_delivery_close(void);

/* Nonzero when this thread is inside a delivery of this process (a handler
 * pylog is delivering to, or code it called), so that waiting for the
 * queue could be waiting for itself. Any thread. */
PYLOG_API int pylog_internal_delivery_inside(void);

/* Deliver everything queued now, unless another thread is delivering it
 * (see pylog_internal_delivery_wait). GIL: held. */
PYLOG_API void pylog_internal_delivery_flush_here(void);

/* What pylog_internal_delivery_wait found. */
#define DELIVERY_WAIT_DONE 0    /* the records are finished */
#define DELIVERY_WAIT_STALLED 1 /* none finished for flush_stall_ms */
#define DELIVERY_WAIT_NOBODY 2  /* nobody delivers them: no worker, no
                                   drain under way */

/* Wait until the records pushed before the `target`-th are finished
 * (pylog_internal_queue_finished() >= target). GIL: not held (the thread
 * delivering them may need it). */
PYLOG_API int pylog_internal_delivery_wait(uint64_t target);

/* delivery_lock across fork() (phase: PYLOG_INTERNAL_FORK_*); in the
 * child, the delivery state and the queue start over. */
PYLOG_API void pylog_internal_delivery_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_DELIVERY_H_ */
