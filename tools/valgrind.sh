#!/bin/bash
# Runs pylog's embedding GoogleTest binaries under valgrind memcheck with
# PYTHONMALLOC=malloc (so Python's allocations are visible to it too).
# Passes when valgrind reports no error (invalid access, uninitialised value,
# definite leak) in any stack that goes through pylog (frames in pylog/*.c);
# errors only inside libpython are not counted (CPython is not valgrind-clean
# by design). The stress tests are skipped (hours under valgrind); everything
# else runs.
#   tools/valgrind.sh [test names...]    default: every *_test area
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1

tests=("$@")
[[ ${#tests[@]} -gt 0 ]] || tests=(bridge caching delivery direct_handle extra
                                   filter filter_spec install invalidation
                                   queue deferred record record_direct record_template
                                   reinit sites statement thread)
targets=()
for t in "${tests[@]}"; do targets+=("//testing:${t}_test"); done
bazel build -c dbg "${targets[@]}" || exit 1
bin=$(bazel info -c dbg bazel-bin)  # not the bazel-bin link: it may move

out=$(mktemp -d "${TMPDIR:-/tmp}/pylog-valgrind.XXXXXX")
failed=0
for t in "${tests[@]}"; do
    # One XML file per process (%p): a forked child writes its own.
    log="$out/$t"
    # --fair-sched=yes: valgrind runs one thread at a time, and without a
    # fair hand-off threads that never block (pushing into the lock-free
    # queue) starve the one that must stop them.
    PYTHONMALLOC=malloc valgrind --tool=memcheck --fair-sched=yes --xml=yes --xml-file="$log.%p.xml" \
        --leak-check=full --errors-for-leak-kinds=definite \
        "$bin/testing/${t}_test" --gtest_filter='-*Stress*' \
        >"$out/$t.out" 2>&1
    status=$?
    ours=$(python3 - "$log".*.xml <<'PY'
import sys, xml.etree.ElementTree as ET
ours = 0
errors = [e for log in sys.argv[1:] for e in ET.parse(log).getroot().iter("error")]
for error in errors:
    # Python objects point into the middle of their blocks (the GC header
    # comes first), so whatever CPython keeps past Py_FinalizeEx is only
    # "possibly" lost: as --errors-for-leak-kinds=definite, not an error.
    if error.findtext("kind") in ("Leak_PossiblyLost", "Leak_StillReachable"):
        continue
    files = [f.text or "" for f in error.iter("file")]
    dirs = [d.text or "" for d in error.iter("dir")]
    if any(d.rstrip("/").split("/")[-1] == "pylog" for d in dirs) and \
            any(f.endswith(".c") for f in files):
        ours += 1
        kind = error.findtext("kind")
        what = error.findtext("what") or error.findtext("xwhat/text")
        print("pylog error: %s: %s" % (kind, what), file=sys.stderr)
print(ours)
PY
)
    if [[ $status -ne 0 ]] || ! grep -q "PASSED" "$out/$t.out"; then
        echo "FAILED $t: the test itself failed under valgrind ($out/$t.out)"
        failed=$((failed + 1))
    elif [[ ! $ours =~ ^[0-9]+$ ]]; then
        echo "FAILED $t: valgrind's logs ($log.*.xml) could not be read"
        failed=$((failed + 1))
    elif [[ $ours -ne 0 ]]; then
        echo "FAILED $t: $ours valgrind error(s) in pylog code ($log.*.xml)"
        failed=$((failed + 1))
    else
        echo "PASSED $t"
    fi
done
bazel shutdown >/dev/null 2>&1
echo "valgrind: ${#tests[@]} binaries, $failed failed (logs in $out)"
[[ $failed -eq 0 ]]
