/*
 * internal/worker.h: pylog's one background thread (worker.c): started on
 * demand, asleep until woken and there is work, then runs one round of it.
 * Delivery (delivery.c) gives it its work. No Python here.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_WORKER_H_
#define PYLOG_INTERNAL_WORKER_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the thread does. `ready` says whether there is work; it is called
 * after the thread has announced that it is going to sleep, so it must
 * read with seq_cst what producers write before pylog_internal_worker_wake
 * (see worker.c). `work` does one round; it returns 0, or -1 when the
 * thread must end (the interpreter is going away). `leave` is called when
 * the thread ends because pylog_internal_worker_stop asked it to (never
 * after `work` returned -1), on the thread, before it is joined. */
typedef struct worker_calls {
    int (*ready)(void);
    int (*work)(void);
    void (*leave)(void);
} worker_calls;

/* At install: the thread may be started again (by the next wake). */
PYLOG_API void pylog_internal_worker_open(const worker_calls *calls);

/* Make sure the thread looks for work: starts it when none runs and it may
 * be started, wakes it when it sleeps. Any thread; lock-free unless the
 * thread sleeps. */
PYLOG_API void pylog_internal_worker_wake(void);

/* pylog_internal_worker_wake for a statement's hot path: no RMW and no
 * lock unless the thread sleeps or must be started. The thread may notice
 * the work up to one idle sleep late (worker.c says why). Any thread. */
PYLOG_API void pylog_internal_worker_nudge(void);

/* Nonzero while the thread runs and has not been asked to stop. */
PYLOG_API int pylog_internal_worker_running(void);

/* Ask the thread to stop and wait for it, at most PYLOG_TUNE_JOIN_SECONDS
 * (then it is left behind, detached); none starts until the next open.
 * The caller must not hold what `work` waits for (the GIL). */
PYLOG_API void pylog_internal_worker_stop(void);

/* worker_lock across fork() (phase: PYLOG_INTERNAL_FORK_*); the child has
 * no thread, and starts one on demand if the parent could. */
PYLOG_API void pylog_internal_worker_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_WORKER_H_ */
