// deferred_delivery.cc: deferred_benchmark's measurement 3
// (deferred_benchmark.h): end to end, records delivered per second to the
// no-op Python handler while C threads produce without pause, next to one
// Python thread's logger.info; and where the delivery time goes: a flush
// of queued records timed per record for a deferred statement, the same
// text formatted at the call, and a constant text, next to snprintf of the
// same format.
#include "testing/benchmarks/deferred_benchmark.h"

#include <dirent.h>
#include <time.h>

#include <atomic>
#include <cmath>
#include <fstream>

namespace pylog_bench {
namespace {

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

// Sleeps `seconds` on the calling thread: the length of a measurement
// window (what happens in it is counted, not waited for).
void SleepFor(double seconds) {
    double whole = std::floor(seconds);
    timespec t = {static_cast<time_t>(whole),
                  static_cast<long>((seconds - whole) * 1e9)};
    while (nanosleep(&t, &t) != 0) {
    }
}

}  // namespace

// ------------------------------------------------------------------------
// 3. End to end.

// `threads` workers log the statement without pause until told to stop,
// while the main thread waits without the GIL, so pylog's delivery thread
// delivers. Once every worker has started, a window of end_to_end_window
// seconds: the records delivered in it (pylog_stats.emitted's increase)
// over its length. Then the workers stop and, untimed, pylog_flush()
// delivers the rest; every statement must be emitted or dropped (a
// producer that outruns delivery fills its buffer: drops are expected
// here and reported). On a 2-core machine, 2 spinning producers and the
// delivery thread share the 2 cores.
void EndToEnd(benchmark::State &state, const Tuning *tuning, int threads) {
    Workers workers = MakeWorkers(threads);
    WarmUp(workers);
    pylog_stats before = Stats();
    uint64_t statements = 0, in_window = 0, dropped_in_window = 0;
    double window = 0, delivery_cpu = 0, producers_cpu = 0;
    bool delivery_found = true;
    for (auto _ : state) {
        std::atomic<bool> stop(false);
        std::atomic<int> started(0);
        std::vector<uint64_t> count(threads);
        std::vector<double> cpu(threads);
        PyThreadState *saved = PyEval_SaveThread();
        for (int t = 0; t < threads; t++) {
            workers[t]->Start([&, t] {
                double cpu0 = ThreadCpu();
                uint64_t n = 0;
                started.fetch_add(1);
                while (!stop.load(std::memory_order_relaxed)) {
                    Statement(static_cast<int>(n));
                    n++;
                }
                count[t] = n;
                cpu[t] = ThreadCpu() - cpu0;
            });
        }
        while (started.load() < threads) {
            std::this_thread::yield();
        }
        double delivery0 = DeliveryThreadCpuNs();
        pylog_stats s0 = Stats();
        double t0 = Now();
        SleepFor(tuning->end_to_end_window);
        pylog_stats s1 = Stats();
        double t1 = Now();
        double delivery1 = DeliveryThreadCpuNs();
        stop.store(true);
        for (auto &worker : workers) {
            worker->Wait();
        }
        int flushed = pylog_flush();
        PyEval_RestoreThread(saved);
        if (flushed != PYLOG_OK) {
            state.SkipWithError("pylog_flush() failed");
        }
        window += t1 - t0;
        in_window += s1.emitted - s0.emitted;
        dropped_in_window += s1.dropped - s0.dropped;
        delivery_found = delivery_found && delivery0 >= 0 && delivery1 >= 0;
        delivery_cpu += delivery1 - delivery0;
        for (int t = 0; t < threads; t++) {
            statements += count[t];
            producers_cpu += cpu[t];
        }
        state.SetIterationTime(t1 - t0);
    }
    uint64_t dropped = Account(state, before, statements);
    dropped_end_to_end[threads] += dropped;
    double delivered = static_cast<double>(in_window);
    auto &c = state.counters;
    c["delivered_per_second"] = delivered / window;
    c["delivery_cpu_ns"] = delivery_found ? delivery_cpu / delivered : -1;
    c["producers_cpu_ns"] =
        producers_cpu * 1e9 / static_cast<double>(statements);
    c["dropped_in_window_per_second"] =
        static_cast<double>(dropped_in_window) / window;
    c["statements"] = static_cast<double>(statements);
    c["dropped"] = static_cast<double>(dropped);
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
// 3b. Where the delivery time goes.

namespace {

// The statement's format in a variable that is not a constant: pylog
// defers only string-constant formats (its site records the format only
// when __builtin_constant_p says so), so this statement is formatted at
// the call and its text queued.
const char *volatile immediate_format = DEFERRED_BENCHMARK_FORMAT;
static_assert(!__builtin_constant_p(immediate_format),
              "pylog would see the format as a constant and defer it");

void Log(DrainKind kind, int i) {
    switch (kind) {
    case kDrainDeferred:
        Statement(i);
        break;
    case kDrainFormatted:
        PYLOG_INFO(immediate_format, i, 3.25, name16);
        break;
    default:
        PYLOG_INFO("constant text");
        break;
    }
}

}  // namespace

const char *const kDrainKindNames[kDrainKinds] = {
    "deferred", "formatted_at_call", "constant_text"};

// With the main thread holding the GIL (nothing is delivered meanwhile),
// one worker logs drain_records statements of `kind` (below its buffer's
// capacity, so none is dropped); then the main thread times
// pylog_flush(), which delivers them itself: record, logging, handler,
// and for a deferred statement the formatting. drain_rounds rounds, after
// an untimed one. Also the worker's time per statement at the call.
void Drain(benchmark::State &state, const Tuning *tuning, DrainKind kind) {
    const long n = tuning->drain_records;
    Workers worker = MakeWorkers(1);
    WarmUp(worker);
    pylog_stats before = Stats();
    double flush_seconds = 0, call_seconds = 0;
    for (auto _ : state) {
        for (long round = 0; round <= tuning->drain_rounds; round++) {
            double call = 0;
            RunAll(worker, [&call, n, kind](int) {
                double t0 = Now();
                for (long k = 0; k < n; k++) {
                    Log(kind, static_cast<int>(k));
                }
                call = Now() - t0;
            });
            double t0 = Now();
            int flushed = pylog_flush();
            double seconds = Now() - t0;
            if (flushed != PYLOG_OK) {
                state.SkipWithError("pylog_flush() failed");
            }
            if (round > 0) {
                flush_seconds += seconds;
                call_seconds += call;
            }
        }
        state.SetIterationTime(flush_seconds);
    }
    double records = static_cast<double>(tuning->drain_rounds * n);
    uint64_t dropped = Account(
        state, before, static_cast<uint64_t>((tuning->drain_rounds + 1) * n));
    if (dropped != 0) {
        state.SkipWithError("records dropped: the buffer was too small");
    }
    state.counters["delivery_ns"] = flush_seconds * 1e9 / records;
    state.counters["call_ns"] = call_seconds * 1e9 / records;
}

// snprintf of the statement's format and arguments into a stack buffer,
// alone, on the main thread.
void SnprintfAlone(benchmark::State &state, const Tuning *) {
    char buf[128];
    int i = 0;
    for (auto _ : state) {
        Snprintf(buf, sizeof buf, i++);
        benchmark::DoNotOptimize(buf);
        benchmark::ClobberMemory();
    }
}

}  // namespace pylog_bench
