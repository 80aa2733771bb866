/*
 * slot.c: refreshing and reading a statement's cache slot outside its
 * inline fast path (internal/site.h documents the slot): the threshold of
 * pylog's filters computed once per generation, and raised to Python's
 * levels once the bridge has learnt them.
 * No globals, no locks of its own (config.c's lock is taken for a refresh).
 * GIL: never needed here.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/slot.h"

uint64_t
pylog_internal_slot_state(const site_call *call, uint64_t generation)
{
    uint64_t state = __atomic_load_n(&call->site->state, __ATOMIC_ACQUIRE);
    int threshold;

    if ((state >> PYLOG_INTERNAL_GENERATION_SHIFT) == generation) {
        return state;
    }
    threshold = pylog_internal_config_threshold(call->target, call->unit_file);
    if (threshold < 0) {
        return 0;
    }
    state = (generation << PYLOG_INTERNAL_GENERATION_SHIFT) |
            (uint64_t)threshold;
    /* release: pairs with the acquire load above on other threads. Racing
       refreshes may store an older generation; that slot is merely stale. */
    __atomic_store_n(&call->site->state, state, __ATOMIC_RELEASE);
    return state;
}

slot_decision
pylog_internal_slot_decide(uint64_t state, int level)
{
    if ((uint64_t)level < (state & PYLOG_INTERNAL_THRESHOLD_MASK)) {
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
    uint64_t threshold = state & PYLOG_INTERNAL_THRESHOLD_MASK;
    uint64_t python = python_threshold < 0 ? 0 : (uint64_t)python_threshold;

    if (python > threshold) {
        threshold = python > PYLOG_INTERNAL_THRESHOLD_NONE
                        ? PYLOG_INTERNAL_THRESHOLD_NONE
                        : python;
    }
    state = (state & ~(uint64_t)PYLOG_INTERNAL_THRESHOLD_MASK) |
            PYLOG_INTERNAL_RESOLVED | threshold;
    /* release: as in pylog_internal_slot_state() */
    __atomic_store_n(&call->site->state, state, __ATOMIC_RELEASE);
    return state;
}
