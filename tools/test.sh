#!/bin/bash
# THE test command: set up the machine, `bazel test //...` (extra args passed through),
# then count individual test cases from the JUnit XML of every test that ran in this
# invocation (the build event protocol names them, so stale test.xml files never count).
# Last line: "tests: N passed, M failed"; exits non-zero if M > 0 or N == 0.
# A full run (no targets) also runs the checks outside Bazel listed at the end (fuzzing).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
tools/setup.sh || exit 1

bep=$(mktemp "${TMPDIR:-/tmp}/pylog-bep.XXXXXX")
trap 'rm -f "$bep"' EXIT

targets=("//...")
for arg in "$@"; do
    case $arg in //* | :* | @* | -//*) targets=() ;; esac
done
bazel test --keep_going --build_event_json_file="$bep" "$@" "${targets[@]}"
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
read -r passed failed <<<"$counts"
bazel shutdown >/dev/null 2>&1

# Checks that run outside `bazel test`, each counted as one test; only in a
# full run (no targets given). Output goes to a log, shown when one fails.
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
if [[ ${#targets[@]} -gt 0 ]]; then
    check "filter spec fuzz (100k inputs, ASan+UBSan)" tools/fuzz.sh -runs=100000
fi

echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
