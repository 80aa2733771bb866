/*
 * internal/slot.h: site.c's interface to the rest of the library: the
 * generation counter and reading/refreshing a statement's slot.
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
    const char *file;
    const char *func; /* NULL for PYLOG_ENABLED */
    int line;
    const pylog_internal_extra *extra; /* NULL: none */
} site_call;

/* What a slot's state says about a level. */
typedef enum slot_decision {
    SLOT_OFF,       /* filtered out */
    SLOT_ON,        /* passes: emit without asking Python */
    SLOT_ASK_PYTHON /* passes pylog's filters; Python's levels decide */
} slot_decision;

/* The current generation, loaded with acquire: the configuration published
 * with it is visible. 0 when pylog is not installed. GIL not required. */
PYLOG_API uint64_t pylog_internal_slot_generation(void);

/* Start a new generation (at install) or stop (generation 0, at uninstall).
 * Any thread; takes site_lock for the store only. */
PYLOG_API void pylog_internal_slot_start(void);
PYLOG_API void pylog_internal_slot_stop(void);

/* The slot's state for `generation`, refreshing the filter threshold when
 * the slot is stale. 0 when out of memory. GIL not required. */
PYLOG_API uint64_t pylog_internal_slot_state(const site_call *call,
                                             uint64_t generation);

/* What `state` decides for the call's level. */
PYLOG_API slot_decision pylog_internal_slot_decide(uint64_t state, int level);

/* Store a RESOLVED state: `state`'s filter threshold raised to Python's
 * `python_threshold`. Returns the new state. GIL: held (by convention: only
 * the bridge learns Python's levels). */
PYLOG_API uint64_t pylog_internal_slot_resolve(const site_call *call,
                                               uint64_t state,
                                               int python_threshold);

/* Phases of fork() for the files that own a lock (pthread_atfork, in
 * delivery.c): PREPARE takes the lock, PARENT and CHILD release it. */
#define PYLOG_INTERNAL_FORK_PREPARE 0
#define PYLOG_INTERNAL_FORK_PARENT 1
#define PYLOG_INTERNAL_FORK_CHILD 2

/* site_lock across fork(). */
PYLOG_API void pylog_internal_slot_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_SLOT_H_ */
