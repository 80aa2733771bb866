// deferred_benchmark.cc: the figures of issue 14 ("Deferred capture"): a
// statement with three arguments on a C thread without the GIL, each figure
// next to its comparison in the same process, then a summary table in the
// format of RESULTS.md (Markdown, ready to paste):
//   1. latency of each statement (rdtsc per call) vs snprintf of the same
//      format into a stack buffer;
//   2. statement throughput of two producer threads vs one;
//   3. end to end: records delivered per second to a no-op Python handler
//      from C threads vs one Python thread calling logger.info;
//   4. memory, as RSS growth of the process (pylog's layout is not seen).
//
//   bazel run -c opt //testing/benchmarks:deferred_benchmark [-- FLAGS]
//   deferred_benchmark --smoke    every benchmark briefly (the smoke test)
// Other flags are Google Benchmark's (--benchmark_filter=..., ...).
//
// Only pylog's public API is used. The binary owns its interpreter:
// Py_InitializeEx(0), pylog installed once with pylog_config_init()'s
// defaults (PYLOG_DELIVERY_AUTO) except env_var = NULL and a queue of
// kQueueCapacity records; the main thread holds the GIL except where a
// benchmark releases it. The statements run on Worker threads: C threads
// that Python never saw (no thread state). Python side: logger "bench"
// (this unit's PYLOG_TARGET) at level INFO, not propagating, with one
// handler whose emit() does nothing.
#define PYLOG_TARGET "bench"
#include "pylog/pylog.h"

#include <benchmark/benchmark.h>
#include <dirent.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define DEFERRED_BENCHMARK_RDTSC 1
#endif

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/benchmarks/summary.h"

namespace pylog_bench {
namespace {

// The statement under test and its snprintf counterpart: %d, %f and a
// 16-byte %s (not a constant, as a caller's string would not be).
char name16[] = "name-of-16-bytes";
static_assert(sizeof name16 == 17, "name16 has 16 characters");

inline void Statement(int i) {
    PYLOG_INFO("value %d ratio %f name %s", i, 3.25, name16);
}

inline void Snprintf(char *buf, size_t size, int i) {
    std::snprintf(buf, size, "value %d ratio %f name %s", i, 3.25, name16);
}

// The Python side, run in __main__ once; timeit_info(number) runs the same
// statement through logging `number` times in timeit's loop.
const char kPythonSetUp[] = R"(
import logging, timeit

class NoOpHandler(logging.Handler):
    def emit(self, record):
        pass

bench_logger = logging.getLogger("bench")
bench_logger.setLevel(logging.INFO)
bench_logger.propagate = False
bench_logger.addHandler(NoOpHandler())
timeit_info = timeit.Timer(
    'logger.info("value %d ratio %f name %s", i, 3.25, name)',
    globals={"logger": bench_logger, "i": 7, "name": "name-of-16-bytes"},
).timeit
)";

// Holds every batch of every benchmark below with room to spare (and
// memory's records while nothing is delivered), so no statement meets a
// full queue.
const size_t kQueueCapacity = 1 << 18;
// Each thread's buffer: ~10000 records of the statement below (96 bytes
// each), more than a throughput batch.
const size_t kBufferBytes = 1 << 20;

// How much each benchmark does: the full run, or --smoke.
struct Tuning {
    long latency_batches, latency_batch;        // statements per batch
    long throughput_batches, throughput_batch;  // per thread
    long end_to_end_records;                    // all threads together
    long timeit_number;
    double min_time;  // seconds, for the Python side; 0: the default
    int repetitions;  // of throughput and end to end (medians)
    long memory_records;  // per thread
};
const Tuning kFull = {256, 4096, 32, 8192, 1 << 17, 1000, 0, 3, 2048};
const Tuning kSmoke = {2, 256, 2, 256, 2048, 10, 0.001, 2, 64};
const int kEndToEndThreads = 2;
const int kMemoryThreads = 8;

// Benchmark names, shared by the registration and the summary.
const char kLatency[] = "deferred/latency/c_thread";
const char kLatencyHeld[] = "deferred/latency/c_thread_delivery_held";
const char kThroughput[] = "deferred/throughput";
const char kThroughputHeld[] = "deferred/throughput_delivery_held";
const char kEndToEnd[] = "deferred/end_to_end/c_threads";
const char kPyEndToEnd[] = "deferred/end_to_end/python_timeit";
const char kMemory[] = "deferred/memory";

std::string Threads(const char *base, int threads) {
    return std::string(base) + "/threads:" + std::to_string(threads);
}

// Statements dropped, over all runs of a benchmark (a drop is reported in
// the table, never hidden).
uint64_t dropped_latency[2], dropped_throughput[2][3], dropped_end_to_end;

pylog_stats Stats() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats;
}

// Fails the run unless every one of `statements` since `before` was either
// emitted or dropped (counted); returns the dropped ones.
uint64_t Account(benchmark::State &state, const pylog_stats &before,
                 uint64_t statements) {
    pylog_stats now = Stats();
    uint64_t emitted = now.emitted - before.emitted;
    uint64_t dropped = now.dropped - before.dropped;
    if (emitted + dropped != statements || now.errors != before.errors) {
        state.SkipWithError("statements neither emitted nor dropped");
    }
    return dropped;
}

double Now() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double ThreadCpu() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// A C thread (std::thread is a pthread; Python never sees it, so it has
// no thread state) that runs one job at a time when told to.
class Worker {
  public:
    Worker() : thread_(&Worker::Loop, this) {}
    ~Worker() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            quit_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    void Start(std::function<void()> job) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = std::move(job);
            pending_ = true;
        }
        cv_.notify_all();
    }
    void Wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return !pending_; });
    }

  private:
    void Loop() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            cv_.wait(lock, [this] { return pending_ || quit_; });
            if (!pending_) {
                return;
            }
            lock.unlock();
            job_();
            lock.lock();
            pending_ = false;
            cv_.notify_all();
        }
    }
    std::mutex mutex_;
    std::condition_variable cv_;
    std::function<void()> job_;
    bool pending_ = false, quit_ = false;
    std::thread thread_;  // last: starts once the rest is built
};

using Workers = std::vector<std::unique_ptr<Worker>>;

Workers MakeWorkers(int n) {
    Workers workers;
    for (int i = 0; i < n; i++) {
        workers.emplace_back(new Worker);
    }
    return workers;
}

// Runs job(index) on every worker at once and waits for all of them.
void RunAll(Workers &workers, const std::function<void(int)> &job) {
    for (size_t i = 0; i < workers.size(); i++) {
        workers[i]->Start([&job, i] { job(static_cast<int>(i)); });
    }
    for (auto &worker : workers) {
        worker->Wait();
    }
}

// Each worker's first statements, untimed: pylog makes the thread's
// buffer, and they go round all of its memory (so no timed statement is
// the first to touch a page of it), with flushes between rounds.
void WarmUp(Workers &workers) {
    const long kRound = 2048;
    for (size_t done = 0; done < 2 * kBufferBytes / 64; done += kRound) {
        RunAll(workers, [](int) {
            for (long k = 0; k < kRound; k++) {
                Statement(static_cast<int>(k));
            }
        });
        pylog_flush();
    }
}

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

// Whether /proc/cpuinfo says the TSC is invariant (else the latencies
// are doubtful: the summary says so).
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

// `batches` batches on one worker; between them (untimed) pylog_flush().
// held: the main thread keeps the GIL throughout, so nothing is delivered
// during a batch (the flush, holding the GIL, delivers); else it releases
// the GIL, and pylog's delivery thread delivers on the other core while
// the batch runs. A batch is far below the queue's capacity.
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

// ------------------------------------------------------------------------
// 3. End to end.

// The CPU time (ns) that pylog's delivery thread has used, found by its
// name among the process's threads (/proc/self/task/*/comm; schedstat's
// first field); -1 when there is none.
double DeliveryThreadCpuNs() {
    DIR *dir = opendir("/proc/self/task");
    double ns = -1;
    if (dir == nullptr) {
        return ns;
    }
    while (dirent *entry = readdir(dir)) {
        std::string task = std::string("/proc/self/task/") + entry->d_name;
        std::ifstream comm(task + "/comm");
        std::string name;
        if (std::getline(comm, name) && name == "pylog-delivery") {
            std::ifstream schedstat(task + "/schedstat");
            if (!(schedstat >> ns)) {
                ns = -1;
            }
            break;
        }
    }
    closedir(dir);
    return ns;
}

// kEndToEndThreads workers log end_to_end_records statements in all, as
// fast as they can, while pylog's delivery thread delivers (the main
// thread waits without the GIL); timed from their start until
// pylog_flush() has returned, i.e. until every record was handed to the
// handler.
void EndToEnd(benchmark::State &state, const Tuning *tuning) {
    const long each = tuning->end_to_end_records / kEndToEndThreads;
    const uint64_t records = static_cast<uint64_t>(each * kEndToEndThreads);
    Workers workers = MakeWorkers(kEndToEndThreads);
    WarmUp(workers);
    pylog_stats before = Stats();
    double seconds = 0, producers_cpu = 0, delivery_cpu = 0;
    for (auto _ : state) {
        double delivery0 = DeliveryThreadCpuNs();
        std::vector<double> cpu(kEndToEndThreads);
        double start = Now();
        PyThreadState *saved = PyEval_SaveThread();
        RunAll(workers, [&](int t) {
            double cpu0 = ThreadCpu();
            for (long k = 0; k < each; k++) {
                Statement(static_cast<int>(k));
            }
            cpu[t] = ThreadCpu() - cpu0;
        });
        int flushed = pylog_flush();
        seconds = Now() - start;
        PyEval_RestoreThread(saved);
        delivery_cpu = DeliveryThreadCpuNs() - delivery0;
        producers_cpu = cpu[0] + cpu[1];
        state.SetIterationTime(seconds);
        if (flushed != PYLOG_OK) {
            state.SkipWithError("pylog_flush() failed");
        }
    }
    uint64_t dropped = Account(state, before, records);
    dropped_end_to_end += dropped;
    double delivered = static_cast<double>(records - dropped);
    state.counters["delivered_per_second"] = delivered / seconds;
    state.counters["producers_cpu_ns"] = producers_cpu * 1e9 / delivered;
    state.counters["delivery_cpu_ns"] =
        DeliveryThreadCpuNs() < 0 ? -1 : delivery_cpu / delivered;
    state.counters["dropped"] = static_cast<double>(dropped);
}

// The same statement from one Python thread: timeit_info(number) per
// iteration (main thread, GIL held); the summary divides by "calls".
void PythonEndToEnd(benchmark::State &state, const Tuning *tuning) {
    PyObject *main = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *timer = PyDict_GetItemString(main, "timeit_info");  // borrowed
    PyObject *number = PyLong_FromLong(tuning->timeit_number);
    if (timer == nullptr || number == nullptr) {
        state.SkipWithError("setup failed");
    }
    for (auto _ : state) {
        PyObject *result =
            PyObject_CallFunctionObjArgs(timer, number, nullptr);
        if (result == nullptr) {
            PyErr_Print();
            state.SkipWithError("timeit raised");
            break;
        }
        Py_DECREF(result);
    }
    Py_XDECREF(number);
    state.counters["calls"] = static_cast<double>(tuning->timeit_number);
}

// ------------------------------------------------------------------------
// 4. Memory, as the process's resident and virtual size.

struct Size {
    double resident, virt;  // bytes
};
Size ProcessSize() {
    std::ifstream statm("/proc/self/statm");
    double pages = 0, resident = 0;
    statm >> pages >> resident;
    double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    return {resident * page, pages * page};
}

// One statement from a thread of its own (and a flush) first. Then
// kMemoryThreads workers, each with its stack and malloc arena in use
// before the baseline (a malloc and an snprintf of the format), and free
// heap memory given back (malloc_trim) so that reused memory shows as
// growth. The main thread keeps the GIL throughout, so pylog cannot
// deliver: each worker logs one statement (the thread's first), then
// memory_records - 1 more; the workers end; then a flush delivers.
void Memory(benchmark::State &state, const Tuning *tuning) {
    const long each = tuning->memory_records;
    auto &c = state.counters;
    for (auto _ : state) {
        // pylog's delivery thread, if it starts on a first statement
        // without the GIL, starts here (its stack is not a worker's cost).
        Workers first_ever = MakeWorkers(1);
        WarmUp(first_ever);
        first_ever.clear();
        Workers workers = MakeWorkers(kMemoryThreads);
        RunAll(workers, [](int) {
            char buf[128];
            Snprintf(buf, sizeof buf, 0);
            benchmark::DoNotOptimize(buf);
            void *block = std::malloc(64);
            benchmark::DoNotOptimize(block);
            std::free(block);
        });
        pylog_flush();
        malloc_trim(0);
        pylog_stats before = Stats();
        Size base = ProcessSize();
        RunAll(workers, [](int) { Statement(0); });
        Size first = ProcessSize();
        RunAll(workers, [each](int) {
            for (long k = 1; k < each; k++) {
                Statement(static_cast<int>(k));
            }
        });
        Size logged = ProcessSize();
        uint64_t dropped = Stats().dropped - before.dropped;
        workers.clear();  // the threads end, their records not delivered
        Size ended = ProcessSize();
        pylog_flush();
        malloc_trim(0);
        Size drained = ProcessSize();
        Account(state, before, static_cast<uint64_t>(kMemoryThreads * each));
        double buffered = static_cast<double>(kMemoryThreads * each) -
                          static_cast<double>(dropped) - kMemoryThreads;
        c["thread_rss"] = (first.resident - base.resident) / kMemoryThreads;
        c["thread_vm"] = (first.virt - base.virt) / kMemoryThreads;
        c["record_rss"] = (logged.resident - first.resident) / buffered;
        c["ended_rss"] = ended.resident - base.resident;
        c["drained_rss"] = drained.resident - base.resident;
        c["dropped"] = static_cast<double>(dropped);
    }
}

// ------------------------------------------------------------------------
// Registration, in the order of the summary. Memory runs first, while the
// heap has seen the least.

void Register(const Tuning *tuning) {
    using benchmark::RegisterBenchmark;
    RegisterBenchmark(kMemory, Memory, tuning)->Iterations(1);
    RegisterBenchmark(kLatency, Latency, tuning, false)->Iterations(1);
    RegisterBenchmark(kLatencyHeld, Latency, tuning, true)->Iterations(1);
    for (bool held : {false, true}) {
        for (int threads : {1, 2}) {
            RegisterBenchmark(
                Threads(held ? kThroughputHeld : kThroughput, threads).c_str(),
                Throughput, tuning, threads, held)
                ->Iterations(1)
                ->UseManualTime()
                ->Repetitions(tuning->repetitions)
                ->ReportAggregatesOnly();
        }
    }
    RegisterBenchmark(kEndToEnd, EndToEnd, tuning)
        ->Iterations(1)
        ->UseManualTime()
        ->Repetitions(tuning->repetitions)
        ->ReportAggregatesOnly();
    auto python = RegisterBenchmark(kPyEndToEnd, PythonEndToEnd, tuning);
    if (tuning->min_time > 0) {
        python->MinTime(tuning->min_time);
    }
    python->Repetitions(tuning->repetitions)->ReportAggregatesOnly();
}

// ------------------------------------------------------------------------
// The summary table. The "python" column holds the comparison named in the
// measure (snprintf, or Python's logger.info).

std::string Times(double ratio, const char *what) {
    if (std::isnan(ratio)) {
        return "n/a";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", ratio);
    return (ratio < 1 ? std::string(text) : Number(ratio)) + "x " + what;
}

std::string Dropped(uint64_t dropped) {
    return "dropped " + std::to_string(dropped);
}

std::vector<Row> Summarize(const Results &r, const Tuning &tuning) {
    std::vector<Row> rows;
    for (bool held : {false, true}) {
        const char *name = held ? kLatencyHeld : kLatency;
        std::string where =
            held ? "C thread, delivery held off" : "C thread, delivery running";
        auto c = [&](const char *counter) {
            return r.Counter(name, counter, 1, "");
        };
        double median = c("median_ns"), reference = c("snprintf_median_ns");
        uint64_t dropped = dropped_latency[held];
        rows.push_back({"latency, " + where + ", median ns (vs snprintf)",
                        Number(median), Number(reference),
                        Times(median / reference, "snprintf") + ", " +
                            Dropped(dropped),
                        "≤25 ns, ≤0.25x snprintf, 0 dropped",
                        Met(median > 0 && reference > 0,
                            median <= 25 && median / reference <= 0.25 &&
                                dropped == 0)});
        double mean = c("mean_ns"), reference_mean = c("snprintf_mean_ns");
        rows.push_back({"latency, " + where + ", mean of the fastest 99.9 %, ns (vs snprintf)",
                        Number(mean), Number(reference_mean),
                        Times(mean / reference_mean, "snprintf"), "reported",
                        "-"});
        rows.push_back({"latency, " + where + ", p99 ns (vs snprintf)",
                        Number(c("p99_ns")), Number(c("snprintf_p99_ns")),
                        Times(c("p99_ns") / c("snprintf_p99_ns"), "snprintf"),
                        "reported", "-"});
        double p999 = c("p999_ns");
        rows.push_back({"latency, " + where + ", p99.9 ns (vs snprintf)",
                        Number(p999), Number(c("snprintf_p999_ns")),
                        Times(p999 / c("snprintf_p999_ns"), "snprintf"),
                        "≤500 ns", Met(!std::isnan(p999), p999 <= 500)});
        rows.push_back({"latency, " + where +
                            ": empty timed region (subtracted), ns; counter",
                        Number(c("empty_ns")), "-",
                        Number(c("ghz")) + " GHz, steps of " +
                            Number(c("step_ns")) + " ns" +
                            (TscInvariant() ? "" : " (TSC not invariant)"),
                        "reported", "-"});
    }
    for (bool held : {false, true}) {
        const char *base = held ? kThroughputHeld : kThroughput;
        std::string where = held ? "delivery held off" : "delivery running";
        double one = r.Counter(Threads(base, 1), "items_per_second");
        double two = r.Counter(Threads(base, 2), "items_per_second");
        double cpu_one = r.Counter(Threads(base, 1), "cpu_ns");
        double cpu_two = r.Counter(Threads(base, 2), "cpu_ns");
        uint64_t drop_one = dropped_throughput[held][1];
        uint64_t drop_two = dropped_throughput[held][2];
        rows.push_back({"throughput, " + where +
                            ", 1 C thread (statements/s)",
                        Count(one), "-", Dropped(drop_one), "0 dropped",
                        Met(one > 0, drop_one == 0)});
        rows.push_back({"throughput, " + where +
                            ", 2 C threads (statements/s, both)",
                        Count(two), "-",
                        Times(two / one, "1 thread") + ", " +
                            Dropped(drop_two),
                        "≥1.8x, 0 dropped",
                        Met(one > 0 && two > 0,
                            two / one >= 1.8 && drop_two == 0)});
        rows.push_back({"throughput, " + where +
                            ", CPU ns per statement, 2 threads (1 thread)",
                        Number(cpu_two) + " (" + Number(cpu_one) + ")", "-",
                        Times(2 * cpu_one / cpu_two, "a core each"),
                        "≥1.8x", Met(cpu_one > 0 && cpu_two > 0,
                                     2 * cpu_one / cpu_two >= 1.8)});
    }
    double delivered = r.Counter(kEndToEnd, "delivered_per_second");
    double python = 1e9 / r.Ns(kPyEndToEnd);
    rows.push_back({"end to end, " + std::to_string(kEndToEndThreads) +
                        " C threads to the no-op handler (records/s) vs "
                        "logger.info in timeit",
                    Count(delivered), Count(python),
                    Times(delivered / python, "python") + ", " +
                        Dropped(dropped_end_to_end),
                    "≥3x, 0 dropped",
                    Met(delivered > 0 && python > 0,
                        delivered / python >= 3 && dropped_end_to_end == 0)});
    double delivery_cpu = r.Counter(kEndToEnd, "delivery_cpu_ns");
    rows.push_back({"end to end, CPU ns per record: producers; delivery "
                    "thread",
                    Number(r.Counter(kEndToEnd, "producers_cpu_ns")) + "; " +
                        (delivery_cpu < 0 ? std::string("not found")
                                          : Number(delivery_cpu)),
                    "-", "-", "reported", "-"});
    auto m = [&](const char *counter) {
        return r.Counter(kMemory, counter, 1, "");
    };
    std::string threads = std::to_string(kMemoryThreads);
    std::string records = std::to_string(tuning.memory_records);
    rows.push_back({"memory, measured RSS growth per thread at its first "
                    "statement (" + threads + " threads; virtual size growth)",
                    Count(m("thread_rss")) + " B (" + Count(m("thread_vm")) +
                        " B)", "-", "-", "reported", "-"});
    rows.push_back({"memory, measured RSS growth per buffered record (" +
                        records + " per thread, delivery held off)",
                    Number(m("record_rss")) + " B", "-",
                    Dropped(static_cast<uint64_t>(m("dropped"))), "reported",
                    "-"});
    rows.push_back({"memory, measured RSS growth: threads ended, undelivered; "
                    "after flush and malloc_trim",
                    Count(m("ended_rss")) + " B; " + Count(m("drained_rss")) +
                        " B",
                    "-", "-", "reported", "-"});
    return rows;
}

// Removes `flag` from argv; true when it was there.
bool TakeFlag(int *argc, char **argv, const char *flag) {
    for (int i = 1; i < *argc; i++) {
        if (std::strcmp(argv[i], flag) == 0) {
            for (int j = i; j < *argc; j++) {
                argv[j] = argv[j + 1];
            }
            --*argc;
            return true;
        }
    }
    return false;
}

// Installs pylog as the header comment says. GIL: held.
bool Install() {
    pylog_config config;
    pylog_config_init(&config);
    config.env_var = nullptr;
    config.delivery = PYLOG_DELIVERY_AUTO;
    config.queue_capacity = kQueueCapacity;
    config.thread_buffer_bytes = kBufferBytes;
    if (pylog_install(&config) != 0) {
        PyErr_Print();
        return false;
    }
    return true;
}

}  // namespace
}  // namespace pylog_bench

int main(int argc, char **argv) {
    using namespace pylog_bench;
    bool smoke = TakeFlag(&argc, argv, "--smoke");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    Py_InitializeEx(0);
    PyObject *main_dict = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *done =
        PyRun_String(kPythonSetUp, Py_file_input, main_dict, main_dict);
    if (done == nullptr) {
        PyErr_Print();
        return 1;
    }
    Py_DECREF(done);
    if (!Install()) {
        return 1;
    }
    const Tuning &tuning = smoke ? kSmoke : kFull;
    Register(&tuning);
    Results results;
    benchmark::RunSpecifiedBenchmarks(&results);
    std::string version = Py_GetVersion();
    std::printf("\npython %s, pylog %d.%d.%d%s\n",
                version.substr(0, version.find(' ')).c_str(),
                PYLOG_VERSION_MAJOR, PYLOG_VERSION_MINOR, PYLOG_VERSION_PATCH,
                smoke ? ", --smoke (numbers mean nothing)" : "");
    PrintTable(Summarize(results, tuning));
    int status = Py_FinalizeEx() < 0 ? 1 : 0;
    benchmark::Shutdown();
    return status;
}
