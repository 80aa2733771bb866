/*
 * stats.c: pylog's counters. Globals: stats_counters, written by any thread
 * with relaxed atomic adds (they order nothing; readers want totals only).
 * No lock, no GIL.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/stats.h"

static uint64_t stats_counters[STATS_N_COUNTERS];

void
pylog_internal_stats_count(stats_counter counter)
{
    /* relaxed: a counter publishes no other data */
    __atomic_fetch_add(&stats_counters[counter], 1, __ATOMIC_RELAXED);
}

void
pylog_get_stats(pylog_stats *stats)
{
    if (stats == NULL) {
        return;
    }
    stats->emitted =
        __atomic_load_n(&stats_counters[STATS_EMITTED], __ATOMIC_RELAXED);
    stats->dropped =
        __atomic_load_n(&stats_counters[STATS_DROPPED], __ATOMIC_RELAXED);
    stats->errors =
        __atomic_load_n(&stats_counters[STATS_ERRORS], __ATOMIC_RELAXED);
}
