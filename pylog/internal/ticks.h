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

/* clock_gettime() is POSIX: a C99 translation unit that does not include
 * Python.h first (ticks.c, built on its own) asks for it here, before any
 * system header. After Python.h, which defines the same, this does nothing. */
#if !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && \
    !defined(__cplusplus)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h> /* uint64_t */
#include <time.h>   /* clock_gettime, CLOCK_MONOTONIC */

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
 * for later frequency estimates when due). Any thread; never blocks (the
 * anchors are under a seqlock of its own, ticks.c). Before
 * pylog_internal_ticks_open, or without the TSC, ticks == monotonic_ns. */
PYLOG_API void pylog_internal_ticks_sample(pylog_internal_ticks_now *now);

/* CLOCK_REALTIME in ns (as time.time_ns()) at which the counter read
 * `ticks` (at or before now->ticks; one read a little after it, on
 * another core, gives a moment after now->realtime_ns), estimated from
 * `now` and the anchor:
 * within a microsecond of a clock_gettime(CLOCK_REALTIME) at that moment
 * for records up to a second old (ticks.c says why). Any thread. */
PYLOG_API int64_t
pylog_internal_ticks_realtime(uint64_t ticks,
                              const pylog_internal_ticks_now *now);

/* The TSC when pylog_internal_ticks_open chose it (relaxed: the flag is set
 * once, before the first read the contract allows). rdtsc is not
 * serialising: the read may be taken a few hundred cycles before the
 * instructions ahead of it complete, so a read ordered after another
 * thread's read (a happens-before edge) may come out smaller by that much
 * plus the cores' TSC offset: well under a microsecond (ticks.c). One
 * thread's reads never go back. Otherwise CLOCK_MONOTONIC in nanoseconds
 * (also before pylog_internal_ticks_open, or without it): exact. */
static inline uint64_t
pylog_internal_ticks(void)
{
    struct timespec now;

#if defined(__x86_64__)
    if (__atomic_load_n(&pylog_internal_ticks_tsc, __ATOMIC_RELAXED)) {
        uint32_t low, high;

        __asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
        return ((uint64_t)high << 32) | low;
    }
#endif
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_TICKS_H_ */
