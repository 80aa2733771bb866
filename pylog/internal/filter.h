/*
 * internal/filter.h: level filters by dotted target name (filter.c). Pure
 * functions over a rule table: no globals, no locks, no Python.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_FILTER_H_
#define PYLOG_INTERNAL_FILTER_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A rule table: the global level and per-target rules whose targets are
 * owned, normalised (`::` -> `.`) copies. */
typedef struct filter_rules {
    int level;
    pylog_target_filter *rules; /* owned, with owned targets */
    size_t n_rules;
} filter_rules;

/* The lowest level that passes for `target` (dotted): the level of the
 * longest rule equal to `target` or to a dotted prefix of it, else the
 * global level. Does not allocate. */
PYLOG_API int pylog_internal_filter_threshold(const filter_rules *table, const char *target);

/* Fill *table from a config's level and rules; rules at PYLOG_LEVEL_NOTSET
 * are left out, a later rule for the same target replaces an earlier one.
 * Returns 0, or -1 when out of memory (then *table is empty). Arguments are
 * assumed valid (config.c checks them). */
PYLOG_API int pylog_internal_filter_rules_init(filter_rules *table, int level,
                                const pylog_target_filter *rules,
                                size_t n_rules);

/* Free the rules; leaves an empty table. */
PYLOG_API void pylog_internal_filter_rules_clear(filter_rules *table);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_FILTER_H_ */
