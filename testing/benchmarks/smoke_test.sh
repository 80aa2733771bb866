#!/bin/bash
# Smoke test of a benchmark binary of //testing/benchmarks (pylog_benchmark,
# deferred_benchmark): runs every benchmark briefly (--smoke) and checks
# that the binary exits 0 and prints the whole summary table with every
# measure present (a benchmark that failed, e.g. because Python raised,
# leaves "n/a" and counts as missing). Timings under
# `bazel test` (any -c mode, sanitizers, other tests alongside) mean
# nothing, so no number is checked.
# usage: smoke_test.sh BENCHMARK_BINARY
set -uo pipefail
out=$("$1" --smoke 2>&1)
status=$?
echo "$out"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[[ $status -eq 0 ]] || fail "$(basename "$1") --smoke exited with $status"
grep -qx '| measure | pylog | python | ratio | target | met |' <<<"$out" ||
    fail "no summary table header"
grep -qx 'summary: [1-9][0-9]* measures, 0 missing' <<<"$out" ||
    fail "the summary line is missing or reports missing measures"
echo "PASS"
