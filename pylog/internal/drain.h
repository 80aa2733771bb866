/*
 * internal/drain.h: delivering what threads queued (drain.c): one thread
 * at a time, oldest record first across every thread's buffer; the
 * delivery thread's work; waiting for deliveries; the depth of nested
 * deliveries.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_DRAIN_H_
#define PYLOG_INTERNAL_DRAIN_H_

#include "compat.h"
#include "queue.h"
#include "thread_buffer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Take the drainer flag (1), or 0 when another thread holds it. Any
 * thread; the holder must hold the GIL while it drains. */
PYLOG_API int pylog_internal_drain_take(void);

/* Give it back (GIL held); records left wake the delivery thread. */
PYLOG_API void pylog_internal_drain_give(void);

/* Nonzero when this thread holds the flag; when any thread does. */
PYLOG_API int pylog_internal_drain_mine(void);
PYLOG_API int pylog_internal_drain_busy(void);

/* Deliver up to `limit` queued records, oldest first, after a drop notice
 * if records were lost since the last one. GIL: held, exception saved; the
 * caller holds the flag. */
PYLOG_API void pylog_internal_drain(uint64_t limit, compat_exception *saved);

/* Records queued now (an upper bound for one drain), and whether none is. */
PYLOG_API uint64_t pylog_internal_drain_backlog(void);

/* A record that could not be queued for a full buffer: the next drain
 * tells Python in a drop notice. Any thread. */
PYLOG_API void pylog_internal_drain_overflow(void);

/* Hand one record of this thread to the bridge, counting the depth of
 * nested deliveries. GIL: held, exception saved. */
PYLOG_API void pylog_internal_drain_deliver(const site_call *call,
                                            const char *text, size_t length,
                                            const pending_origin *origin,
                                            compat_exception *saved);

/* This thread's depth of deliveries (a handler logging through pylog),
 * counted from the fork() that made this process if it was inside one. */
PYLOG_API int pylog_internal_drain_depth(void);

/* What pylog_internal_drain_wait found. */
#define DELIVERY_WAIT_DONE 0    /* the records are finished */
#define DELIVERY_WAIT_STALLED 1 /* none finished for flush_stall_ms */
#define DELIVERY_WAIT_NOBODY 2  /* nobody delivers them: no delivery
                                   thread, no drain under way */

/* Wait until every record before `mark` is finished, or (mark NULL) until
 * one more record is. GIL: not held (the thread delivering may need it). */
PYLOG_API int pylog_internal_drain_wait(const thread_buffers_mark *mark);

/* At install (GIL held): the buffers' sizes, the stall bound and the
 * delivery thread's calls. 0, or -1 with ValueError. */
PYLOG_API int pylog_internal_drain_open(size_t buffer_bytes,
                                        uint64_t buffer_records,
                                        long stall_ms);

/* Drop every queued record, counted (install, uninstall), unless another
 * thread is draining at that moment (in a handler that let the GIL go):
 * then that thread goes on with them. GIL held. */
PYLOG_API void pylog_internal_drain_discard(void);

/* At an install after the exit hook ran: a drain still under way then
 * belongs to an interpreter that has finalized and never comes back; it is
 * left behind and the flag is free again. GIL held. */
PYLOG_API void pylog_internal_drain_abandon(void);

/* The drain's lock across fork() (PYLOG_INTERNAL_FORK_*); in the child the
 * drain state and the buffers start over. */
PYLOG_API void pylog_internal_drain_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_DRAIN_H_ */
