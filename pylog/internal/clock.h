/*
 * internal/clock.h: the wall clock as pylog's records carry it and the
 * deadlines of pylog's timed waits; the monotonic clock rate-limited
 * statements measure intervals on.
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

/* CLOCK_REALTIME (pthread_cond_timedwait's clock) `ms` milliseconds from
 * now. */
static inline struct timespec
pylog_internal_clock_after_ms(long ms)
{
    struct timespec at;

    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += ms / 1000;
    at.tv_nsec += (ms % 1000) * 1000000L;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    return at;
}

/* Nonzero once CLOCK_REALTIME has reached `at`. */
static inline int
pylog_internal_clock_passed(const struct timespec *at)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    return now.tv_sec > at->tv_sec ||
           (now.tv_sec == at->tv_sec && now.tv_nsec >= at->tv_nsec);
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
