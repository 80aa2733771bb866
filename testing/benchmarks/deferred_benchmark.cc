// deferred_benchmark.cc: the figures of issue 14 ("Deferred capture"): a
// statement with three arguments on a C thread without the GIL, each figure
// next to its comparison in the same process, then a summary table in the
// format of RESULTS.md (Markdown, ready to paste):
//   1. latency of each statement (rdtsc per call) vs snprintf of the same
//      format into a stack buffer;
//   2. statement throughput of two producer threads vs one;
//   3. end to end: records delivered per second to a no-op Python handler
//      while 1 or 2 C threads produce without pause, vs one Python thread
//      calling logger.info; and where the delivery time goes (a flush of
//      queued records, per record, by kind of statement, vs snprintf);
//   4. memory, as RSS growth of the process (pylog's layout is not seen).
// This file: the registration, the summary table and main(); the
// measurements are in the files deferred_benchmark.h names.
//
//   bazel run -c opt //testing/benchmarks:deferred_benchmark [-- FLAGS]
//   deferred_benchmark --smoke    every benchmark briefly (the smoke test)
// Other flags are Google Benchmark's (--benchmark_filter=..., ...).
//
// Only pylog's public API is used. The binary owns its interpreter:
// Py_InitializeEx(0), pylog installed once with pylog_config_init()'s
// defaults (PYLOG_DELIVERY_AUTO) except env_var = NULL, queue_capacity =
// kQueueCapacity records and thread_buffer_bytes = kBufferBytes; the main
// thread holds the GIL except where a benchmark releases it. The
// statements run on Worker threads: C threads that Python never saw (no
// thread state). Python side: logger "bench" (PYLOG_TARGET) at level
// INFO, not propagating, with one handler whose emit() does nothing; the
// same on logger "pylog", which receives pylog's drop notices.
#include "testing/benchmarks/deferred_benchmark.h"

#include <cmath>
#include <cstring>

#include "testing/benchmarks/summary.h"

namespace pylog_bench {
namespace {

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
notice_logger = logging.getLogger("pylog")
notice_logger.propagate = False
notice_logger.addHandler(NoOpHandler())
timeit_info = timeit.Timer(
    'logger.info("value %d ratio %f name %s", i, 3.25, name)',
    globals={"logger": bench_logger, "i": 7, "name": "name-of-16-bytes"},
).timeit
)";

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
    for (int threads : {1, 2}) {
        RegisterBenchmark(Threads(kEndToEnd, threads).c_str(), EndToEnd,
                          tuning, threads)
            ->Iterations(1)
            ->UseManualTime()
            ->Repetitions(tuning->repetitions)
            ->ReportAggregatesOnly();
    }
    auto python = RegisterBenchmark(kPyEndToEnd, PythonEndToEnd, tuning);
    if (tuning->min_time > 0) {
        python->MinTime(tuning->min_time);
    }
    python->Repetitions(tuning->repetitions)->ReportAggregatesOnly();
    for (int kind = 0; kind < kDrainKinds; kind++) {
        RegisterBenchmark(
            (std::string(kDrain) + "/" + kDrainKindNames[kind]).c_str(), Drain,
            tuning, static_cast<DrainKind>(kind))
            ->Iterations(1)
            ->UseManualTime()
            ->Repetitions(tuning->repetitions)
            ->ReportAggregatesOnly();
    }
    auto snprintf_alone = RegisterBenchmark(
        (std::string(kDrain) + "/snprintf").c_str(), SnprintfAlone, tuning);
    if (tuning->min_time > 0) {
        snprintf_alone->MinTime(tuning->min_time);
    }
    snprintf_alone->Repetitions(tuning->repetitions)->ReportAggregatesOnly();
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
    double python = 1e9 / r.Ns(kPyEndToEnd);
    for (int threads : {1, 2}) {
        std::string name = Threads(kEndToEnd, threads);
        auto e = [&](const char *counter) { return r.Counter(name, counter); };
        double delivered = e("delivered_per_second");
        std::string producers =
            threads == 1 ? std::string("1 C thread")
                         : std::to_string(threads) + " C threads";
        rows.push_back(
            {"end to end, " + producers + " producing without pause" +
                 (threads == 2 ? " (with the delivery thread: 3 busy threads "
                                 "on 2 cores)"
                               : "") +
                 ": records/s delivered while producing, vs logger.info in "
                 "timeit",
             Count(delivered), Count(python),
             Times(delivered / python, "python") + "; statements dropped " +
                 Count(e("dropped_in_window_per_second")) + "/s",
             "≥3x",
             Met(delivered > 0 && python > 0, delivered / python >= 3)});
        double delivery_cpu = e("delivery_cpu_ns");
        rows.push_back(
            {"end to end, " + producers +
                 ": CPU ns per record of the delivery thread; producers' CPU "
                 "ns per statement",
             (delivery_cpu < 0 ? std::string("not found")
                               : Number(delivery_cpu)) +
                 "; " + Number(e("producers_cpu_ns")),
             "-", "-", "reported", "-"});
    }
    double snprintf_ns = r.Ns(std::string(kDrain) + "/snprintf");
    double drain[kDrainKinds], call[kDrainKinds];
    for (int kind = 0; kind < kDrainKinds; kind++) {
        std::string name = std::string(kDrain) + "/" + kDrainKindNames[kind];
        drain[kind] = r.Counter(name, "delivery_ns");
        call[kind] = r.Counter(name, "call_ns");
    }
    const char *what[kDrainKinds] = {
        "deferred \"value %d ratio %f name %s\" (formatted at delivery)",
        "the same formatted at the call (format in a variable)",
        "\"constant text\", no arguments"};
    for (int kind = 0; kind < kDrainKinds; kind++) {
        std::string ratio =
            kind == kDrainDeferred
                ? "-"
                : Number(drain[kDrainDeferred] - drain[kind]) +
                      " ns less than deferred";
        rows.push_back({std::string("delivery time, flush on the main thread, "
                                    "ns per record: ") +
                            what[kind] + "; at the call (C thread)",
                        Number(drain[kind]) + "; " + Number(call[kind]),
                        kind == kDrainDeferred ? Number(snprintf_ns) : "-",
                        kind == kDrainDeferred
                            ? "formatting ≈ " +
                                  Number(drain[kDrainDeferred] -
                                         drain[kDrainFormatted]) +
                                  " ns; snprintf alone " + Number(snprintf_ns) +
                                  " ns"
                            : ratio,
                        "reported", "-"});
    }
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
