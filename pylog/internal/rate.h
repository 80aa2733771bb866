/*
 * internal/rate.h: the decision of a rate-limited statement (rate.c): count
 * the occurrence, and say whether its kind lets this one be sent.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RATE_H_
#define PYLOG_INTERNAL_RATE_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Count one occurrence of `site` (a call that passed the level gates) and
 * decide by the site's kind and `param` (the statement's n or seconds):
 * returns the occurrence's number, from 1 (what `pylog_count` shows), and
 * sets *send to 1 when this occurrence is to be sent, else 0. Exact under
 * any number of threads: each occurrence gets its own number from one
 * atomic add; EVERY_N_SEC lets exactly one of the occurrences of an
 * interval through, with a compare-and-swap on the site's next time. Any
 * thread; lock-free; no Python; does not allocate. */
PYLOG_API uint64_t pylog_internal_rate_occur(pylog_internal_rate_site *site,
                                             double param, int *send);

/* The parameter to report for `site`: the constant of its statement, or
 * the last occurrence's (0 before any). Any thread. */
PYLOG_API double pylog_internal_rate_param(const pylog_internal_rate_site *site);

/* The occurrences of `site` so far. Any thread. */
PYLOG_API uint64_t
pylog_internal_rate_occurrences(const pylog_internal_rate_site *site);

/* "every_n", "first_n", "every_n_sec", "every_pow_2", or NULL for a plain
 * statement's kind. */
PYLOG_API const char *pylog_internal_rate_kind_name(int kind);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RATE_H_ */
