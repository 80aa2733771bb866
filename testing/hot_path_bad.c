/*
 * hot_path_bad.c: the self-check of hot_path_test.sh. Each function has a
 * "fast path" that breaks one rule of the disabled statement's (a call, a
 * jump out of the function, an atomic read-modify-write, a store to shared
 * memory, no slot or generation read), so the test can show that its check
 * rejects each, for that reason. Built like hot_path_site.c; never linked.
 */
#include "pylog/pylog.h"

void hot_path_external(int n); /* never defined */
void hot_path_bad_call(int n);
void hot_path_bad_jump_out(int n);
void hot_path_bad_atomic(int n);
void hot_path_bad_store(int n);
void hot_path_bad_no_check(int n);

int hot_path_last;
unsigned long hot_path_hits;

static pylog_internal_site bad_site = PYLOG_INTERNAL_SITE_INIT;

/* The statement's own check, after the rule-breaking line. */
#define BAD_STATEMENT(N)                                                  \
    do {                                                                  \
        if (!pylog_internal_site_skips(&bad_site, PYLOG_LEVEL_DEBUG)) {   \
            hot_path_external(N);                                         \
        }                                                                 \
    } while (0)

void
hot_path_bad_call(int n)
{
    hot_path_external(n); /* a call before the check */
    BAD_STATEMENT(n);
}

void
hot_path_bad_jump_out(int n)
{
    hot_path_external(n); /* the fast path out of line: a tail call */
}

void
hot_path_bad_atomic(int n)
{
    __atomic_fetch_add(&hot_path_hits, 1, __ATOMIC_RELAXED); /* lock add */
    BAD_STATEMENT(n);
}

void
hot_path_bad_store(int n)
{
    hot_path_last = n; /* a write to shared memory */
    BAD_STATEMENT(n);
}

void
hot_path_bad_no_check(int n)
{
    if (hot_path_last != 0) { /* neither slot nor generation */
        hot_path_external(n);
    }
}

#undef BAD_STATEMENT
