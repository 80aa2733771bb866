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

/* A rule table: the global level and per-target rules, each target an
 * owned, normalised (`::` -> `.`) copy. Zero-filled plus a level is empty. */
typedef struct filter_rules {
    int level;
    pylog_target_filter *rules; /* owned, with owned targets */
    size_t n_rules;
    size_t capacity;
} filter_rules;

/* The lowest level that passes for `target` (dotted): the level of the
 * longest rule equal to `target` or to a dotted prefix of it, else the
 * global level. Does not allocate. */
PYLOG_API int pylog_internal_filter_threshold(const filter_rules *table,
                                              const char *target);

/* Add, replace (same target after normalising) or, for PYLOG_LEVEL_NOTSET,
 * remove the rule for the `length` bytes at `target`. 0, or -1 when out of
 * memory (the table is unchanged). Arguments are assumed valid. */
PYLOG_API int pylog_internal_filter_rules_set(filter_rules *table,
                                              const char *target,
                                              size_t length, int level);

/* Fill *table from a config's level and rules, as if by _set() in order.
 * 0, or -1 when out of memory (then *table is empty). */
PYLOG_API int pylog_internal_filter_rules_init(filter_rules *table, int level,
                                               const pylog_target_filter *rules,
                                               size_t n_rules);

/* Free the rules; leaves an empty table with the same global level. */
PYLOG_API void pylog_internal_filter_rules_clear(filter_rules *table);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_FILTER_H_ */
