/*
 * rate.c: rate-limited statements (PYLOG_<LEVEL>_EVERY_N and friends):
 * each occurrence is numbered by one atomic add on its site's counter, and
 * the number (or, for EVERY_N_SEC, a compare-and-swap on the site's next
 * time on the monotonic clock) decides whether it is sent.
 * No globals, no locks (the counters are the sites'). GIL: never needed.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/rate.h"

#include "internal/clock.h"

#include <stdint.h>
#include <string.h>

/* A count parameter as the number it means: below 1 (or NaN) 0, beyond
 * 2**64 - 1 saturated. */
static uint64_t
rate_count(double param)
{
    if (!(param >= 1.0)) {
        return 0;
    }
    if (param >= 18446744073709551615.0) {
        return UINT64_MAX;
    }
    return (uint64_t)param;
}

/* An interval in seconds as nanoseconds: below or at 0 (or NaN) 0,
 * saturated at INT64_MAX (a record at most once in 292 years). */
static int64_t
rate_interval_ns(double seconds)
{
    double ns;

    if (!(seconds > 0.0)) {
        return 0;
    }
    ns = seconds * 1e9;
    if (ns >= 9223372036854775807.0) {
        return INT64_MAX;
    }
    return (int64_t)ns;
}

/* EVERY_N_SEC: 1 for the one caller that moves the site's next time past
 * now (to now plus its interval), 0 for every other caller before that
 * time. No interval: every caller, and the next time becomes now (the
 * interval is measured from the last record, with that record's
 * seconds). */
static int
rate_interval_passed(pylog_internal_rate_site *site, double seconds)
{
    int64_t interval = rate_interval_ns(seconds);
    int64_t now = pylog_internal_clock_monotonic_ns(), next, later;

    if (interval == 0) {
        /* relaxed: only the time itself matters */
        __atomic_store_n(&site->next_ns, now, __ATOMIC_RELAXED);
        return 1;
    }
    /* relaxed: the CAS below decides; no other data is published with it */
    next = __atomic_load_n(&site->next_ns, __ATOMIC_RELAXED);
    for (;;) {
        if (now < next) {
            return 0;
        }
        later = now > INT64_MAX - interval ? INT64_MAX : now + interval;
        /* relaxed: only the time itself is agreed on; a failure reloads
           `next` with the time another occurrence set, which is then
           compared again */
        if (__atomic_compare_exchange_n(&site->next_ns, &next, later, 0,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            return 1;
        }
    }
}

uint64_t
pylog_internal_rate_occur(pylog_internal_rate_site *site, double param,
                          int *send)
{
    uint64_t count, n, bits;

    if ((site->site.flags & PYLOG_INTERNAL_SITE_PARAM_KNOWN) == 0) {
        memcpy(&bits, &param, sizeof bits);
        /* relaxed: only reported by sites() */
        __atomic_store_n(&site->last_param, bits, __ATOMIC_RELAXED);
    }
    /* relaxed: the add alone makes each number unique; nothing else is
       published with the counter */
    count = __atomic_add_fetch(&site->occurrences, 1, __ATOMIC_RELAXED);
    switch (site->site.kind) {
    case PYLOG_INTERNAL_KIND_EVERY_N:
        n = rate_count(param);
        *send = n <= 1 || (count - 1) % n == 0;
        break;
    case PYLOG_INTERNAL_KIND_FIRST_N:
        *send = count <= rate_count(param);
        break;
    case PYLOG_INTERNAL_KIND_EVERY_N_SEC:
        *send = rate_interval_passed(site, param);
        break;
    case PYLOG_INTERNAL_KIND_EVERY_POW_2:
        *send = (count & (count - 1)) == 0;
        break;
    default:
        *send = 1;
        break;
    }
    return count;
}

double
pylog_internal_rate_param(const pylog_internal_rate_site *site)
{
    uint64_t bits;
    double param;

    if (site->site.flags & PYLOG_INTERNAL_SITE_PARAM_KNOWN) {
        return site->param;
    }
    /* relaxed: a report */
    bits = __atomic_load_n(&site->last_param, __ATOMIC_RELAXED);
    memcpy(&param, &bits, sizeof param);
    return param;
}

uint64_t
pylog_internal_rate_occurrences(const pylog_internal_rate_site *site)
{
    /* relaxed: a report */
    return __atomic_load_n(&site->occurrences, __ATOMIC_RELAXED);
}

const char *
pylog_internal_rate_kind_name(int kind)
{
    switch (kind) {
    case PYLOG_INTERNAL_KIND_EVERY_N:
        return "every_n";
    case PYLOG_INTERNAL_KIND_FIRST_N:
        return "first_n";
    case PYLOG_INTERNAL_KIND_EVERY_N_SEC:
        return "every_n_sec";
    case PYLOG_INTERNAL_KIND_EVERY_POW_2:
        return "every_pow_2";
    default:
        return NULL;
    }
}
