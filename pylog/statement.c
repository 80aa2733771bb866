/*
 * statement.c: the out-of-line part of every statement whose inline fast
 * path did not skip it (pylog_internal_log, pylog_internal_log_at,
 * pylog_internal_log_rate, pylog_internal_enabled), and the entry points
 * for calls without a static slot of their own (pylog_vlog). A statement
 * leaves errno as it found it, on every path.
 * No globals, no locks of its own. GIL: never required here; delivery.c
 * decides who takes it.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/delivery.h"
#include "internal/dynamic_site.h"
#include "internal/generation.h"
#include "internal/message.h"
#include "internal/rate.h"
#include "internal/slot.h"
#include "internal/stats.h"

#include <errno.h>
#include <limits.h>

/* The decision before the GIL: SLOT_OFF also for "not installed" and for
 * invalid levels (counted as errors). */
static slot_decision
statement_decide(const site_call *call)
{
    uint64_t generation = pylog_internal_generation_current();
    uint64_t state;

    if (generation == 0) {
        return SLOT_OFF;
    }
    if (call->level < 1 || call->level >= PYLOG_LEVEL_OFF) {
        pylog_internal_stats_count(STATS_ERRORS);
        return SLOT_OFF;
    }
    state = pylog_internal_slot_state(call, generation);
    if (state == 0) {
        pylog_internal_stats_count(STATS_ERRORS);
        return SLOT_OFF;
    }
    return pylog_internal_slot_decide(state, call->level);
}

/* Defer, or format and deliver, one call that passed the gates.
 * `call_errno` is errno at the call: the message's %m shows it. May change
 * errno; the callers below put it back. */
static void statement_deliver(const site_call *call, int call_errno,
                              const char *fmt, va_list args)
    PYLOG_PRINTF_LIKE(3, 0);

static void
statement_deliver(const site_call *call, int call_errno, const char *fmt,
                  va_list args)
{
    message msg;

    /* A thread without the GIL copies the arguments and is done. */
    if (pylog_internal_delivery_defer(call, call_errno, fmt, args)) {
        return;
    }
    /* Format before any GIL: nobody waits on us while we do. */
    if (pylog_internal_message_format(&msg, call_errno, fmt, args) < 0) {
        pylog_internal_stats_count(STATS_ERRORS);
        return;
    }
    pylog_internal_delivery_emit(call, &msg);
    pylog_internal_message_release(&msg);
}

/* Decide, format and deliver one call, leaving errno as it found it: the
 * message's %m shows it, and the caller reads it after the statement. */
static void statement_emit(const site_call *call, const char *fmt,
                           va_list args) PYLOG_PRINTF_LIKE(2, 0);

static void
statement_emit(const site_call *call, const char *fmt, va_list args)
{
    int call_errno = errno;

    if (statement_decide(call) != SLOT_OFF) {
        statement_deliver(call, call_errno, fmt, args);
    }
    errno = call_errno;
}

/* statement_emit for a rate-limited statement: a call that passed the
 * gates (pylog's filters and the switch, and Python's level when this
 * thread can learn it without waiting for the GIL: delivery_enabled
 * answers 1 when it cannot) is an occurrence; it is counted, and delivered
 * with `pylog_count` when the site's kind says so. errno as above. */
static void statement_emit_rate(site_call *call, double param,
                                const char *fmt, va_list args)
    PYLOG_PRINTF_LIKE(3, 0);

static void
statement_emit_rate(site_call *call, double param, const char *fmt,
                    va_list args)
{
    int call_errno = errno, send = 0;
    pylog_internal_extra extra = {0, NULL, 1};
    slot_decision decision = statement_decide(call);
    uint64_t occurrence;
    pylog_kv count;

    if (decision == SLOT_ON ||
        (decision == SLOT_ASK_PYTHON &&
         pylog_internal_delivery_enabled(call))) {
        occurrence = pylog_internal_rate_occur(
            (pylog_internal_rate_site *)call->site, param, &send);
        if (send) {
            count = pylog_kv_int("pylog_count",
                                 occurrence > (uint64_t)LLONG_MAX
                                     ? LLONG_MAX
                                     : (long long)occurrence);
            extra.kvs = &count;
            call->extra = &extra;
            statement_deliver(call, call_errno, fmt, args);
            call->extra = NULL;
        }
    }
    errno = call_errno;
}

/* A statement whose target is not a constant (its descriptor cannot name
 * it): the last one seen, for sites(). */
static void
statement_note_target(pylog_internal_site *site, const char *target)
{
    if ((site->flags & PYLOG_INTERNAL_SITE_TARGET_KNOWN) == 0 &&
        __atomic_load_n(&site->last_target, __ATOMIC_RELAXED) != target) {
        /* relaxed: only reported; the string is static (PYLOG_LOG_TARGET) */
        __atomic_store_n(&site->last_target, target, __ATOMIC_RELAXED);
    }
}

void
pylog_internal_log(const pylog_internal_site_entry *entry, int level,
                   const pylog_internal_extra *extra, const char *target,
                   const char *fmt, ...)
{
    pylog_internal_site *site = entry->site;
    site_call call = {site,       level,      target, site->file, site->file,
                      site->func, site->line, extra,  0};
    va_list args;

    statement_note_target(site, target);
    va_start(args, fmt);
    statement_emit(&call, fmt, args);
    va_end(args);
}

void
pylog_internal_log_at(const pylog_internal_site_entry *entry, int level,
                      const char *target, const char *file, int line,
                      const char *func, const char *fmt, ...)
{
    pylog_internal_site *site = entry->site;
    site_call call = {site, level, target, site->file, file,
                      func, line,  NULL,   1};
    va_list args;

    statement_note_target(site, target);
    va_start(args, fmt);
    statement_emit(&call, fmt, args);
    va_end(args);
}

void
pylog_internal_log_rate(const pylog_internal_site_entry *entry, int level,
                        double param, const char *target, const char *fmt,
                        ...)
{
    pylog_internal_site *site = entry->site;
    site_call call = {site,       level,      target, site->file, site->file,
                      site->func, site->line, NULL,   0};
    va_list args;

    statement_note_target(site, target);
    va_start(args, fmt);
    statement_emit_rate(&call, param, fmt, args);
    va_end(args);
}

void
pylog_vlog(int level, const char *target, const char *file, int line,
           const char *func, const char *fmt, va_list ap)
{
    int call_errno = errno;
    site_call call = {NULL, level, target, file, file, func, line, NULL, 0};
    dynamic_site *entry;
    va_list args;

    if (pylog_internal_generation_current() == 0) {
        return; /* not installed: as cheap as a disabled statement can be */
    }
    if (fmt == NULL || file == NULL) {
        pylog_internal_stats_count(STATS_ERRORS);
        return;
    }
    entry = pylog_internal_dynamic_site(target, file, line, func);
    if (entry == NULL) {
        pylog_internal_stats_count(STATS_ERRORS); /* out of memory */
        errno = call_errno;
        return;
    }
    /* pylog's copies: a queued record keeps pointers to them */
    call.site = &entry->site;
    call.target = entry->target;
    call.unit_file = call.file = entry->file;
    call.func = entry->func;
    if (!pylog_internal_site_skips(call.site, level)) {
        va_copy(args, ap);
        errno = call_errno; /* the lookup may have changed it */
        statement_emit(&call, fmt, args);
        va_end(args);
    }
    errno = call_errno;
}

int
pylog_internal_enabled(pylog_internal_site *site, int level,
                       const char *target, const char *file)
{
    int call_errno = errno, enabled = 0;
    site_call call = {site, level, target, file, file, NULL, 0, NULL, 0};

    switch (statement_decide(&call)) {
    case SLOT_OFF:
        break;
    case SLOT_ON:
        enabled = 1;
        break;
    case SLOT_ASK_PYTHON:
        enabled = pylog_internal_delivery_enabled(&call);
        break;
    }
    errno = call_errno;
    return enabled;
}
