/*
 * site.c: the generation counter, slot refresh, and the slow path of every
 * statement (pylog_internal_log, pylog_internal_enabled) and pylog_reset.
 *
 * Globals:
 *   pylog_internal_generation  the current generation, 0 when not installed;
 *                              read by every thread, stored only here, with
 *                              release, under site_lock.
 *   site_last_generation       the last generation handed out, so a new one
 *                              never repeats an old one; guarded by site_lock.
 * Lock: site_lock guards one generation transition and nothing else; no
 * thread waits for the GIL while holding it.
 * GIL: not required anywhere in this file; delivery.c decides who takes it.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/delivery.h"
#include "internal/message.h"
#include "internal/slot.h"
#include "internal/stats.h"

#include <pthread.h>

/* A filled slot's largest stored threshold: PYLOG_LEVEL_OFF stored minus
 * one (internal/site.h), "nothing passes". */
#define SITE_STORED_MAX ((uint64_t)PYLOG_LEVEL_OFF - 1)

uint64_t pylog_internal_generation;
static uint64_t site_last_generation;
static pthread_mutex_t site_lock = PTHREAD_MUTEX_INITIALIZER;

/* Caller holds site_lock. */
static void
site_publish(uint64_t generation)
{
    /* release: a thread that loads this generation with acquire sees the
       configuration stored before it */
    __atomic_store_n(&pylog_internal_generation, generation, __ATOMIC_RELEASE);
}

void
pylog_internal_slot_start(void)
{
    /* site_lock: one transition; released right below. */
    pthread_mutex_lock(&site_lock);
    site_publish(++site_last_generation);
    pthread_mutex_unlock(&site_lock);
}

void
pylog_internal_slot_stop(void)
{
    /* site_lock: one transition; released right below. */
    pthread_mutex_lock(&site_lock);
    site_publish(0);
    pthread_mutex_unlock(&site_lock);
}

void
pylog_reset(void)
{
    /* site_lock: one transition; released right below. Not installed: the
       slots are already stale, and generation 0 must stay 0. */
    pthread_mutex_lock(&site_lock);
    if (__atomic_load_n(&pylog_internal_generation, __ATOMIC_RELAXED) != 0) {
        site_publish(++site_last_generation);
    }
    pthread_mutex_unlock(&site_lock);
}

void
pylog_internal_slot_fork(int phase)
{
    /* site_lock: taken before fork() and released on both sides, so the
       child never inherits it held by a thread that does not exist there. */
    if (phase == PYLOG_INTERNAL_FORK_PREPARE) {
        pthread_mutex_lock(&site_lock);
    }
    else {
        pthread_mutex_unlock(&site_lock);
    }
}

uint64_t
pylog_internal_slot_generation(void)
{
    /* acquire: pairs with site_publish() */
    return __atomic_load_n(&pylog_internal_generation, __ATOMIC_ACQUIRE);
}

/* A threshold (the lowest level that passes; anything from
 * PYLOG_LEVEL_OFF up means none) as a slot stores it: minus one, 0 for 0,
 * at most SITE_STORED_MAX (internal/site.h). */
static uint64_t
site_stored(int threshold)
{
    if (threshold <= 1) {
        return 0;
    }
    if (threshold >= PYLOG_LEVEL_OFF) {
        return SITE_STORED_MAX;
    }
    return (uint64_t)threshold - 1;
}

uint64_t
pylog_internal_slot_state(const site_call *call, uint64_t generation)
{
    uint64_t state = __atomic_load_n(&call->site->state, __ATOMIC_ACQUIRE);
    int threshold;

    if ((state >> PYLOG_INTERNAL_GENERATION_SHIFT) == generation) {
        return state;
    }
    threshold = pylog_internal_config_threshold(call->target, call->file);
    if (threshold < 0) {
        return 0;
    }
    state = (generation << PYLOG_INTERNAL_GENERATION_SHIFT) |
            site_stored(threshold);
    /* release: pairs with the acquire load above on other threads. Racing
       refreshes may store an older generation; that slot is merely stale. */
    __atomic_store_n(&call->site->state, state, __ATOMIC_RELEASE);
    return state;
}

slot_decision
pylog_internal_slot_decide(uint64_t state, int level)
{
    /* the inline test's compare (pylog_internal_site_skips) */
    if ((uint64_t)((int64_t)level - 1) <
        (state & PYLOG_INTERNAL_THRESHOLD_MASK)) {
        return SLOT_OFF;
    }
    if ((state & PYLOG_INTERNAL_RESOLVED) != 0) {
        return SLOT_ON;
    }
    return SLOT_ASK_PYTHON;
}

uint64_t
pylog_internal_slot_resolve(const site_call *call, uint64_t state,
                            int python_threshold)
{
    /* both stored minus one: site_stored() keeps the order */
    uint64_t threshold = state & PYLOG_INTERNAL_THRESHOLD_MASK;
    uint64_t python = site_stored(python_threshold);

    if (python > threshold) {
        threshold = python;
    }
    state = (state & ~(uint64_t)PYLOG_INTERNAL_THRESHOLD_MASK) |
            PYLOG_INTERNAL_RESOLVED | threshold;
    /* release: as in pylog_internal_slot_state() */
    __atomic_store_n(&call->site->state, state, __ATOMIC_RELEASE);
    return state;
}

/* The decision before the GIL: SLOT_OFF also for "not installed" and for
 * invalid levels (counted as errors). */
static slot_decision
site_decide(const site_call *call)
{
    uint64_t generation = pylog_internal_slot_generation();
    uint64_t state;

    if (generation == 0) {
        return SLOT_OFF;
    }
    if (call->level < 1 || call->level >= PYLOG_LEVEL_OFF) {
        pylog_internal_stats_count(STATS_ERRORS);
        return SLOT_OFF;
    }
    state = pylog_internal_slot_state(call, generation);
    if (state == 0) {
        pylog_internal_stats_count(STATS_ERRORS);
        return SLOT_OFF;
    }
    return pylog_internal_slot_decide(state, call->level);
}

void
pylog_internal_log(pylog_internal_site *site, int level,
                   const pylog_internal_extra *extra, const char *target,
                   const char *file, int line, const char *func,
                   const char *fmt, ...)
{
    site_call call = {site, level, target, file, func, line, extra};
    message msg;
    va_list args;
    int status;

    if (site_decide(&call) == SLOT_OFF) {
        return;
    }
    /* Format before any GIL: nobody waits on us while we do. */
    va_start(args, fmt);
    status = pylog_internal_message_format(&msg, fmt, args);
    va_end(args);
    if (status < 0) {
        pylog_internal_stats_count(STATS_ERRORS);
        return;
    }
    pylog_internal_delivery_emit(&call, &msg);
    pylog_internal_message_release(&msg);
}

int
pylog_internal_enabled(pylog_internal_site *site, int level,
                       const char *target, const char *file)
{
    site_call call = {site, level, target, file, NULL, 0, NULL};

    switch (site_decide(&call)) {
    case SLOT_OFF:
        return 0;
    case SLOT_ON:
        return 1;
    case SLOT_ASK_PYTHON:
        break;
    }
    return pylog_internal_delivery_enabled(&call);
}

#undef SITE_STORED_MAX
