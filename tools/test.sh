#!/bin/bash
# THE test command: set up the machine, `bazel test` (extra args passed through),
# then count individual test cases from the JUnit XML of every test that ran in
# each invocation (the build event protocol names them, so stale test.xml files
# never count). Exits non-zero if anything failed or nothing passed.
#   tools/test.sh //testing:bridge_test   the given targets, python3 on PATH
#   tools/test.sh [bazel args]            the full run: //... under every CPython
#       3.8-3.13 in $(pyenv root)/versions (a missing one is a failure) and 3.14
#       from tools/python314.sh (Debian sid's packages, unpacked into a cache;
#       failing to get it is a failure), python3
#       on PATH last, then again under --config=asan (ASan+UBSan); then the
#       checks outside Bazel (fuzzing, the amalgamation against the Python-level
#       suite, the pylog-cext package and pkg-config, CMake, meson-python, the
#       setuptools, pytest, abi3 and external-consumer examples). One line per
#       version and one for the checks, then the sum.
# Last line: "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
tools/setup.sh || exit 1

bep=$(mktemp "${TMPDIR:-/tmp}/pylog-bep.XXXXXX")
trap 'rm -f "$bep"' EXIT
passed=0 failed=0 summary=() found=()

# bazel_test ARGS...: `bazel test --keep_going ARGS` in the current directory;
# adds its test cases to passed/failed.
bazel_test() {
    local rc counts p f
    bazel test --keep_going --build_event_json_file="$bep" "$@"
    rc=$?
    counts=$(python3 - "$bep" "$rc" <<'PY'
import json, sys, xml.etree.ElementTree as ET
from urllib.parse import unquote, urlparse

bep, rc = sys.argv[1], int(sys.argv[2])
tests, results = set(), {}
for line in open(bep):
    ev = json.loads(line)
    eid = ev.get("id", {})
    if "targetConfigured" in eid and "testSize" in ev.get("configured", {}):
        tests.add(eid["targetConfigured"]["label"])
    if "testResult" in eid:
        r = eid["testResult"]
        key = (r["label"], r.get("run", 1), r.get("shard", 1))
        if r.get("attempt", 1) >= results.get(key, (0,))[0]:  # keep the last attempt
            results[key] = (r.get("attempt", 1), ev.get("testResult", {}))

def bad(case):
    if case.get("status") == "notrun" or case.get("result") == "skipped":
        return True  # policy: a skipped test is a failed test
    return any(c.tag in ("failure", "error", "skipped") for c in case)

passed = failed = 0
ran = set()
for (label, _, _), (_, res) in sorted(results.items()):
    ran.add(label)
    ok = res.get("status") == "PASSED"
    cases = []
    for out in res.get("testActionOutput", []):
        if out.get("name") == "test.xml":
            try:
                cases = ET.parse(unquote(urlparse(out["uri"]).path)).getroot().iter("testcase")
                cases = list(cases)
            except (OSError, ET.ParseError):
                cases = []
    nbad = sum(bad(c) for c in cases)
    for c in cases:
        if bad(c):
            print("FAILED %s: %s.%s" % (label, c.get("classname", ""), c.get("name", "")),
                  file=sys.stderr)
    if not ok and nbad == 0:
        nbad = 1  # crashed, timed out or failed outside any test case
        print("FAILED %s (%s)" % (label, res.get("status", "NO_STATUS")), file=sys.stderr)
    good = max(len(cases) - nbad, 0) if cases else (1 if ok else 0)
    passed, failed = passed + good, failed + nbad
for label in sorted(tests - ran):
    print("FAILED %s (did not run)" % label, file=sys.stderr)
    failed += 1
if rc not in (0, 3, 4) and failed == 0:
    failed = 1  # bazel itself failed (loading, analysis, ...)
print(passed, failed)
PY
    ) || counts="0 1"
    read -r p f <<<"$counts"
    passed=$((passed + p)) failed=$((failed + f))
}

# Checks that run outside `bazel test`, each counted as one test. Output goes
# to a log, shown when one fails.
check() {
    local name=$1 log
    shift
    log=$(mktemp "${TMPDIR:-/tmp}/pylog-check.XXXXXX")
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "PASSED check $name"
    else
        failed=$((failed + 1))
        tail -n 40 "$log" >&2
        echo "FAILED check $name" >&2
    fi
    rm -f "$log"
}

# section NAME COMMAND...: runs COMMAND and adds "NAME: N passed, M failed"
# (what COMMAND added) to the summary.
section() {
    local name=$1 p0=$passed f0=$failed start=$SECONDS
    shift
    "$@"
    summary+=("$name: $((passed - p0)) passed, $((failed - f0)) failed ($((SECONDS - start)) s)")
}

# One CPython: //... (and the setuptools example when it has setuptools).
test_version() {
    local python=$1
    shift
    bazel_test "$@" //...
    if "$python" -c "import setuptools" 2>/dev/null; then
        check "setuptools example, setup.py build_ext" \
            tools/check_setuptools.sh build_ext "$python"
    else
        echo "NOTE: $python has no setuptools; the setuptools example is built by the others"
    fi
}

# The external consumer workspace, as a user runs it (python3 on PATH, its own
# .bazelrc); then the same with the release build setting. Its own Bazel
# server is shut down afterwards.
test_consumer() {
    pushd examples/consumer >/dev/null || return
    bazel_test //...
    bazel_test --@pylog//pylog:max_level=WARN //...
    bazel shutdown >/dev/null 2>&1
    popd >/dev/null || return
}

checks() {
    check "filter spec fuzz (100k inputs, ASan+UBSan)" tools/fuzz.sh -runs=100000
    check "setuptools example via pylog-cext: pip install, pytest caplog, release build (/usr/bin/python3)" \
        tools/check_setuptools.sh pip /usr/bin/python3
    check "amalgamation: warning-free builds, Python-level suite against it" \
        tools/check_amalgamation.sh python3 "${found[@]}"
    check "pylog-cext package, pylog.pc, pkg-config Makefile example" \
        tools/check_package.sh /usr/bin/python3
    check "CMake: find_package (package, cmake --install), add_subdirectory, examples/cmake" \
        tools/check_cmake.sh /usr/bin/python3
    check "Meson: examples/meson-python via subproject and pkg-config" \
        tools/check_meson.sh /usr/bin/python3
    if [[ ${#found[@]} -gt 0 ]]; then
        check "abi3 example: one plain build (limited API 3.8), run under every CPython found" \
            tools/check_abi3.sh "${found[@]}"
    fi
    test_consumer
}

targets=("//...")
for arg in "$@"; do
    case $arg in //* | :* | @* | -//*) targets=() ;; esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
    bazel_test "$@"
    bazel shutdown >/dev/null 2>&1
else
    default=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
    root=$(pyenv root 2>/dev/null) || root=/nonexistent
    for minor in 8 9 10 11 12 13 14; do
        if [[ $minor -eq 14 ]]; then
            # Not in bookworm and pyenv cannot download here: the wrapper of
            # Debian sid's CPython 3.14 (its last line of stdout).
            python=$(tools/python314.sh | tail -n 1) || python=""
            missing="tools/python314.sh failed"
        else
            python=$(printf '%s\n' "$root"/versions/3."$minor".*/bin/python3 | sort -V | tail -n 1)
            missing="not installed: no $root/versions/3.$minor.*"
        fi
        if [[ ! -x $python ]]; then
            failed=$((failed + 1))
            summary+=("python 3.$minor ($missing): 0 passed, 1 failed")
            echo "FAILED python 3.$minor: $missing" >&2
            continue
        fi
        found+=("$python")
        if [[ $(realpath "$python") != "$default" ]]; then
            section "python $("$python" -c 'import platform; print(platform.python_version())')" \
                test_version "$python" "$@" --repo_env=PYLOG_PYTHON="$python"
        fi
    done
    # python3 on PATH last, without --repo_env: later runs of single targets
    # find its build in the cache.
    section "python $(python3 -c 'import platform; print(platform.python_version())') (python3 on PATH)" \
        test_version "$default" "$@"
    section "ASan+UBSan (python3 on PATH)" bazel_test "$@" --config=asan //...
    section "TSan: the per-thread buffer, counter and capture on their own, and the buffers through Python" \
        bazel_test "$@" --config=tsan //testing:spsc_ring_test //testing:ticks_test \
        //testing:capture_test //testing:queue_test //testing:deferred_test
    bazel shutdown >/dev/null 2>&1
    section "checks outside //..." checks
    printf '%s\n' "${summary[@]}"
fi

echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
