/*
 * internal/generation.h: the global generation (generation.c), the number
 * every site's cache slot is checked against. A new generation invalidates
 * every slot at once; 0 means pylog is not installed.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_GENERATION_H_
#define PYLOG_INTERNAL_GENERATION_H_

#include "../pylog.h"

#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The current generation, loaded with acquire: the configuration published
 * with it is visible. 0 when pylog is not installed. GIL not required. */
PYLOG_API uint64_t pylog_internal_generation_current(void);

/* Start a new generation (at install) or stop (generation 0, at uninstall).
 * Any thread; takes generation_lock for the store only. pylog_reset() (in
 * pylog.h) starts a new generation only while one is current. */
PYLOG_API void pylog_internal_generation_start(void);
PYLOG_API void pylog_internal_generation_stop(void);

/* Phases of fork() for the files that own a lock (lifecycle.c registers
 * the handlers): PREPARE takes the lock, PARENT and CHILD release it. */
#define PYLOG_INTERNAL_FORK_PREPARE 0
#define PYLOG_INTERNAL_FORK_PARENT 1
#define PYLOG_INTERNAL_FORK_CHILD 2

/* Take (PREPARE) or release (PARENT, CHILD) `lock` around fork(), so the
 * child never inherits it held by a thread that does not exist there. */
PYLOG_API void pylog_internal_fork_lock(pthread_mutex_t *lock, int phase);

/* generation_lock across fork(). */
PYLOG_API void pylog_internal_generation_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_GENERATION_H_ */
