// pylog_benchmark.cc: what a pylog statement costs, each measure next to
// its Python logging counterpart in the same process, then the summary
// table of RESULTS.md (Markdown, ready to paste).
//
//   bazel run -c opt //testing/benchmarks:pylog_benchmark [-- FLAGS]
//   pylog_benchmark --smoke    every benchmark briefly (the smoke test)
// Other flags are Google Benchmark's (--benchmark_filter=..., ...).
//
// The binary owns its interpreter: Py_InitializeEx(0), pylog installed
// (caching LOGGERS_AND_LEVELS unless a benchmark reinstalls another mode),
// the main thread holding the GIL. Google Benchmark runs a benchmark's
// thread 0 on the main thread, so that thread holds the GIL; further
// threads are C threads without it. Python side: logger "bench" (this
// unit's PYLOG_TARGET) at level INFO, not propagating, with one handler
// whose emit() does nothing. pylog's filter is DEBUG, so the disabled
// PYLOG_DEBUG is decided by Python's level (cached in the slot) unless a
// benchmark says otherwise.
#define PYLOG_TARGET "bench"
#include "pylog/pylog.h"

#include "pylog/internal/lifecycle.h"  // uninstall, to switch caching modes

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "testing/benchmarks/alloc_counter.h"
#include "testing/benchmarks/stripped.h"
#include "testing/benchmarks/summary.h"

// Public from 3.9 on; delete when 3.8 is no longer supported.
#if PY_VERSION_HEX < 0x03090000
#define PyObject_Vectorcall _PyObject_Vectorcall
#endif

namespace pylog_bench {
namespace {

// The statements under test; one site each, shared by every benchmark
// that calls them (an inline function's static is one object).
inline void DisabledStatement(long i) { PYLOG_DEBUG("disabled %ld", i); }
inline void EnabledStatement(long i) { PYLOG_INFO("msg %ld", i); }

// The Python side, run in __main__ once. The timeit_* functions run their
// statement `number` times in timeit's own loop (Python code calling).
const char kPythonSetUp[] = R"(
import logging, timeit

class NoOpHandler(logging.Handler):
    def emit(self, record):
        pass

bench_logger = logging.getLogger("bench")
bench_logger.setLevel(logging.INFO)
bench_logger.propagate = False
bench_logger.addHandler(NoOpHandler())
bench_debug, bench_info = bench_logger.debug, bench_logger.info
debug_text, info_format, info_arg = "x", "msg %d", 7

def timer(statement):
    scope = {"logger": bench_logger, "i": info_arg}
    return timeit.Timer(statement, globals=scope).timeit

timeit_debug = timer('logger.debug("x")')
timeit_info = timer('logger.info("msg %d", i)')

default_factory = logging.getLogRecordFactory()

def custom_factory(*args, **kwargs):
    return default_factory(*args, **kwargs)
)";

// A batch of pushes without the GIL, then a flush; the queue holds more
// than a batch (and a thread's untimed first statement), so no push meets
// a full queue even if the delivery thread never ran during the batch.
const long kEnqueueBatch = 1 << 13;
const size_t kQueueCapacity = 1 << 15;

// How long each benchmark runs: the full run, or --smoke.
struct Tuning {
    double min_time;  // seconds per benchmark; 0: --benchmark_min_time
    long timeit_number;
    benchmark::IterationCount enqueue_batches;
    int repetitions;  // of every measure reported as a median
};
const Tuning kFull = {0, 1000, 16, 5};
const Tuning kSmoke = {0.001, 10, 1, 3};

const int kCachingModes[] = {PYLOG_CACHE_NOTHING, PYLOG_CACHE_LOGGERS,
                             PYLOG_CACHE_LOGGERS_AND_LEVELS};
const char *const kCachingNames[] = {"NOTHING", "LOGGERS",
                                     "LOGGERS_AND_LEVELS"};

// Benchmark names, shared by the registration and the summary.
const char kEmptyLoop[] = "empty_loop";
const char kStripped[] = "pylog/stripped_debug";
const char kDisabled[] = "pylog/debug_disabled";
const char kDisabledByFilter[] = "pylog/debug_disabled_by_filter";
const char kPyDisabledCall[] = "python/debug_disabled/call_from_c";
const char kPyDisabledTimeit[] = "python/debug_disabled/timeit";
const char kEnabled[] = "pylog/info";
const char kPyEnabledCall[] = "python/info/call_from_c";
const char kPyEnabledTimeit[] = "python/info/timeit";
const char kFactorySuffix[] = "/custom_factory";
const char kThreads[] = "pylog/debug_disabled/threads";
// Where the enqueue benchmark's statements run (see PylogEnqueue).
enum Enqueuer { kCThread, kMainThread, kCThreadDeliveryHeld, kEnqueuers };
const char *const kEnqueueNames[kEnqueuers] = {
    "pylog/info/enqueue_without_gil/c_thread",
    "pylog/info/enqueue_without_gil/main_thread",
    "pylog/info/enqueue_without_gil/c_thread_delivery_held"};
const char *const kEnqueueMeasures[kEnqueuers] = {
    "from a C thread", "from the main thread, GIL released",
    "from a C thread, delivery held off (the push alone)"};
const char kDisabledAllocs[] = "pylog/debug_disabled/allocations";
const char kPyDisabledAllocs[] = "python/debug_disabled/allocations";

std::string CachingName(const char *base, int mode) {
    return std::string(base) + "/caching:" + kCachingNames[mode];
}

int installed_caching = -1;
// Records dropped by each enqueue benchmark over all its runs.
uint64_t enqueue_dropped[kEnqueuers];

PyObject *Global(const char *name) {
    // borrowed from __main__'s dict
    return PyDict_GetItemString(
        PyModule_GetDict(PyImport_AddModule("__main__")), name);
}

// Runs Python statements in __main__. GIL: held. false: printed.
bool RunPython(const char *code) {
    PyObject *main = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *result = PyRun_String(code, Py_file_input, main, main);
    if (result == nullptr) {
        PyErr_Print();
        return false;
    }
    Py_DECREF(result);
    return true;
}

// (Re)installs pylog with `caching` unless installed so. GIL: held. The
// environment's PYLOG_FILTER is ignored: it would change the measures.
bool UseCaching(int caching) {
    if (caching == installed_caching) {
        return true;
    }
    pylog_internal_uninstall();
    installed_caching = -1;
    pylog_config config;
    pylog_config_init(&config);
    config.caching = caching;
    config.env_var = nullptr;
    config.queue_capacity = kQueueCapacity;
    // A thread's buffer holds kQueueCapacity records of the queued
    // statement (under 128 bytes each) too.
    config.thread_buffer_bytes = kQueueCapacity * 128;
    if (pylog_install(&config) != 0) {
        PyErr_Print();
        return false;
    }
    installed_caching = caching;
    return true;
}

// Python's record factory: `custom_factory` or the default. GIL: held.
bool UseFactory(bool custom) {
    return RunPython(custom ? "logging.setLogRecordFactory(custom_factory)"
                            : "logging.setLogRecordFactory(default_factory)");
}

pylog_stats Stats() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats;
}

// Fails the run unless exactly `expected` records reached handle() since
// `before`: a statement that silently did nothing must not look fast.
void CheckEmitted(benchmark::State &state, const pylog_stats &before,
                  uint64_t expected) {
    if (Stats().emitted - before.emitted != expected) {
        state.SkipWithError("records emitted differ from the statements");
    }
}

// Calls `callable` with `args` (args[0] is scratch space for vectorcall,
// the arguments follow). GIL: held. false: the call raised (printed).
bool Call(PyObject *callable, std::vector<PyObject *> &args) {
    PyObject *result = PyObject_Vectorcall(
        callable, args.data() + 1,
        (args.size() - 1) | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
    if (result == nullptr) {
        PyErr_Print();
        return false;
    }
    Py_DECREF(result);
    return true;
}

// ------------------------------------------------------------------------
// Benchmarks. A body's setup runs before its loop, untimed. A failed setup
// marks the run failed and still enters the loop (zero iterations), as
// Google Benchmark requires of every thread of a multi-threaded run.

void EmptyLoop(benchmark::State &state) {
    for (auto _ : state) {
    }
}

// PYLOG_DEBUG on a warm slot; thread 0 warms it under the GIL. With
// `by_filter`, pylog's filter (INFO) decides instead of Python's level.
void PylogDisabled(benchmark::State &state, int caching, bool by_filter) {
    pylog_stats before{};
    if (state.thread_index() == 0) {
        if (!PyGILState_Check() || !UseCaching(caching) ||
            pylog_set_filter(by_filter ? PYLOG_LEVEL_INFO
                                       : PYLOG_LEVEL_DEBUG) != 0) {
            state.SkipWithError("setup failed");
        }
        DisabledStatement(0);
        before = Stats();
    }
    long i = 0;
    for (auto _ : state) {
        DisabledStatement(i++);
    }
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) {
        CheckEmitted(state, before, 0);
        pylog_set_filter(PYLOG_LEVEL_DEBUG);
    }
}

// PYLOG_INFO to the no-op handler, GIL held (delivered at once).
void PylogEnabled(benchmark::State &state, int caching, bool custom_factory) {
    if (!UseCaching(caching) || !UseFactory(custom_factory)) {
        state.SkipWithError("setup failed");
    }
    EnabledStatement(0);
    pylog_stats before = Stats();
    long i = 0;
    for (auto _ : state) {
        EnabledStatement(i++);
    }
    CheckEmitted(state, before, static_cast<uint64_t>(state.iterations()));
    UseFactory(false);
}

// A bound logger method called from C: bench_debug(debug_text) or
// bench_info(info_format, info_arg).
void PythonCall(benchmark::State &state, const char *method,
                std::vector<const char *> arg_names, bool custom_factory) {
    PyObject *callable = Global(method);
    std::vector<PyObject *> args(1, nullptr);
    for (const char *name : arg_names) {
        args.push_back(Global(name));
    }
    if (!UseFactory(custom_factory)) {
        state.SkipWithError("setup failed");
    }
    for (auto _ : state) {
        if (!Call(callable, args)) {
            state.SkipWithError("the Python call raised");
            break;
        }
    }
    UseFactory(false);
}

// One timeit_*(number) call per iteration; the summary divides by "calls".
void PythonTimeit(benchmark::State &state, const char *timer, long number,
                  bool custom_factory) {
    PyObject *callable = Global(timer);
    std::vector<PyObject *> args = {nullptr, PyLong_FromLong(number)};
    if (!UseFactory(custom_factory)) {
        state.SkipWithError("setup failed");
    }
    for (auto _ : state) {
        if (!Call(callable, args)) {
            state.SkipWithError("timeit raised");
            break;
        }
    }
    Py_DECREF(args[1]);
    UseFactory(false);
    state.counters["calls"] = static_cast<double>(number);
    state.SetItemsProcessed(state.iterations() * number);
}

// Times kEnqueueBatch enabled statements on the calling thread; seconds.
double TimeBatch() {
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < kEnqueueBatch; i++) {
        EnabledStatement(i);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
}

// PYLOG_INFO from a thread without the GIL: the AUTO delivery queues the
// record for pylog's delivery thread, which takes the GIL to deliver it.
// One iteration is one batch, timed by hand, then (untimed) a flush. Where:
//  kCThread: a new C thread (no Python thread state; its first statement,
//    which learns the thread's name, untimed) while the main thread waits
//    without the GIL, so the delivery thread delivers concurrently, on the
//    other core;
//  kMainThread: the main thread itself after releasing the GIL (as inside
//    Py_BEGIN_ALLOW_THREADS), delivery concurrent as well;
//  kCThreadDeliveryHeld: a C thread while the main thread keeps the GIL, so
//    nothing is delivered during the batch (the flush, holding the GIL,
//    delivers): the push without a consumer competing for the queue and
//    the allocator.
void PylogEnqueue(benchmark::State &state, Enqueuer where) {
    if (!UseCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS)) {
        state.SkipWithError("setup failed");
    }
    EnabledStatement(0);  // the slot resolved under the GIL
    pylog_stats before = Stats();
    PyThreadState *saved =
        where == kCThreadDeliveryHeld ? nullptr : PyEval_SaveThread();
    EnabledStatement(0);  // the delivery thread starts outside the timing
    pylog_flush();
    for (auto _ : state) {
        double seconds = 0;
        if (where == kMainThread) {
            seconds = TimeBatch();
        }
        else {
            // Joining with the GIL held is safe: AUTO never waits for it.
            std::thread([&seconds] {
                EnabledStatement(0);
                seconds = TimeBatch();
            }).join();
        }
        state.SetIterationTime(seconds);
        pylog_flush();
    }
    if (saved != nullptr) {
        PyEval_RestoreThread(saved);
    }
    uint64_t dropped = Stats().dropped - before.dropped;
    enqueue_dropped[where] += dropped;
    state.counters["dropped"] = static_cast<double>(dropped);
    state.counters["calls"] = kEnqueueBatch;
}

// Heap allocations (malloc & co. of every thread, and Python's allocators)
// during the loop of disabled statements: pylog's, or Python's
// bench_debug("x") called from C.
void CountAllocations(benchmark::State &state, bool pylog) {
    PyObject *callable = Global("bench_debug");
    std::vector<PyObject *> args = {nullptr, Global("debug_text")};
    if (!UseCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS) || !Call(callable, args)) {
        state.SkipWithError("setup failed");
    }
    DisabledStatement(0);
    alloc_counter_hook_pymem(1);
    uint64_t mallocs = alloc_counter_mallocs();
    uint64_t pymem = alloc_counter_pymem();
    long i = 0;
    for (auto _ : state) {
        if (pylog) {
            DisabledStatement(i++);
        }
        else if (!Call(callable, args)) {
            state.SkipWithError("the Python call raised");
            break;
        }
    }
    mallocs = alloc_counter_mallocs() - mallocs;
    pymem = alloc_counter_pymem() - pymem;
    // The probe: one allocation through libpython must count in both, or
    // a zero above would only mean the counters are blind.
    uint64_t probe_mallocs = alloc_counter_mallocs();
    uint64_t probe_pymem = alloc_counter_pymem();
    PyMem_RawFree(PyMem_RawMalloc(64));
    if (alloc_counter_pymem() == probe_pymem ||
        (alloc_counter_mallocs_counted() &&
         alloc_counter_mallocs() == probe_mallocs)) {
        state.SkipWithError("the allocation counters missed the probe");
    }
    alloc_counter_hook_pymem(0);
    // -1: not counted (sanitizer build)
    state.counters["mallocs"] =
        alloc_counter_mallocs_counted() ? static_cast<double>(mallocs) : -1;
    state.counters["pymem"] = static_cast<double>(pymem);
}

// ------------------------------------------------------------------------
// Registration, in the order of the summary. Every measure but the
// allocation counts is repeated and reported as its median: the machine is
// shared, and a repetition that another process slowed down should not
// decide the figure.

void Register(const Tuning &tuning) {
    using benchmark::internal::Benchmark;
    using benchmark::RegisterBenchmark;
    auto counted = [&](Benchmark *b) {
        return tuning.min_time > 0 ? b->MinTime(tuning.min_time) : b;
    };
    auto add = [&](Benchmark *b) {
        return counted(b)
            ->Repetitions(tuning.repetitions)
            ->ReportAggregatesOnly();
    };
    const int lal = PYLOG_CACHE_LOGGERS_AND_LEVELS;
    const std::string factory = kFactorySuffix;

    add(RegisterBenchmark(kEmptyLoop, EmptyLoop));
    add(RegisterBenchmark(kStripped, StrippedDebugLoop));
    add(RegisterBenchmark(kDisabled, PylogDisabled, lal, false));
    add(RegisterBenchmark(kDisabledByFilter, PylogDisabled, lal, true));
    add(RegisterBenchmark(kPyDisabledCall, PythonCall, "bench_debug",
                          std::vector<const char *>{"debug_text"}, false));
    add(RegisterBenchmark(kPyDisabledTimeit, PythonTimeit, "timeit_debug",
                          tuning.timeit_number, false));
    for (bool custom : {false, true}) {
        const std::string suffix = custom ? factory : "";
        add(RegisterBenchmark((kEnabled + suffix).c_str(), PylogEnabled, lal,
                              custom));
        add(RegisterBenchmark((kPyEnabledCall + suffix).c_str(), PythonCall,
                              "bench_info",
                              std::vector<const char *>{"info_format",
                                                        "info_arg"},
                              custom));
        add(RegisterBenchmark((kPyEnabledTimeit + suffix).c_str(),
                              PythonTimeit, "timeit_info",
                              tuning.timeit_number, custom));
    }
    add(RegisterBenchmark(kThreads, PylogDisabled, lal, false)
            ->Threads(1)
            ->Threads(2)
            ->UseRealTime());
    // Fixed batches: each push is delivered, slowly, on the other core, so
    // MinTime would mean millions of deliveries.
    for (int where = 0; where < kEnqueuers; where++) {
        RegisterBenchmark(kEnqueueNames[where], PylogEnqueue,
                          static_cast<Enqueuer>(where))
            ->UseManualTime()
            ->Iterations(tuning.enqueue_batches)
            ->Repetitions(tuning.repetitions)
            ->ReportAggregatesOnly();
    }
    for (int mode : kCachingModes) {
        add(RegisterBenchmark(CachingName(kDisabled, mode).c_str(),
                              PylogDisabled, mode, false));
        add(RegisterBenchmark(CachingName(kEnabled, mode).c_str(),
                              PylogEnabled, mode, false));
    }
    // One run each: the counts are totals, not statistics.
    counted(RegisterBenchmark(kDisabledAllocs, CountAllocations, true));
    counted(RegisterBenchmark(kPyDisabledAllocs, CountAllocations, false));
}

// ------------------------------------------------------------------------
// The summary table.

// A ratio: below 1 with three decimals, so 0.253 does not read as 0.25.
std::string Times(double ratio, const char *what) {
    if (std::isnan(ratio)) {
        return "n/a";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", ratio);
    return (ratio < 1 ? std::string(text) : Number(ratio)) + "x " + what;
}

std::vector<Row> Summarize(const Results &r) {
    std::vector<Row> rows;
    const std::string factory = kFactorySuffix;
    double empty = r.Ns(kEmptyLoop), stripped = r.Ns(kStripped);
    rows.push_back({"empty loop (baseline)", Number(empty), "-", "-", "-",
                    "-"});
    // A difference, not a ratio: at -O2 both loops compile to nothing.
    // Met within noise: 0.05 ns or a tenth of the empty loop.
    double extra = stripped - empty;
    if (std::fabs(extra) < 0.005) {
        extra = 0;  // not "-0.00"
    }
    std::string sign = extra >= 0 ? "+" : "";
    rows.push_back({"PYLOG_DEBUG stripped by PYLOG_MAX_LEVEL=WARN",
                    Number(stripped), "-",
                    std::isnan(extra) ? "n/a"
                                      : sign + Number(extra) + " ns vs empty",
                    "= empty loop (no instructions)",
                    Met(!std::isnan(extra),
                        std::fabs(extra) <= std::max(0.05, empty / 10))});

    auto disabled = [&](const std::string &measure, const char *pylog,
                        const char *python) {
        double p = r.Ns(pylog), q = r.Ns(python);
        rows.push_back({measure, Number(p), Number(q),
                        Times(q / p, "cheaper"), "≤1 ns and ≥100x cheaper",
                        Met(p > 0 && q > 0, p <= 1 && q / p >= 100)});
    };
    disabled("disabled, warm slot (Python level) vs logger.debug from C",
             kDisabled, kPyDisabledCall);
    disabled("disabled, warm slot (Python level) vs logger.debug in timeit",
             kDisabled, kPyDisabledTimeit);
    disabled("disabled, warm slot (pylog filter) vs logger.debug from C",
             kDisabledByFilter, kPyDisabledCall);

    for (bool custom : {false, true}) {
        const std::string suffix = custom ? factory : "";
        const char *target = custom ? "≤0.8x python" : "≤0.25x python";
        double limit = custom ? 0.8 : 0.25;
        double p = r.Ns(kEnabled + suffix);
        for (const char *python : {kPyEnabledCall, kPyEnabledTimeit}) {
            double q = r.Ns(python + suffix);
            rows.push_back(
                {std::string("enabled to a no-op handler, ") +
                     (custom ? "custom" : "default") +
                     " record factory, vs logger.info " +
                     (python == kPyEnabledCall ? "from C" : "in timeit"),
                 Number(p), Number(q), Times(p / q, "python"), target,
                 Met(p > 0 && q > 0, p / q <= limit)});
        }
    }

    // items_per_second: statements of all threads per second of wall time
    double one = r.Counter(kThreads, "items_per_second", 1);
    double two = r.Counter(kThreads, "items_per_second", 2);
    rows.push_back({"disabled, 1 thread (wall ns per statement)",
                    Number(r.Ns(kThreads, 1)), "-", "-", "-", "-"});
    rows.push_back({"disabled, 2 threads (wall ns per statement, both)",
                    Number(r.Ns(kThreads, 2)), "-",
                    Times(two / one, "items_per_second"), "≥1.9x throughput",
                    Met(one > 0 && two > 0, two / one >= 1.9)});
    // The same from CPU time, blind to other processes taking a core: two
    // threads that do not slow each other down spend what one spends.
    double cpu_one = r.CpuNs(kThreads, 1), cpu_two = r.CpuNs(kThreads, 2);
    rows.push_back({"disabled, 2 threads (CPU ns per statement)",
                    Number(cpu_two), "-",
                    Times(2 * cpu_one / cpu_two, "throughput, a core each"),
                    "≥1.9x throughput",
                    Met(cpu_one > 0 && cpu_two > 0,
                        2 * cpu_one / cpu_two >= 1.9)});

    for (int where = 0; where < kEnqueuers; where++) {
        double enqueue = r.Ns(kEnqueueNames[where]);
        uint64_t dropped = enqueue_dropped[where];
        rows.push_back({std::string("enabled, queued without the GIL, ") +
                            kEnqueueMeasures[where] + " (median)",
                        Number(enqueue), "-",
                        "dropped " + std::to_string(dropped),
                        "≤150 ns, 0 dropped",
                        Met(enqueue > 0, enqueue <= 150 && dropped == 0)});
    }

    for (const char *base : {kDisabled, kEnabled}) {
        const int lal = PYLOG_CACHE_LOGGERS_AND_LEVELS;
        double reference = r.Ns(CachingName(base, lal));
        for (int mode : kCachingModes) {
            double p = r.Ns(CachingName(base, mode));
            rows.push_back({std::string(base == kDisabled ? "disabled"
                                                          : "enabled") +
                                ", caching " + kCachingNames[mode],
                            Number(p), "-",
                            Times(p / reference, "LOGGERS_AND_LEVELS"),
                            "reported", "-"});
        }
    }

    auto allocations = [&](const char *name) {
        double mallocs = r.Counter(name, "mallocs", 1, "");
        return (mallocs < 0 ? std::string("not counted (sanitizer)")
                            : Count(mallocs)) +
               " / " + Count(r.Counter(name, "pymem", 1, "")) + " in " +
               Count(r.Iterations(name)) + " calls";
    };
    double mallocs = r.Counter(kDisabledAllocs, "mallocs", 1, "");
    double pymem = r.Counter(kDisabledAllocs, "pymem", 1, "");
    rows.push_back({"allocations, disabled (malloc / PyMem)",
                    allocations(kDisabledAllocs),
                    allocations(kPyDisabledAllocs), "-", "0",
                    Met(!std::isnan(pymem), mallocs <= 0 && pymem == 0)});
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
    if (!RunPython(kPythonSetUp) ||
        !UseCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS)) {
        return 1;
    }
    Register(smoke ? kSmoke : kFull);
    Results results;
    benchmark::RunSpecifiedBenchmarks(&results);
    // Py_GetVersion(): "3.11.7 (main, ...) [GCC ...]", on two lines in 3.8
    std::string version = Py_GetVersion();
    std::printf("\npython %s, pylog %d.%d.%d%s\n",
                version.substr(0, version.find(' ')).c_str(),
                PYLOG_VERSION_MAJOR, PYLOG_VERSION_MINOR, PYLOG_VERSION_PATCH,
                smoke ? ", --smoke (numbers mean nothing)" : "");
    PrintTable(Summarize(results));
    pylog_internal_uninstall();
    int status = Py_FinalizeEx() < 0 ? 1 : 0;
    benchmark::Shutdown();
    return status;
}
