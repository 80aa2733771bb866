// stripped.h: the benchmark body of a statement that PYLOG_MAX_LEVEL removed
// (stripped.cc, the one unit built with -DPYLOG_MAX_LEVEL=WARN).
#ifndef PYLOG_TESTING_BENCHMARKS_STRIPPED_H_
#define PYLOG_TESTING_BENCHMARKS_STRIPPED_H_

#include <benchmark/benchmark.h>

namespace pylog_bench {

// A loop of PYLOG_DEBUG statements below PYLOG_MAX_LEVEL: it should time
// exactly like an empty loop.
void StrippedDebugLoop(benchmark::State &state);

}  // namespace pylog_bench

#endif  // PYLOG_TESTING_BENCHMARKS_STRIPPED_H_
