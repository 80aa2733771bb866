// deferred_latency.cc: deferred_benchmark's measurements 1 and 2
// (deferred_benchmark.h): the latency of each statement on a C thread
// without the GIL, timed alone with the TSC, next to snprintf of the same
// format; and the statement throughput of one and of two producer threads.
#include "testing/benchmarks/deferred_benchmark.h"

#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define DEFERRED_BENCHMARK_RDTSC 1
#endif

#include <algorithm>
#include <fstream>

namespace pylog_bench {
namespace {

// ------------------------------------------------------------------------
// 1. Latency of each statement.

#ifdef DEFERRED_BENCHMARK_RDTSC
// The TSC, fenced so that the timed region neither starts before what
// precedes it has finished nor ends before its own instructions have.
inline uint64_t TicksBegin() {
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
}
inline uint64_t TicksEnd() {
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
}
#else  // elsewhere: the monotonic clock, in nanoseconds
inline uint64_t TicksBegin() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<uint64_t>(t.tv_sec) * 1000000000u +
           static_cast<uint64_t>(t.tv_nsec);
}
inline uint64_t TicksEnd() { return TicksBegin(); }
#endif

// A tick and the monotonic clock read together (the clock between two
// ticks), to calibrate ticks against nanoseconds over a whole run.
struct TickClock {
    double ticks, ns;
};
TickClock ReadTickClock() {
    uint64_t before = TicksBegin();
    double now = Now();
    uint64_t after = TicksEnd();
    return {0.5 * static_cast<double>(before) + 0.5 * static_cast<double>(after),
            now * 1e9};
}

}  // namespace

// Else the latencies are doubtful: the summary says so.
bool TscInvariant() {
#ifdef DEFERRED_BENCHMARK_RDTSC
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.compare(0, 5, "flags") == 0) {
            return line.find(" constant_tsc") != std::string::npos &&
                   line.find(" nonstop_tsc") != std::string::npos;
        }
    }
#endif
    return false;
}

namespace {

// The timed regions of one latency run, in ticks, one per call.
struct Samples {
    std::vector<uint64_t> empty, pylog, snprintf;
    size_t n = 0;
};

// One batch on the calling thread: `count` empty timed regions, then as
// many statements, then as many snprintf calls, each timed alone.
void LatencyBatch(Samples *s, long count) {
    size_t n = s->n;
    for (long k = 0; k < count; k++) {
        uint64_t t0 = TicksBegin();
        benchmark::ClobberMemory();
        uint64_t t1 = TicksEnd();
        s->empty[n + k] = t1 - t0;
    }
    for (long k = 0; k < count; k++) {
        uint64_t t0 = TicksBegin();
        Statement(static_cast<int>(k));
        uint64_t t1 = TicksEnd();
        s->pylog[n + k] = t1 - t0;
    }
    char buf[128];
    for (long k = 0; k < count; k++) {
        uint64_t t0 = TicksBegin();
        Snprintf(buf, sizeof buf, static_cast<int>(k));
        benchmark::DoNotOptimize(buf);
        uint64_t t1 = TicksEnd();
        s->snprintf[n + k] = t1 - t0;
    }
    s->n = n + static_cast<size_t>(count);
}

// The counter's resolution as the samples show it: the greatest common
// divisor of every timed region, in ticks (a VM's TSC may advance in steps
// of many ticks; then every figure is a multiple of the step, give or
// take the subtracted overhead).
uint64_t TickStep(const Samples &s) {
    uint64_t step = 0;
    for (const std::vector<uint64_t> *v : {&s.empty, &s.pylog, &s.snprintf}) {
        for (uint64_t t : *v) {
            while (t != 0) {  // Euclid: step = gcd(step, t)
                uint64_t r = step % t;
                step = t;
                t = r;
            }
        }
    }
    return step;
}

// The mean of the fastest 99.9 % of `ticks` (sorted in place): not
// quantized by the counter's steps, and not moved by the few regions that
// a preemption or an interrupt made thousands of times longer.
double TrimmedMean(std::vector<uint64_t> &ticks) {
    std::sort(ticks.begin(), ticks.end());
    size_t n = std::max<size_t>(1, ticks.size() - ticks.size() / 1000);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += static_cast<double>(ticks[i]);
    }
    return sum / static_cast<double>(n);
}

// The q-quantile of `ticks` (sorted in place), minus `overhead`, in ns.
double Quantile(std::vector<uint64_t> &ticks, double q, double overhead,
                double ticks_per_ns) {
    std::sort(ticks.begin(), ticks.end());
    size_t at = std::min(ticks.size() - 1,
                         static_cast<size_t>(q * static_cast<double>(ticks.size())));
    return std::max(0.0, static_cast<double>(ticks[at]) - overhead) /
           ticks_per_ns;
}

}  // namespace

// `batches` batches on one worker; between them (untimed) pylog_flush().
// held: the main thread keeps the GIL throughout, so nothing is delivered
// during a batch (the flush, holding the GIL, delivers); else it releases
// the GIL, and pylog's delivery thread delivers on the other core while
// the batch runs. A batch is far below the buffer's capacity.
void Latency(benchmark::State &state, const Tuning *tuning, bool held) {
    const long batch = tuning->latency_batch;
    const size_t total = static_cast<size_t>(tuning->latency_batches * batch);
    Samples s;
    s.empty.assign(total, 0);  // touched now, not in the timed regions
    s.pylog.assign(total, 0);
    s.snprintf.assign(total, 0);
    Workers worker = MakeWorkers(1);
    WarmUp(worker);
    pylog_stats before = Stats();
    TickClock start = ReadTickClock();
    for (auto _ : state) {
        PyThreadState *saved = held ? nullptr : PyEval_SaveThread();
        for (long b = 0; b < tuning->latency_batches; b++) {
            RunAll(worker, [&s, batch](int) { LatencyBatch(&s, batch); });
            pylog_flush();
        }
        if (saved != nullptr) {
            PyEval_RestoreThread(saved);
        }
    }
    TickClock end = ReadTickClock();
    uint64_t dropped = Account(state, before, total);
    dropped_latency[held] += dropped;
    double ticks_per_ns = (end.ticks - start.ticks) / (end.ns - start.ns);
    double overhead = Quantile(s.empty, 0.5, 0, 1);  // ticks
    double empty_mean = TrimmedMean(s.empty);
    auto &c = state.counters;
    c["empty_ns"] = overhead / ticks_per_ns;
    c["ghz"] = ticks_per_ns;
    c["step_ns"] = static_cast<double>(TickStep(s)) / ticks_per_ns;
    c["mean_ns"] = (TrimmedMean(s.pylog) - empty_mean) / ticks_per_ns;
    c["snprintf_mean_ns"] =
        (TrimmedMean(s.snprintf) - empty_mean) / ticks_per_ns;
    c["median_ns"] = Quantile(s.pylog, 0.5, overhead, ticks_per_ns);
    c["p99_ns"] = Quantile(s.pylog, 0.99, overhead, ticks_per_ns);
    c["p999_ns"] = Quantile(s.pylog, 0.999, overhead, ticks_per_ns);
    c["snprintf_median_ns"] = Quantile(s.snprintf, 0.5, overhead, ticks_per_ns);
    c["snprintf_p99_ns"] = Quantile(s.snprintf, 0.99, overhead, ticks_per_ns);
    c["snprintf_p999_ns"] = Quantile(s.snprintf, 0.999, overhead, ticks_per_ns);
    c["statements"] = static_cast<double>(total);
    c["dropped"] = static_cast<double>(dropped);
}

// ------------------------------------------------------------------------
// 2. Throughput of one and of two producer threads.

// Each of `threads` workers runs `throughput_batch` statements per batch,
// all at once; a batch's wall time is from the first thread's start to
// the last one's end (each reads the clock itself). Between batches,
// untimed, pylog_flush(). held: as in Latency.
void Throughput(benchmark::State &state, const Tuning *tuning, int threads,
                bool held) {
    const long batch = tuning->throughput_batch;
    Workers workers = MakeWorkers(threads);
    WarmUp(workers);
    pylog_stats before = Stats();
    std::vector<double> start(threads), end(threads), cpu(threads);
    double wall = 0, cpu_total = 0;
    for (auto _ : state) {
        PyThreadState *saved = held ? nullptr : PyEval_SaveThread();
        for (long b = 0; b < tuning->throughput_batches; b++) {
            RunAll(workers, [&](int t) {
                double cpu0 = ThreadCpu();
                start[t] = Now();
                for (long k = 0; k < batch; k++) {
                    Statement(static_cast<int>(k));
                }
                end[t] = Now();
                cpu[t] = ThreadCpu() - cpu0;
            });
            wall += *std::max_element(end.begin(), end.end()) -
                    *std::min_element(start.begin(), start.end());
            for (double seconds : cpu) {
                cpu_total += seconds;
            }
            pylog_flush();
        }
        if (saved != nullptr) {
            PyEval_RestoreThread(saved);
        }
        state.SetIterationTime(wall);
    }
    double statements =
        static_cast<double>(threads * tuning->throughput_batches * batch);
    uint64_t dropped =
        Account(state, before, static_cast<uint64_t>(statements));
    dropped_throughput[held][threads] += dropped;
    state.counters["items_per_second"] = statements / wall;
    state.counters["cpu_ns"] = cpu_total * 1e9 / statements;
    state.counters["dropped"] = static_cast<double>(dropped);
}

}  // namespace pylog_bench
