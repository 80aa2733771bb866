// ticks_test.cc: the statement's timestamp counter of pylog/ticks.c on its
// own, with no Python: before pylog_internal_ticks_open() the counter is
// CLOCK_MONOTONIC and converts exactly; open() chooses the TSC exactly when
// CPUID says it is invariant, and is idempotent from many threads at once;
// one thread's reads never go back, a read after another thread's (through
// a release/acquire edge) is not earlier beyond the documented tolerance;
// a read converts to within a microsecond of CLOCK_REALTIME read around it,
// for ages from 0 to ~0.2 s and for a read a little after the sample; bad
// input saturates. Every clock comparison is bracketed by reads on both
// sides, so load cannot fail it. Built plain, with --config=asan and with
// --config=tsan. The cost of a read is printed (-c opt: `bazel test -c opt
// //testing:ticks_test --test_output=all`), never asserted.
#include "pylog/internal/ticks.h"

#include <gtest/gtest.h>
#include <time.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

// TSan runs atomics an order of magnitude slower: a twentieth of the reads.
#if defined(__SANITIZE_THREAD__)
constexpr int kScale = 20;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr int kScale = 20;
#else
constexpr int kScale = 1;
#endif
#else
constexpr int kScale = 1;
#endif

// The accuracy internal/ticks.h promises (ticks.c's budget is ~150 ns).
constexpr int64_t kMicrosecond = 1000;

int64_t
ClockNs(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// Busy work (no sleep) until CLOCK_MONOTONIC has moved on by `ns`.
void
Spin(int64_t ns)
{
    int64_t until = ClockNs(CLOCK_MONOTONIC) + ns;
    while (ClockNs(CLOCK_MONOTONIC) < until) {
    }
}

// A counter read with CLOCK_REALTIME read just before and just after it.
struct Stamp {
    int64_t before_ns;
    uint64_t ticks;
    int64_t after_ns;
};

Stamp
TakeStamp()
{
    Stamp stamp;
    stamp.before_ns = ClockNs(CLOCK_REALTIME);
    stamp.ticks = pylog_internal_ticks();
    stamp.after_ns = ClockNs(CLOCK_REALTIME);
    return stamp;
}

void
ExpectWithin(const Stamp &stamp, int64_t at,
             const pylog_internal_ticks_now &now)
{
    EXPECT_GE(at, stamp.before_ns - kMicrosecond)
        << "read " << (now.realtime_ns - stamp.before_ns) << " ns before now";
    EXPECT_LE(at, stamp.after_ns + kMicrosecond)
        << "read " << (now.realtime_ns - stamp.after_ns) << " ns before now";
}

void
ExpectConverts(const Stamp &stamp, const pylog_internal_ticks_now &now)
{
    ExpectWithin(stamp, pylog_internal_ticks_realtime(stamp.ticks, &now), now);
}

// What the counter did before any open(): taken by a static initializer,
// before main() and so before any test calls pylog_internal_ticks_open().
struct BeforeOpen {
    int tsc;
    int64_t monotonic_before, monotonic_after;
    uint64_t ticks;
    Stamp stamp;
    pylog_internal_ticks_now now;
    int64_t at; // the stamp converted, also before open()

    BeforeOpen()
    {
        tsc = pylog_internal_ticks_tsc;
        monotonic_before = ClockNs(CLOCK_MONOTONIC);
        ticks = pylog_internal_ticks();
        monotonic_after = ClockNs(CLOCK_MONOTONIC);
        stamp = TakeStamp();
        Spin(5000000);
        pylog_internal_ticks_sample(&now);
        at = pylog_internal_ticks_realtime(stamp.ticks, &now);
    }
};

const BeforeOpen before_open;

TEST(TicksTest, WorksBeforeOpenAsTheMonotonicClock)
{
    EXPECT_EQ(before_open.tsc, 0);
    EXPECT_GE(before_open.ticks,
              static_cast<uint64_t>(before_open.monotonic_before));
    EXPECT_LE(before_open.ticks,
              static_cast<uint64_t>(before_open.monotonic_after));
    // The counter is CLOCK_MONOTONIC: the sample says so, and converts
    // exactly (the stamp's 5 ms of age included).
    EXPECT_EQ(before_open.now.ticks,
              static_cast<uint64_t>(before_open.now.monotonic_ns));
    ExpectWithin(before_open.stamp, before_open.at, before_open.now);
}

bool
CpuHasInvariantTsc()
{
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    return __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) &&
           ((edx >> 8) & 1u) != 0;
#else
    return false;
#endif
}

TEST(TicksTest, OpenChoosesTheTscExactlyWhenInvariantAndIsIdempotent)
{
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) {
        threads.emplace_back(pylog_internal_ticks_open);
    }
    for (auto &thread : threads) {
        thread.join();
    }
    int tsc = __atomic_load_n(&pylog_internal_ticks_tsc, __ATOMIC_RELAXED);
    EXPECT_EQ(tsc != 0, CpuHasInvariantTsc());
    std::printf("ticks_test: invariant TSC: %s; the counter is %s\n",
                CpuHasInvariantTsc() ? "yes" : "no",
                tsc ? "rdtsc" : "CLOCK_MONOTONIC");

    // Again: the choice stays, and the counter does not start over.
    uint64_t before = pylog_internal_ticks();
    pylog_internal_ticks_open();
    EXPECT_EQ(__atomic_load_n(&pylog_internal_ticks_tsc, __ATOMIC_RELAXED),
              tsc);
    EXPECT_GE(pylog_internal_ticks(), before);
}

TEST(TicksTest, OneThreadsReadsNeverGoBack)
{
    pylog_internal_ticks_open();
    uint64_t last = pylog_internal_ticks();
    int back = 0;
    for (int i = 0; i < 2000000 / kScale; i++) {
        uint64_t now = pylog_internal_ticks();
        back += now < last;
        last = now;
    }
    EXPECT_EQ(back, 0);
}

// Each of two threads publishes its latest read (release) and, after
// reading the other's (acquire), reads the counter: that read happens after
// the other's, so it converts to no earlier than a microsecond before it.
// Each publishes once before the loops, which wait for both (whatever the
// scheduling, every read of a loop has one of the other's to compare to).
TEST(TicksTest, ReadAfterAnotherThreadsIsNotEarlier)
{
    pylog_internal_ticks_open();
    std::atomic<uint64_t> published[2];
    published[0].store(0);
    published[1].store(0);
    int64_t worst_ticks[2] = {0, 0};
    int checked[2] = {0, 0};
    pylog_internal_ticks_now now;

    const int n = 400000 / kScale;
    auto run = [&](int self) {
        published[self].store(pylog_internal_ticks(),
                              std::memory_order_release);
        while (published[1 - self].load(std::memory_order_acquire) == 0) {
        }
        for (int i = 0; i < n; i++) {
            published[self].store(pylog_internal_ticks(),
                                  std::memory_order_release);
            uint64_t other =
                published[1 - self].load(std::memory_order_acquire);
            uint64_t mine = pylog_internal_ticks();
            if (other != 0 && mine < other) {
                // after the threads: converted with one sample below
                int64_t ticks_back = static_cast<int64_t>(other - mine);
                if (ticks_back > worst_ticks[self]) {
                    worst_ticks[self] = ticks_back;
                }
            }
            checked[self] += other != 0;
        }
    };
    std::thread first(run, 0), second(run, 1);
    first.join();
    second.join();
    pylog_internal_ticks_sample(&now);

    for (int self = 0; self < 2; self++) {
        // The worst shortfall in ticks, as nanoseconds: the difference of
        // two conversions with one `now`.
        uint64_t late = now.ticks - 1000;
        int64_t back_ns =
            pylog_internal_ticks_realtime(
                late - static_cast<uint64_t>(worst_ticks[self]), &now) -
            pylog_internal_ticks_realtime(late, &now);
        EXPECT_EQ(checked[self], n);
        EXPECT_LE(-back_ns, kMicrosecond) << "thread " << self;
        std::printf("ticks_test: thread %d: %d reads after the other's, "
                    "worst %lld ns earlier\n",
                    self, checked[self], static_cast<long long>(-back_ns));
    }
}

// Reads at ages 0 .. ~0.2 s convert to within a microsecond of the
// CLOCK_REALTIME reads around them.
TEST(TicksTest, ConvertsToTheWallClockWithinAMicrosecond)
{
    pylog_internal_ticks_open();
    std::vector<Stamp> stamps;
    for (int i = 0; i < 20; i++) {
        stamps.push_back(TakeStamp());
        Spin(10000000);
    }
    stamps.push_back(TakeStamp()); // age ~0: just before the sample
    pylog_internal_ticks_now now;
    pylog_internal_ticks_sample(&now);
    int64_t worst = 0;
    for (const Stamp &stamp : stamps) {
        ExpectConverts(stamp, now);
        int64_t at = pylog_internal_ticks_realtime(stamp.ticks, &now);
        int64_t off = at < stamp.before_ns  ? stamp.before_ns - at
                      : at > stamp.after_ns ? at - stamp.after_ns
                                            : 0;
        worst = off > worst ? off : worst;
    }
    std::printf("ticks_test: ages up to %lld ms: worst %lld ns outside the "
                "CLOCK_REALTIME bracket\n",
                static_cast<long long>(
                    (now.realtime_ns - stamps[0].before_ns) / 1000000),
                static_cast<long long>(worst));
    if (pylog_internal_ticks_tsc == 0) {
        EXPECT_EQ(now.ticks, static_cast<uint64_t>(now.monotonic_ns));
    }
}

// A read a little after the sample (another core's, or a later one) is a
// moment after now->realtime_ns, not an age that wraps around.
TEST(TicksTest, ConvertsAReadAfterTheSample)
{
    pylog_internal_ticks_open();
    pylog_internal_ticks_now now;
    pylog_internal_ticks_sample(&now);
    Stamp soon = TakeStamp();
    Spin(20000000);
    Stamp later = TakeStamp();
    ExpectConverts(soon, now);
    ExpectConverts(later, now);
    EXPECT_GT(pylog_internal_ticks_realtime(later.ticks, &now),
              now.realtime_ns);
}

// Ages beyond the range of int64_t nanoseconds saturate; nothing traps
// (UBSan, under --config=asan, would).
TEST(TicksTest, ExtremeInputSaturates)
{
    pylog_internal_ticks_open();
    pylog_internal_ticks_now now;
    pylog_internal_ticks_sample(&now);

    pylog_internal_ticks_now low = now;
    low.realtime_ns = INT64_MIN + 10;
    EXPECT_EQ(pylog_internal_ticks_realtime(now.ticks - 1000000000, &low),
              INT64_MIN);
    pylog_internal_ticks_now high = now;
    high.realtime_ns = INT64_MAX - 10;
    EXPECT_EQ(pylog_internal_ticks_realtime(now.ticks + 1000000000, &high),
              INT64_MAX);
    // Any counter value converts to something, in either direction.
    (void)pylog_internal_ticks_realtime(0, &now);
    (void)pylog_internal_ticks_realtime(UINT64_MAX, &now);
    (void)pylog_internal_ticks_realtime(now.ticks + (UINT64_C(1) << 63),
                                        &now);
    // A `now` from before open() (or made up): its own wall clock time.
    pylog_internal_ticks_now made_up = {0, 0, 12345};
    if (pylog_internal_ticks_tsc != 0) {
        EXPECT_EQ(pylog_internal_ticks_realtime(7, &made_up), 12345);
    }
}

// The cost of a read, printed for the report (no assertion: timing).
TEST(TicksTest, PrintsTheCostOfARead)
{
    pylog_internal_ticks_open();
    const int n = 5000000 / kScale;
    uint64_t sink = 0;
    int64_t start = ClockNs(CLOCK_MONOTONIC);
    for (int i = 0; i < n; i++) {
        sink += pylog_internal_ticks();
    }
    int64_t ticks_ns = ClockNs(CLOCK_MONOTONIC) - start;
    start = ClockNs(CLOCK_MONOTONIC);
    for (int i = 0; i < n; i++) {
        sink += static_cast<uint64_t>(ClockNs(CLOCK_MONOTONIC));
    }
    int64_t clock_ns = ClockNs(CLOCK_MONOTONIC) - start;
    std::printf("ticks_test: pylog_internal_ticks() %.1f ns, "
                "clock_gettime(CLOCK_MONOTONIC) %.1f ns a call (%llu)\n",
                static_cast<double>(ticks_ns) / n,
                static_cast<double>(clock_ns) / n,
                static_cast<unsigned long long>(sink & 1));
}

} // namespace
