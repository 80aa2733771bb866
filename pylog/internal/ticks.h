/*
 * internal/ticks.h: the cheap counter a statement stamps its record with
 * (ticks.c), and its conversion to the wall clock at delivery. On x86-64
 * with an invariant TSC (CPUID 0x80000007 EDX bit 8) the counter is rdtsc;
 * elsewhere, or without one, CLOCK_MONOTONIC in nanoseconds.
 * Needs no Python and no other pylog header; tested on its own
 * (testing/ticks_test.cc).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_TICKS_H_
#define PYLOG_INTERNAL_TICKS_H_

#include <stdint.h>

#ifndef PYLOG_API
/* pylog.h defines the same: every pylog symbol is private to the extension
 * module that links it. Repeated here so this header stands alone. */
#define PYLOG_API __attribute__((visibility("hidden")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Nonzero when pylog_internal_ticks() reads the TSC. Set once by
 * pylog_internal_ticks_open; read relaxed. */
PYLOG_API extern int pylog_internal_ticks_tsc;

/* Choose the counter and take the first calibration point. Call before
 * the first pylog_internal_ticks() (at install); later calls do nothing.
 * Any thread; takes a lock of its own. */
PYLOG_API void pylog_internal_ticks_open(void);

/* The counter now. Any thread; no lock, no call into libc on the TSC. */
static inline uint64_t pylog_internal_ticks(void);

/* A calibration point read at delivery: the counter with both clocks. */
typedef struct pylog_internal_ticks_now {
    uint64_t ticks;
    int64_t monotonic_ns;
    int64_t realtime_ns;
} pylog_internal_ticks_now;

/* Read the counter and the clocks now (and keep the point as an anchor
 * for later frequency estimates when due). Any thread; lock of its own. */
PYLOG_API void pylog_internal_ticks_sample(pylog_internal_ticks_now *now);

/* CLOCK_REALTIME in ns (as time.time_ns()) at which the counter read
 * `ticks` (at or before now->ticks), estimated from `now` and the anchor:
 * within a microsecond of a clock_gettime(CLOCK_REALTIME) at that moment
 * for records up to a second old (ticks.c says why). Any thread. */
PYLOG_API int64_t
pylog_internal_ticks_realtime(uint64_t ticks,
                              const pylog_internal_ticks_now *now);

/* TODO(helper): the inline definition of pylog_internal_ticks goes here. */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_TICKS_H_ */
