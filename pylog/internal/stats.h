/*
 * internal/stats.h: pylog's counters (pylog_stats), bumped from any thread.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_STATS_H_
#define PYLOG_INTERNAL_STATS_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum stats_counter {
    STATS_EMITTED,
    STATS_DROPPED,
    STATS_ERRORS,
    STATS_N_COUNTERS
} stats_counter;

/* Add one to a counter. Any thread; GIL not required; lock-free. */
PYLOG_API void pylog_internal_stats_count(stats_counter counter);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_STATS_H_ */
