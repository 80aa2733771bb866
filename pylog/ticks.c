/*
 * ticks.c: the counter a statement stamps its record with, and its
 * conversion to CLOCK_REALTIME at delivery (internal/ticks.h). No Python,
 * no other pylog file: built and tested on its own (testing/ticks_test.cc).
 *
 * The counter. pylog_internal_ticks_open() chooses it once: on x86-64 with
 * an invariant TSC (CPUID 0x80000007 EDX bit 8: constant rate in every
 * P-, C- and T-state) the TSC, read with rdtsc (20 to 45 ns measured on
 * a busy KVM guest, against 45 to 140 ns for clock_gettime; no call into
 * libc); otherwise, and before open() or without it, CLOCK_MONOTONIC in
 * nanoseconds, which converts exactly. Records are stamped after open()
 * (the contract), so a record's ticks are never older than the first
 * anchor below.
 *
 * Globals. pylog_internal_ticks_tsc (the choice) and ticks_first (the
 * first anchor: ticks and CLOCK_MONOTONIC read back to back) are written
 * once, in ticks_open_once under pthread_once, before the release store of
 * the flag; readers that see the flag set (acquire) see the anchor. The two
 * latest anchors (ticks_anchors) are under a seqlock (ticks_seq; its
 * fields are stored with release and loaded with acquire, which on x86 is
 * a plain move, instead of fences, which TSan does not model), written
 * only by a sample() that wins ticks_writing. Nothing here ever blocks:
 * a writer that loses the race skips its update (the next sample() makes
 * it), and a reader that cannot get a consistent copy in a few tries (a
 * writer preempted mid-update) uses the first anchor, which is always
 * correct, only with a longer baseline.
 *
 * Frequency. Converting an age in ticks to nanoseconds needs the counter's
 * rate against CLOCK_MONOTONIC (the rate CLOCK_REALTIME also runs at:
 * NTP's slewing applies to both; steps of CLOCK_REALTIME do not, below).
 * It is estimated as (now.ticks - anchor.ticks) / (now.monotonic -
 * anchor.monotonic), with anchors taken from sample(): the newest anchor at
 * least TICKS_MIN_BASELINE_NS (1 s) older than `now`; the anchors move
 * forward every TICKS_ANCHOR_EVERY_NS (30 s), keeping the previous one, so
 * while samples keep coming the baseline stays between 1 s and about 60 s:
 * long enough that read jitter hardly counts, short enough to follow the
 * kernel's slewing of CLOCK_MONOTONIC. In the first second after open()
 * there is only the first anchor, and its baseline can be short; but a
 * record is never older than it (age <= baseline), so the estimate's error
 * times the record's age stays below the read jitter.
 *
 * Why within a microsecond (records up to a second old; ~1 GHz or faster
 * TSC). The result is now.realtime - age / rate. Its errors:
 *   - the `now` triple: ticks, CLOCK_MONOTONIC and CLOCK_REALTIME are read
 *     between two ticks reads and stamped with their midpoint; the tightest
 *     bracket of TICKS_TRIES tries is kept (a try preempted midway loses),
 *     so each clock is off by at most half a bracket, the time of two vDSO
 *     clock_gettime calls: some 50 ns, so 25 ns each;
 *   - the rate: each end of the baseline is off by at most its half bracket
 *     (25 ns), so the rate is off by at most 50 ns / baseline: 0.05 ppm for
 *     a 1 s baseline, 50 ns over a record's second of age; in the first
 *     second, age <= baseline bounds it by 50 ns too;
 *   - rdtsc is not serialising: a read may be taken some hundred cycles
 *     early, and other cores' TSCs agree only to within a small offset
 *     (the kernel or the hypervisor keeps them in step): testing/
 *     ticks_test.cc measures a read after another thread's coming out up
 *     to ~200 ns earlier on a 2-vCPU KVM guest; this moves a record by as
 *     much, not the rate (the brackets are read on one thread);
 *   - the rate of CLOCK_MONOTONIC against the TSC is what NTP's slewing
 *     makes it, and the estimate is its mean over the baseline: a change of
 *     the kernel's correction by d ppm within the baseline moves a 1 s old
 *     record by up to d us. A synchronised clock's correction changes by
 *     far less than a ppm a minute (the crystal's drift); while chrony or
 *     ntpd slew away a large offset (up to 500 ppm with adjtimex, more with
 *     chrony's tick adjustments) the bound does not hold;
 *   - rounding: under a nanosecond (128-bit integer arithmetic).
 * That is some 350 ns in all, within a microsecond. A step of
 * CLOCK_REALTIME (clock_settime, a stepping NTP) between the record and
 * `now` is not seen: the record gets its moment on the stepped clock.
 *
 * Fork. Nothing to do: the TSC and CLOCK_MONOTONIC are the machine's, so
 * the anchors stay valid in the child, and nothing blocks. A child forked
 * while another thread of the parent was inside ticks_advance's update (a
 * few stores, once in 30 s) keeps ticks_writing set and may keep ticks_seq
 * odd: its anchors then never move again and its readers use the first
 * anchor, still correct, only no longer following NTP's slewing. glibc's
 * pthread_once runs the opening again in a child forked during it.
 */
#include "internal/ticks.h"

#include <pthread.h> /* pthread_once */
#include <stdint.h>  /* uint64_t, int64_t, INT64_MAX */
#include <time.h>    /* clock_gettime */

#if defined(__x86_64__)
#include <cpuid.h> /* __get_cpuid */
#endif

/* Reads of each calibration point; the tightest bracket is kept. */
#define TICKS_TRIES 5
/* The anchor a rate is estimated from is at least this old, when one is. */
#define TICKS_MIN_BASELINE_NS 1000000000LL
/* A sample() at least this long after the latest anchor becomes the next. */
#define TICKS_ANCHOR_EVERY_NS 30000000000LL
/* Tries of a seqlock reader before it settles for the first anchor. */
#define TICKS_READ_TRIES 100

typedef struct ticks_anchor {
    uint64_t ticks;
    int64_t monotonic_ns; /* 0: none (CLOCK_MONOTONIC is past 0 at boot) */
} ticks_anchor;

int pylog_internal_ticks_tsc; /* atomic: stored once (release) by open */

static pthread_once_t ticks_once = PTHREAD_ONCE_INIT;
static ticks_anchor ticks_first; /* written once, before the flag */

/* [0]: the latest anchor, [1]: the one before (or none). Every field is
 * accessed atomically (relaxed) inside the seqlock. */
static ticks_anchor ticks_anchors[2];
static uint64_t ticks_seq;  /* atomic: odd while ticks_anchors is written */
static int ticks_writing;   /* atomic: 1 while a sample() writes */

static int64_t
ticks_clock_ns(clockid_t clock)
{
    struct timespec now;

    clock_gettime(clock, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

#if defined(__x86_64__)
/* Nonzero when the CPU says its TSC is invariant. */
static int
ticks_invariant_tsc(void)
{
    unsigned int eax, ebx, ecx, edx;

    /* __get_cpuid checks the extended leaf is there (0 if not). */
    if (!__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    return (int)((edx >> 8) & 1u);
}

static uint64_t
ticks_rdtsc(void)
{
    uint32_t low, high;

    __asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}
#endif

/* The counter for the choice `tsc`, read once by the caller so that a try
 * cannot mix the two: the TSC (before the flag is set, in open(); after,
 * pylog_internal_ticks() reads it, as the flag never goes back to 0) or
 * CLOCK_MONOTONIC. */
static uint64_t
ticks_read(int tsc)
{
#if defined(__x86_64__)
    if (tsc) {
        return __atomic_load_n(&pylog_internal_ticks_tsc, __ATOMIC_RELAXED)
                   ? pylog_internal_ticks()
                   : ticks_rdtsc();
    }
#endif
    (void)tsc;
    return (uint64_t)ticks_clock_ns(CLOCK_MONOTONIC);
}

/* The width of a bracket of counter reads: after - before, or UINT64_MAX
 * when `after` came out smaller (another core's TSC, after a migration),
 * so such a try is never the tightest. */
static uint64_t
ticks_bracket(uint64_t before, uint64_t after)
{
    return after >= before ? after - before : UINT64_MAX;
}

/* The counter (rdtsc when `tsc`, else CLOCK_MONOTONIC) and CLOCK_MONOTONIC
 * read back to back; the tightest of TICKS_TRIES. */
static ticks_anchor
ticks_read_anchor(int tsc)
{
    ticks_anchor best = {0, 0};
    uint64_t best_bracket = UINT64_MAX;
    int i;

    for (i = 0; i < TICKS_TRIES; i++) {
        uint64_t before, after, bracket;
        int64_t monotonic;

        if (tsc) {
            before = ticks_read(tsc);
            monotonic = ticks_clock_ns(CLOCK_MONOTONIC);
            after = ticks_read(tsc);
        }
        else {
            monotonic = ticks_clock_ns(CLOCK_MONOTONIC);
            before = after = (uint64_t)monotonic;
        }
        bracket = ticks_bracket(before, after);
        if (i == 0 || bracket < best_bracket) {
            best_bracket = bracket;
            best.ticks = before + bracket / 2;
            best.monotonic_ns = monotonic;
        }
    }
    return best;
}

static void
ticks_open_once(void)
{
    int tsc = 0;

#if defined(__x86_64__)
    tsc = ticks_invariant_tsc();
#endif
    ticks_first = ticks_read_anchor(tsc);
    __atomic_store_n(&ticks_anchors[0].ticks, ticks_first.ticks,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&ticks_anchors[0].monotonic_ns,
                     ticks_first.monotonic_ns, __ATOMIC_RELAXED);
    /* release: a thread that sees the flag (acquire) sees ticks_first and
       the anchors; pylog_internal_ticks() reads it relaxed, as it needs
       only the choice. */
    __atomic_store_n(&pylog_internal_ticks_tsc, tsc, __ATOMIC_RELEASE);
}

void
pylog_internal_ticks_open(void)
{
    pthread_once(&ticks_once, ticks_open_once);
}

/* The seqlock's copy of ticks_anchors into `out`: 1, or 0 when no
 * consistent copy came in TICKS_READ_TRIES (a writer mid-update). */
static int
ticks_read_anchors(ticks_anchor out[2])
{
    int i, j;

    for (i = 0; i < TICKS_READ_TRIES; i++) {
        /* acquire: the fields read below are at least this version's */
        uint64_t seq = __atomic_load_n(&ticks_seq, __ATOMIC_ACQUIRE);

        if (seq & 1u) {
            continue;
        }
        /* acquire: a field a writer stored (release) after making seq
           odd makes that odd seq visible to the check below, and keeps
           the check after these loads; so an unchanged even seq means no
           writer overlapped them (no fence: TSan does not model fences) */
        for (j = 0; j < 2; j++) {
            out[j].ticks =
                __atomic_load_n(&ticks_anchors[j].ticks, __ATOMIC_ACQUIRE);
            out[j].monotonic_ns = __atomic_load_n(
                &ticks_anchors[j].monotonic_ns, __ATOMIC_ACQUIRE);
        }
        if (__atomic_load_n(&ticks_seq, __ATOMIC_RELAXED) == seq) {
            return 1;
        }
    }
    return 0;
}

/* Make `now` the latest anchor when the latest is TICKS_ANCHOR_EVERY_NS
 * old, keeping the latest as the one before. Called only once opened. */
static void
ticks_advance(const pylog_internal_ticks_now *now)
{
    ticks_anchor anchors[2];
    uint64_t seq;

    if (!ticks_read_anchors(anchors) ||
        now->monotonic_ns <
            anchors[0].monotonic_ns + TICKS_ANCHOR_EVERY_NS ||
        now->ticks <= anchors[0].ticks) {
        return;
    }
    /* acquire: after the previous writer's release below; a writer
       already at work does the update for us (or the next sample()) */
    if (__atomic_exchange_n(&ticks_writing, 1, __ATOMIC_ACQUIRE) != 0) {
        return;
    }
    if (ticks_read_anchors(anchors) &&
        now->monotonic_ns >=
            anchors[0].monotonic_ns + TICKS_ANCHOR_EVERY_NS &&
        now->ticks > anchors[0].ticks) {
        seq = __atomic_load_n(&ticks_seq, __ATOMIC_RELAXED);
        __atomic_store_n(&ticks_seq, seq + 1, __ATOMIC_RELAXED);
        /* release: a reader that loads one of these (acquire) sees seq
           odd, or later, when it checks seq again */
        __atomic_store_n(&ticks_anchors[1].ticks, anchors[0].ticks,
                         __ATOMIC_RELEASE);
        __atomic_store_n(&ticks_anchors[1].monotonic_ns,
                         anchors[0].monotonic_ns, __ATOMIC_RELEASE);
        __atomic_store_n(&ticks_anchors[0].ticks, now->ticks,
                         __ATOMIC_RELEASE);
        __atomic_store_n(&ticks_anchors[0].monotonic_ns, now->monotonic_ns,
                         __ATOMIC_RELEASE);
        /* release: the fields are written before seq is even again */
        __atomic_store_n(&ticks_seq, seq + 2, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&ticks_writing, 0, __ATOMIC_RELEASE);
}

void
pylog_internal_ticks_sample(pylog_internal_ticks_now *now)
{
    int tsc = __atomic_load_n(&pylog_internal_ticks_tsc, __ATOMIC_ACQUIRE);
    uint64_t best_bracket = UINT64_MAX;
    int i;

    now->ticks = 0;
    now->monotonic_ns = 0;
    now->realtime_ns = 0;
    for (i = 0; i < TICKS_TRIES; i++) {
        uint64_t before, after, bracket;
        int64_t monotonic = 0, realtime;

        before = ticks_read(tsc);
        if (tsc) {
            monotonic = ticks_clock_ns(CLOCK_MONOTONIC);
        }
        realtime = ticks_clock_ns(CLOCK_REALTIME);
        after = ticks_read(tsc);
        bracket = ticks_bracket(before, after);
        if (i == 0 || bracket < best_bracket) {
            best_bracket = bracket;
            now->ticks = before + bracket / 2;
            /* the counter is CLOCK_MONOTONIC itself without the TSC */
            now->monotonic_ns = tsc ? monotonic : (int64_t)now->ticks;
            now->realtime_ns = realtime;
        }
    }
    if (tsc) {
        ticks_advance(now);
    }
}

/* Wide enough for an age times a baseline (each below 2^63) exactly.
 * Without __int128 (32-bit targets, which never read the TSC, so only a
 * `now` from another build could get here) long double's rounding. */
#if defined(__SIZEOF_INT128__)
__extension__ typedef __int128 ticks_wide;
#else
typedef long double ticks_wide;
#endif

/* a - b, saturated to the int64_t range. */
static int64_t
ticks_sub(int64_t a, int64_t b)
{
    int64_t out;

    if (__builtin_sub_overflow(a, b, &out)) {
        return b < 0 ? INT64_MAX : INT64_MIN;
    }
    return out;
}

/* The anchor whose baseline to `now` estimates the rate: the newest at
 * least TICKS_MIN_BASELINE_NS before `now`, else the first. 1, or 0 when
 * even the first is not before `now` (a `now` sampled before open()). */
static int
ticks_anchor_for(const pylog_internal_ticks_now *now, ticks_anchor *out)
{
    ticks_anchor anchors[2];
    int i;

    if (ticks_read_anchors(anchors)) {
        for (i = 0; i < 2; i++) {
            if (anchors[i].monotonic_ns != 0 &&
                /* no overflow: an anchor is a real CLOCK_MONOTONIC */
                now->monotonic_ns >=
                    anchors[i].monotonic_ns + TICKS_MIN_BASELINE_NS &&
                now->ticks > anchors[i].ticks) {
                *out = anchors[i];
                return 1;
            }
        }
    }
    *out = ticks_first;
    return now->monotonic_ns > ticks_first.monotonic_ns &&
           now->ticks > ticks_first.ticks;
}

/* Outcomes beyond the contract: a `now` not from sample() after open()
 * (the TSC in use but no anchor before it) gives now->realtime_ns; ages
 * beyond the int64_t range of nanoseconds saturate at INT64_MIN or
 * INT64_MAX. */
int64_t
pylog_internal_ticks_realtime(uint64_t ticks,
                              const pylog_internal_ticks_now *now)
{
    /* Negative when `ticks` was read after now->ticks (another core's
       read, or a later one): the moment after now, not a wrapped age. */
    int64_t age = (int64_t)(now->ticks - ticks);
    ticks_anchor anchor;
    ticks_wide span, baseline, scaled;

    /* acquire: pairs with ticks_open_once's release (ticks_first) */
    if (!__atomic_load_n(&pylog_internal_ticks_tsc, __ATOMIC_ACQUIRE)) {
        return ticks_sub(now->realtime_ns, age); /* exact */
    }
    if (!ticks_anchor_for(now, &anchor)) {
        return now->realtime_ns;
    }
    /* age * (monotonic baseline / ticks baseline), rounded to nearest:
       both factors are below 2^63, so the product fits 128 bits (with
       long double, the cast below truncates what is then a fraction) */
    span = (ticks_wide)(now->monotonic_ns - anchor.monotonic_ns);
    baseline = (ticks_wide)(now->ticks - anchor.ticks);
    scaled = (ticks_wide)age * span;
    scaled = scaled >= 0 ? (scaled + baseline / 2) / baseline
                         : -((-scaled + baseline / 2) / baseline);
    if (scaled > INT64_MAX) {
        return INT64_MIN;
    }
    if (scaled < -INT64_MAX) {
        return INT64_MAX;
    }
    return ticks_sub(now->realtime_ns, (int64_t)scaled);
}

#undef TICKS_TRIES
#undef TICKS_MIN_BASELINE_NS
#undef TICKS_ANCHOR_EVERY_NS
#undef TICKS_READ_TRIES
