// deferred_harness.cc: the shared parts of deferred_benchmark
// (deferred_benchmark.h): the statement's string, the tunings and names,
// the accounting of statements, the clocks and the worker threads.
#include "testing/benchmarks/deferred_benchmark.h"

#include <time.h>

namespace pylog_bench {

char name16[17] = "name-of-16-bytes";

const Tuning kFull = {256, 4096, 32, 8192, 0.5, 1000, 0, 3, 2048, 64, 4096};
const Tuning kSmoke = {2, 256, 2, 256, 0.01, 10, 0.001, 2, 64, 2, 256};

const char kLatency[] = "deferred/latency/c_thread";
const char kLatencyHeld[] = "deferred/latency/c_thread_delivery_held";
const char kThroughput[] = "deferred/throughput";
const char kThroughputHeld[] = "deferred/throughput_delivery_held";
const char kEndToEnd[] = "deferred/end_to_end/c_threads";
const char kPyEndToEnd[] = "deferred/end_to_end/python_timeit";
const char kMemory[] = "deferred/memory";
const char kDrain[] = "deferred/drain";

std::string Threads(const char *base, int threads) {
    return std::string(base) + "/threads:" + std::to_string(threads);
}

uint64_t dropped_latency[2], dropped_throughput[2][3], dropped_end_to_end[3];

pylog_stats Stats() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats;
}

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

Worker::~Worker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Worker::Start(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = std::move(job);
        pending_ = true;
    }
    cv_.notify_all();
}

void Worker::Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return !pending_; });
}

void Worker::Loop() {
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

Workers MakeWorkers(int n) {
    Workers workers;
    for (int i = 0; i < n; i++) {
        workers.emplace_back(new Worker);
    }
    return workers;
}

void RunAll(Workers &workers, const std::function<void(int)> &job) {
    for (size_t i = 0; i < workers.size(); i++) {
        workers[i]->Start([&job, i] { job(static_cast<int>(i)); });
    }
    for (auto &worker : workers) {
        worker->Wait();
    }
}

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

}  // namespace pylog_bench
