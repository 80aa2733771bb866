/*
 * internal/filter.h: level filters by dotted target name (filter.c). Pure
 * functions over a rule table: no locks, no Python, no globals but a
 * per-thread comparison counter kept for tests.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_FILTER_H_
#define PYLOG_INTERNAL_FILTER_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A rule table: the global level and per-target rules, each target an
 * owned, normalised (`::` -> `.`) copy, sorted by target (strcmp), at most
 * one rule per target and none with PYLOG_LEVEL_NOTSET. Zero-filled plus a
 * level is empty. */
typedef struct filter_rules {
    int level;
    pylog_target_filter *rules; /* owned, with owned targets */
    size_t n_rules;
    size_t capacity;
} filter_rules;

/* The lowest level that passes for `target` (dotted): the level of the
 * longest rule equal to `target` or to a dotted prefix of it, else the
 * global level. One binary search per such prefix. Does not allocate. */
PYLOG_API int pylog_internal_filter_threshold(const filter_rules *table,
                                              const char *target);

/* Add, replace (same target after normalising) or, for PYLOG_LEVEL_NOTSET,
 * remove the rule for the `length` bytes at `target`: a binary search, then
 * the rules after it move by one. 0, or -1 when out of memory (the table is
 * unchanged). Arguments are assumed valid. */
PYLOG_API int pylog_internal_filter_rules_set(filter_rules *table,
                                              const char *target,
                                              size_t length, int level);

/* Fill *table from a config's level and rules, as if by _set() in order
 * (for one target the last rule wins; a last PYLOG_LEVEL_NOTSET leaves no
 * rule), in O(n log n): a stable merge sort, then one pass. 0, or -1 when
 * out of memory (then *table is empty). */
PYLOG_API int pylog_internal_filter_rules_init(filter_rules *table, int level,
                                               const pylog_target_filter *rules,
                                               size_t n_rules);

/* Free the rules; leaves an empty table with the same global level. */
PYLOG_API void pylog_internal_filter_rules_clear(filter_rules *table);

/* Test hook: how many target comparisons the calls above have made on the
 * calling thread so far (a test reads it before and after a call to bound
 * that call's work). */
PYLOG_API size_t pylog_internal_filter_comparisons(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_FILTER_H_ */
