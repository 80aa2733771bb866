/*
 * internal/queue.h: a statement of a thread without the GIL as a record in
 * that thread's buffer (queue.c): its raw arguments with the site's
 * capture plan (formatted when delivered), or its text formatted at the
 * call; and the same record read back under the GIL.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_QUEUE_H_
#define PYLOG_INTERNAL_QUEUE_H_

/* compat.h first: Python.h before any system header */
#include "compat.h"
#include "capture.h"
#include "message.h"
#include "slot.h"
#include "thread_buffer.h"
#include "ticks.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When and where a statement ran: what Python's LogRecord would have
 * taken from the calling thread had it made the record then. */
typedef struct pending_origin {
    int64_t time_ns;         /* CLOCK_REALTIME at the call, as time.time_ns() */
    unsigned long thread_id; /* threading.get_ident() of the caller */
    int python_thread;       /* the caller has a Python thread state */
    /* its name when Python does not know it */
    char thread_name[PYLOG_INTERNAL_THREAD_NAME_SIZE];
} pending_origin;

/* The calling thread's origin, now. */
PYLOG_API void pylog_internal_pending_origin(pending_origin *origin);

/* The site's capture plan for `fmt` (made on the site's first deferred
 * statement and kept for the life of the process), or NULL when the
 * statement cannot be deferred: its format is not the site's constant one,
 * or it has a conversion capture.h does not defer. Any thread; lock-free. */
PYLOG_API const pylog_internal_capture_plan *
pylog_internal_queue_plan(pylog_internal_site *site, const char *fmt);

/* What writing a record into the calling thread's buffer did. */
#define QUEUE_WRITTEN 0
#define QUEUE_FULL 1      /* the buffer is full: dropped (count it) */
#define QUEUE_DECLINED 2  /* cannot be deferred after all (a %s too long):
                             format at the call */
#define QUEUE_NO_BUFFER 3 /* no buffer (out of memory, none open) */

/* Write a statement with its raw arguments (a plain statement: no extra).
 * Any thread; no lock, no malloc after the thread's first statement. */
PYLOG_API int pylog_internal_queue_capture(
    const site_call *call, const pylog_internal_capture_plan *plan,
    int call_errno, va_list args);

/* Write a statement with its text formatted at the call, and its extra
 * fields (OBJ fields and fields without a key are left out and counted as
 * errors). `time_ns` is the record's creation time when already known (a
 * SYNC statement's), else 0: now. A long text's heap block is taken from
 * *msg. Any thread. */
PYLOG_API int pylog_internal_queue_text(const site_call *call, message *msg,
                                        int64_t time_ns);

/* A record read back for delivery: what the bridge needs. */
typedef struct queue_view {
    site_call call;
    pylog_internal_extra extra;
    message msg;
    pending_origin origin;
} queue_view;

/* Read the record at `payload` of `buffer`: its text (formatted now for a
 * deferred one), origin (its ticks turned into the wall clock with `now`)
 * and call. 0, or -1 when formatting failed (count it as an error; nothing
 * to release). GIL: not needed. */
PYLOG_API int pylog_internal_queue_read(const thread_buffer *buffer,
                                        const void *payload,
                                        const pylog_internal_ticks_now *now,
                                        queue_view *view);

/* Free what reading and the record own (its long text). */
PYLOG_API void pylog_internal_queue_release(const void *payload,
                                            queue_view *view);

/* The same for a record that is dropped unread. */
PYLOG_API void pylog_internal_queue_forget(const void *payload);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_QUEUE_H_ */
