/*
 * slot.c: refreshing and reading a statement's cache slot outside its
 * inline fast path (internal/site.h documents the slot): the threshold of
 * pylog's filters computed once per generation (or the site's switch:
 * "off" lets nothing pass, "on" everything, with the FORCED bit that no
 * later gate vetoes), raised to Python's levels once the bridge has learnt
 * them; and the site's count of records sent.
 * No globals, no locks of its own (config.c's lock is taken for a refresh).
 * GIL: never needed here.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/slot.h"

/* A filled slot's largest stored threshold: PYLOG_LEVEL_OFF stored minus
 * one (internal/site.h), "nothing passes". */
#define SLOT_STORED_MAX ((uint64_t)PYLOG_LEVEL_OFF - 1)

/* A threshold (the lowest level that passes; anything from
 * PYLOG_LEVEL_OFF up means none) as a slot stores it: minus one, 0 for 0,
 * at most SLOT_STORED_MAX (internal/site.h). */
static uint64_t
slot_stored(int threshold)
{
    if (threshold <= 1) {
        return 0;
    }
    if (threshold >= PYLOG_LEVEL_OFF) {
        return SLOT_STORED_MAX;
    }
    return (uint64_t)threshold - 1;
}

uint64_t
pylog_internal_slot_state(const site_call *call, uint64_t generation)
{
    uint64_t state = __atomic_load_n(&call->site->state, __ATOMIC_ACQUIRE);
    uint64_t stored;
    int threshold;

    if ((state >> PYLOG_INTERNAL_GENERATION_SHIFT) == generation) {
        return state;
    }
    /* relaxed: the mode was stored before the generation the caller loaded
       with acquire (sites.c starts one after every switch) */
    switch (__atomic_load_n(&call->site->mode, __ATOMIC_RELAXED)) {
    case PYLOG_INTERNAL_MODE_OFF:
        stored = SLOT_STORED_MAX;
        break;
    case PYLOG_INTERNAL_MODE_ON:
        stored = PYLOG_INTERNAL_FORCED; /* threshold 0: every level */
        break;
    default:
        threshold =
            pylog_internal_config_threshold(call->target, call->unit_file);
        if (threshold < 0) {
            return 0;
        }
        stored = slot_stored(threshold);
        break;
    }
    state = (generation << PYLOG_INTERNAL_GENERATION_SHIFT) | stored;
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
    if ((state & (PYLOG_INTERNAL_RESOLVED | PYLOG_INTERNAL_FORCED)) != 0) {
        return SLOT_ON;
    }
    return SLOT_ASK_PYTHON;
}

uint64_t
pylog_internal_slot_resolve(const site_call *call, uint64_t state,
                            int python_threshold)
{
    /* both stored minus one: slot_stored() keeps the order */
    uint64_t threshold = state & PYLOG_INTERNAL_THRESHOLD_MASK;
    uint64_t python = slot_stored(python_threshold);

    if (python > threshold) {
        threshold = python;
    }
    state = (state & ~(uint64_t)PYLOG_INTERNAL_THRESHOLD_MASK) |
            PYLOG_INTERNAL_RESOLVED | threshold;
    /* release: as in pylog_internal_slot_state() */
    __atomic_store_n(&call->site->state, state, __ATOMIC_RELEASE);
    return state;
}

void
pylog_internal_slot_count_emitted(pylog_internal_site *site)
{
    /* relaxed: a counter publishes no other data */
    __atomic_fetch_add(&site->emitted, 1, __ATOMIC_RELAXED);
}

#undef SLOT_STORED_MAX
