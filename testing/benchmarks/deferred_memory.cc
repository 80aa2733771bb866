// deferred_memory.cc: deferred_benchmark's measurement 4
// (deferred_benchmark.h): memory, as the growth of the process's resident
// and virtual size while threads buffer records (pylog's layout is not
// seen).
#include "testing/benchmarks/deferred_benchmark.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace pylog_bench {
namespace {

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

}  // namespace

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
            // volatile: with the pointer only given to DoNotOptimize, the
            // --config=asan build (gcc -O1) freed a pointer that was not
            // this malloc's (ASan: a double free of a block freed at the
            // thread's start).
            void *volatile block = std::malloc(64);
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

}  // namespace pylog_bench
