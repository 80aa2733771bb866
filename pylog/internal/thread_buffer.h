/*
 * internal/thread_buffer.h: every thread's own buffer of records waiting
 * for Python (thread_buffer.c): made on the thread's first queued
 * statement, written by that thread only, read by the one thread at a time
 * that delivers (delivery.c), freed once its thread has ended and it is
 * drained. What a record in it holds is queue.h's business; a record's
 * payload starts with its uint64_t ticks (internal/ticks.h), which the
 * merge across threads orders by.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_THREAD_BUFFER_H_
#define PYLOG_INTERNAL_THREAD_BUFFER_H_

#include "../pylog.h"
#include "spsc_ring.h"
#include "tunables.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct thread_buffer {
    pylog_internal_spsc_ring ring; /* producer: the thread; consumer: the
                                      drainer (delivery.c) */
    struct thread_buffer *next;    /* the list; see thread_buffer.c */
    uint64_t serial;               /* unique in the process */
    uint64_t shape;                /* thread_buffers_shape it was made for */
    unsigned long thread_id;       /* threading.get_ident() of its thread */
    int ended;                     /* atomic: its thread has exited */
    uint64_t dropped;              /* atomic: records it refused (full) */
    uint64_t reported;             /* the drainer's: drops told to Python */
    /* its thread's name, for a thread Python does not know */
    char thread_name[PYLOG_TUNE_THREAD_NAME_BYTES];
} thread_buffer;

/* The calling thread's buffer, made on its first call (the one malloc a
 * thread's statements ever cost), or remade when pylog was installed
 * again with other sizes. NULL when pylog has no buffers open or memory
 * is short. Any thread; no lock after the first call. */
PYLOG_API thread_buffer *pylog_internal_thread_buffer(void);

/* At install (GIL held): buffers made from now on hold `bytes` bytes and
 * at most `records` records; buffers of other sizes are replaced at their
 * thread's next statement. 0, or -1 when the sizes are out of range
 * (PYLOG_INTERNAL_SPSC_RING_MIN .. _MAX bytes, 1 record and up). */
PYLOG_API int pylog_internal_thread_buffers_open(size_t bytes,
                                                 uint64_t records);

/* The first buffer of the list (acquire), or NULL; ->next (acquire
 * through pylog_internal_thread_buffer_next) walks the rest. Buffers are
 * freed only by pylog_internal_thread_buffers_collect, so a walk is safe
 * while the caller holds the GIL (collect needs it too) or
 * pylog_internal_thread_buffers_lock. */
PYLOG_API thread_buffer *pylog_internal_thread_buffers_first(void);
PYLOG_API thread_buffer *
pylog_internal_thread_buffer_next(const thread_buffer *buffer);

/* The lock of the list: held to add, to free, and by walkers that do
 * not hold the GIL. Never held while waiting for anything else. */
PYLOG_API void pylog_internal_thread_buffers_lock(void);
PYLOG_API void pylog_internal_thread_buffers_unlock(void);

/* Consumer (the drainer, GIL held): the buffer whose oldest record has the
 * smallest ticks, with that record's payload; NULL when every buffer is
 * empty. */
PYLOG_API thread_buffer *
pylog_internal_thread_buffers_oldest(void **payload, size_t *size);

/* Records written into `buffer` and not yet released (a count any thread
 * may read; exact when no statement of its thread is under way). */
PYLOG_API uint64_t pylog_internal_thread_buffer_held(const thread_buffer *buffer);

/* Records written and not yet released, in every buffer: exact when no
 * statement is under way. GIL held or the lock. */
PYLOG_API uint64_t pylog_internal_thread_buffers_pending(void);

/* Consumer (GIL held, the drainer): free the buffers of ended threads that
 * are drained. */
PYLOG_API void pylog_internal_thread_buffers_collect(void);

/* Consumer, or at install and uninstall: release every record of every
 * buffer without delivering it, each through `forget` (which frees what
 * the record owns); returns how many. GIL held. */
PYLOG_API uint64_t
pylog_internal_thread_buffers_discard(void (*forget)(const void *payload));

/* Consumer (GIL held): write into out[size] which threads' buffers
 * refused records since the last call, e.g. "thread 1403 'pylog-77' 12",
 * separated by ", ", at most `size` - 1 bytes ("..." when cut short). */
PYLOG_API void pylog_internal_thread_buffers_drops(char *out, size_t size);

/* What pylog_flush() waits for: each buffer's position when it was
 * called. */
typedef struct thread_buffers_mark {
    size_t n;
    struct thread_buffers_mark_at {
        const thread_buffer *buffer;
        uint64_t serial;
        uint64_t tail;
    } *at;
} thread_buffers_mark;

/* Take the mark: 0, or -1 when memory is short. Any thread. */
PYLOG_API int pylog_internal_thread_buffers_mark(thread_buffers_mark *mark);

/* Nonzero when every record before the mark has been released. Any
 * thread (takes the lock). */
PYLOG_API int
pylog_internal_thread_buffers_reached(const thread_buffers_mark *mark);

PYLOG_API void
pylog_internal_thread_buffers_mark_free(thread_buffers_mark *mark);

/* In a child after fork(): the parent's records stay the parent's (each
 * goes through `forget`); every other thread's buffer is freed, this
 * thread's emptied. Only thread of the process. */
PYLOG_API void
pylog_internal_thread_buffers_after_fork(void (*forget)(const void *payload));

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_THREAD_BUFFER_H_ */
