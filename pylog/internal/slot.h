/*
 * internal/slot.h: a statement's cache slot as the rest of the library
 * reads and refreshes it (slot.c), and the call that identifies it.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_SLOT_H_
#define PYLOG_INTERNAL_SLOT_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One call of a statement: its slot and its identity. */
typedef struct site_call {
    pylog_internal_site *site;
    int level;
    const char *target; /* as written; NULL: the default target */
    /* the file whose stem is the default target: the statement's own
       __FILE__ (__BASE_FILE__ for PYLOG_ENABLED) */
    const char *unit_file;
    /* the record's origin: the statement's own, or what PYLOG_LOG_AT and
       pylog_vlog were given */
    const char *file;
    const char *func; /* NULL for PYLOG_ENABLED */
    int line;
    const pylog_internal_extra *extra; /* NULL: none */
    /* PYLOG_LOG_AT: file, line and func may differ from call to call of
       one slot, so the slot's cached record template is not theirs */
    int origin_given;
} site_call;

/* What a slot's state says about a level. */
typedef enum slot_decision {
    SLOT_OFF,       /* filtered out, or the site is switched off */
    SLOT_ON,        /* passes: emit without asking Python (Python's levels
                       are known to pass, or the site is switched on) */
    SLOT_ASK_PYTHON /* passes pylog's filters; Python's levels decide */
} slot_decision;

/* The slot's state for `generation`, refreshing the filter threshold (or
 * the site's switch) when the slot is stale. 0 when out of memory. GIL not
 * required. */
PYLOG_API uint64_t pylog_internal_slot_state(const site_call *call,
                                             uint64_t generation);

/* What `state` decides for the call's level. */
PYLOG_API slot_decision pylog_internal_slot_decide(uint64_t state, int level);

/* Store a RESOLVED state: `state`'s filter threshold raised to Python's
 * `python_threshold`. Returns the new state. GIL not required; only the
 * bridge, which learns Python's levels under the GIL, calls it. */
PYLOG_API uint64_t pylog_internal_slot_resolve(const site_call *call,
                                               uint64_t state,
                                               int python_threshold);

/* One more record this site handed to a logger (module.pylog.sites()'
 * `emitted`). Any thread; lock-free. */
PYLOG_API void pylog_internal_slot_count_emitted(pylog_internal_site *site);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_SLOT_H_ */
