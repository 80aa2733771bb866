/*
 * internal/queue.h: the bounded multi-producer queue that carries records
 * from threads without the GIL to Python (queue.c), and the record it
 * carries: a self-contained copy of one statement, made without the GIL.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_QUEUE_H_
#define PYLOG_INTERNAL_QUEUE_H_

#include "compat.h"
#include "message.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When and where a queued statement ran: what Python's LogRecord would have
 * taken from the calling thread had it made the record then. */
typedef struct pending_origin {
    int64_t time_ns;         /* CLOCK_REALTIME at the call, as time.time_ns() */
    unsigned long thread_id; /* threading.get_ident() of the caller */
    int python_thread;       /* the caller has a Python thread state */
    /* its name when Python does not know it */
    char thread_name[PYLOG_INTERNAL_THREAD_NAME_SIZE];
} pending_origin;

/* One queued statement, in one block (from queue.c's pool, else the heap)
 * with every string it points to except `unit_file`, `file` and `func`
 * (the statement's __FILE__ and __func__, or PYLOG_LOG_AT's, static; or
 * pylog_vlog's copies, never freed).
 * Holds no Python object: OBJ fields are left out (they need the GIL). */
typedef struct pending {
    pylog_internal_site *site;
    int level;
    int line;
    const char *unit_file;
    const char *file;
    const char *func;
    const char *target; /* NULL: the default target */
    const char *text;   /* not NUL-terminated */
    size_t length;
    pylog_kv *kvs;
    size_t n_kvs;
    pending_origin origin;
    int pooled; /* a block of queue.c's pool, not malloc'd */
} pending;

/* Copy a statement into a new pending record (pylog_internal_pending_free
 * releases it). NULL when out of memory. GIL not required; never touches Python. OBJ fields
 * and fields with a NULL key are left out and counted as errors. */
PYLOG_API pending *pylog_internal_pending_make(const site_call *call,
                                               const message *msg);

/* Release a record of pylog_internal_pending_make. Any thread. */
PYLOG_API void pylog_internal_pending_free(pending *record);

/* The calling thread's origin, for records delivered later. */
PYLOG_API void pylog_internal_pending_origin(pending_origin *origin);

/* Make the queue hold `capacity` records (GIL held, at install). The ring is
 * never freed while the process lives, because a thread without the GIL may
 * be pushing into it at any moment; a new capacity retires the old ring
 * (emptied, its records counted as dropped). Records left from an earlier
 * installation are dropped too. 0, or -1 when out of memory. */
PYLOG_API int pylog_internal_queue_open(size_t capacity);

/* Push a record; the queue owns it on success. 0; -1 when the queue is full
 * or not open (the caller still owns it). Lock-free; never blocks. */
PYLOG_API int pylog_internal_queue_push(pending *record);

/* Pop the oldest record (the caller owns it), or NULL when none is ready.
 * Lock-free. Consumers: threads holding the GIL, so pops are serialised. */
PYLOG_API pending *pylog_internal_queue_pop(void);

/* Mark one popped record as finished (delivered, failed or dropped). */
PYLOG_API void pylog_internal_queue_done(void);

/* How many records were ever pushed, and how many of them are finished;
 * pylog_flush() waits for the second to reach the first's value. */
PYLOG_API uint64_t pylog_internal_queue_pushed(void);
PYLOG_API uint64_t pylog_internal_queue_finished(void);

/* Nonzero when no record is queued (a racy hint, exact when quiescent). */
PYLOG_API int pylog_internal_queue_empty(void);

/* Free every queued record, counting each as dropped (at uninstall). Not
 * concurrent with pops. */
PYLOG_API void pylog_internal_queue_discard(void);

/* In a child after fork(): forget the parent's records (the parent still
 * delivers them) and start the ring over. Only thread of the process. */
PYLOG_API void pylog_internal_queue_after_fork(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_QUEUE_H_ */
