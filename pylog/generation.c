/*
 * generation.c: the generation counter that invalidates every site's cache
 * slot at once, and pylog_reset().
 *
 * Globals:
 *   pylog_internal_generation  the current generation, 0 when not installed;
 *                              read by every statement's fast path, stored
 *                              only here, with release, under
 *                              generation_lock.
 *   generation_last            the last generation handed out, so a new
 *                              one never repeats an old one; guarded by
 *                              generation_lock.
 * Lock: generation_lock guards one transition and nothing else; no thread
 * waits for the GIL while holding it. GIL: never needed here.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/generation.h"

#include <pthread.h>

uint64_t pylog_internal_generation;
static uint64_t generation_last;
static pthread_mutex_t generation_lock = PTHREAD_MUTEX_INITIALIZER;

/* Caller holds generation_lock. */
static void
generation_publish(uint64_t generation)
{
    /* release: a thread that loads this generation with acquire sees the
       configuration stored before it */
    __atomic_store_n(&pylog_internal_generation, generation, __ATOMIC_RELEASE);
}

void
pylog_internal_generation_start(void)
{
    /* generation_lock: one transition; released right below. */
    pthread_mutex_lock(&generation_lock);
    generation_publish(++generation_last);
    pthread_mutex_unlock(&generation_lock);
}

void
pylog_internal_generation_stop(void)
{
    /* generation_lock: one transition; released right below. */
    pthread_mutex_lock(&generation_lock);
    generation_publish(0);
    pthread_mutex_unlock(&generation_lock);
}

void
pylog_reset(void)
{
    /* generation_lock: one transition; released right below. Not
       installed: the slots are already stale, and 0 must stay 0. */
    pthread_mutex_lock(&generation_lock);
    if (__atomic_load_n(&pylog_internal_generation, __ATOMIC_RELAXED) != 0) {
        generation_publish(++generation_last);
    }
    pthread_mutex_unlock(&generation_lock);
}

uint64_t
pylog_internal_generation_current(void)
{
    /* acquire: pairs with generation_publish() */
    return __atomic_load_n(&pylog_internal_generation, __ATOMIC_ACQUIRE);
}

void
pylog_internal_fork_lock(pthread_mutex_t *lock, int phase)
{
    if (phase == PYLOG_INTERNAL_FORK_PREPARE) {
        pthread_mutex_lock(lock);
    }
    else {
        pthread_mutex_unlock(lock);
    }
}

void
pylog_internal_generation_fork(int phase)
{
    pylog_internal_fork_lock(&generation_lock, phase);
}
