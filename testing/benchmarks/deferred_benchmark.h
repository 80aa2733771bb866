// deferred_benchmark.h: what the units of deferred_benchmark (issue 14,
// "Deferred capture") share: the statement under test and its snprintf
// counterpart, the run's tuning, the benchmark names, the worker threads
// that log, the check that every statement was emitted or dropped, and
// each measurement family's benchmark functions:
//   deferred_latency.cc    1. latency per statement, 2. throughput
//   deferred_delivery.cc   3. end to end, and where the delivery time goes
//   deferred_memory.cc     4. memory
//   deferred_benchmark.cc  registration, summary table, main()
// The setup every benchmark assumes is in deferred_benchmark.cc's header
// comment.
#ifndef PYLOG_TESTING_BENCHMARKS_DEFERRED_BENCHMARK_H_
#define PYLOG_TESTING_BENCHMARKS_DEFERRED_BENCHMARK_H_

#define PYLOG_TARGET "bench"
#include "pylog/pylog.h"

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pylog_bench {

// The statement under test and its snprintf counterpart: %d, %f and a
// 16-byte %s (not a constant, as a caller's string would not be).
extern char name16[17];
#define DEFERRED_BENCHMARK_FORMAT "value %d ratio %f name %s"

inline void Statement(int i) {
    PYLOG_INFO(DEFERRED_BENCHMARK_FORMAT, i, 3.25, name16);
}

inline void Snprintf(char *buf, size_t size, int i) {
    std::snprintf(buf, size, DEFERRED_BENCHMARK_FORMAT, i, 3.25, name16);
}

// Holds every batch of every benchmark with room to spare (and memory's
// records while nothing is delivered), so no statement meets a full
// buffer, except end to end's, which produce without pause.
const size_t kQueueCapacity = 1 << 18;
// Each thread's buffer: ~10000 records of the statement (96 bytes each),
// more than a throughput batch.
const size_t kBufferBytes = 1 << 20;

// How much each benchmark does: the full run, or --smoke.
struct Tuning {
    long latency_batches, latency_batch;        // statements per batch
    long throughput_batches, throughput_batch;  // per thread
    double end_to_end_window;  // seconds of producing, per repetition
    long timeit_number;
    double min_time;  // seconds, for the Python side; 0: the default
    int repetitions;  // of throughput, end to end, drain (medians)
    long memory_records;  // per thread
    long drain_rounds, drain_records;  // records per round, below the buffer
};
extern const Tuning kFull, kSmoke;
const int kMemoryThreads = 8;

// Benchmark names, shared by the registration and the summary.
extern const char kLatency[], kLatencyHeld[], kThroughput[],
    kThroughputHeld[], kEndToEnd[], kPyEndToEnd[], kMemory[], kDrain[];
// "base/threads:N".
std::string Threads(const char *base, int threads);

// Statements dropped, over all runs of a benchmark (a drop is reported in
// the table, never hidden); indexed [held] and [held][threads], [threads].
extern uint64_t dropped_latency[2], dropped_throughput[2][3],
    dropped_end_to_end[3];

pylog_stats Stats();
// Fails the run unless every one of `statements` since `before` was either
// emitted or dropped (counted), and no error was counted; returns the
// dropped ones.
uint64_t Account(benchmark::State &state, const pylog_stats &before,
                 uint64_t statements);
// CLOCK_MONOTONIC and CLOCK_THREAD_CPUTIME_ID, in seconds.
double Now();
double ThreadCpu();

// A C thread (std::thread is a pthread; Python never sees it, so it has
// no thread state) that runs one job at a time when told to.
class Worker {
  public:
    Worker() : thread_(&Worker::Loop, this) {}
    ~Worker();
    void Start(std::function<void()> job);
    void Wait();

  private:
    void Loop();
    std::mutex mutex_;
    std::condition_variable cv_;
    std::function<void()> job_;
    bool pending_ = false, quit_ = false;
    std::thread thread_;  // last: starts once the rest is built
};

using Workers = std::vector<std::unique_ptr<Worker>>;

Workers MakeWorkers(int n);
// Runs job(index) on every worker at once and waits for all of them.
void RunAll(Workers &workers, const std::function<void(int)> &job);
// Each worker's first statements, untimed: pylog makes the thread's
// buffer, and they go round all of its memory (so no timed statement is
// the first to touch a page of it), with flushes between rounds.
void WarmUp(Workers &workers);

// Whether /proc/cpuinfo says the TSC is invariant (deferred_latency.cc).
bool TscInvariant();

// The benchmarks, one file per family.
void Latency(benchmark::State &state, const Tuning *tuning, bool held);
void Throughput(benchmark::State &state, const Tuning *tuning, int threads,
                bool held);
void EndToEnd(benchmark::State &state, const Tuning *tuning, int threads);
void PythonEndToEnd(benchmark::State &state, const Tuning *tuning);
// The kinds of statement whose delivery Drain times.
enum DrainKind { kDrainDeferred, kDrainFormatted, kDrainConstant,
                 kDrainKinds };
extern const char *const kDrainKindNames[kDrainKinds];
void Drain(benchmark::State &state, const Tuning *tuning, DrainKind kind);
void SnprintfAlone(benchmark::State &state, const Tuning *tuning);
void Memory(benchmark::State &state, const Tuning *tuning);

}  // namespace pylog_bench

#endif  // PYLOG_TESTING_BENCHMARKS_DEFERRED_BENCHMARK_H_
