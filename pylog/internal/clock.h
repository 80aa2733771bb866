/*
 * internal/clock.h: the wall clock as pylog's records carry it, and the
 * monotonic clock rate-limited statements measure intervals on.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CLOCK_H_
#define PYLOG_INTERNAL_CLOCK_H_

#include <stdint.h>
#include <time.h>

/* CLOCK_REALTIME in nanoseconds since the epoch, as time.time_ns() reads
 * it. Any thread; no lock, no Python. */
static inline int64_t
pylog_internal_clock_realtime_ns(void)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* CLOCK_MONOTONIC in nanoseconds: never goes back, unaffected by changes
 * of the wall clock. Any thread; no lock, no Python. */
static inline int64_t
pylog_internal_clock_monotonic_ns(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

#endif /* PYLOG_INTERNAL_CLOCK_H_ */
