// stripped.cc: a PYLOG_DEBUG loop in a unit built with
// -DPYLOG_MAX_LEVEL=WARN, so the statement is removed at compile time.
#include "pylog/pylog.h"

#if PYLOG_INTERNAL_MAX_LEVEL != PYLOG_LEVEL_WARN
#error "stripped.cc must be built with -DPYLOG_MAX_LEVEL=WARN"
#endif

#include "testing/benchmarks/stripped.h"

namespace pylog_bench {

void StrippedDebugLoop(benchmark::State &state) {
    for (auto _ : state) {
        // Type-checked, never evaluated: no code.
        PYLOG_DEBUG("stripped %lld",
                    static_cast<long long>(state.iterations()));
    }
}

}  // namespace pylog_bench
