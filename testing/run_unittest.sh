#!/bin/bash
# Test driver of pylog_py_test (testing/python_test.bzl); runs in the runfiles tree.
# usage: run_unittest.sh PYTHON RUNNER_PY TEST_PY [EXTENSION.so ...]
# Puts each extension's directory on PYTHONPATH, preloads a sanitizer runtime an
# extension needs (--config=asan: python3 itself is not instrumented), runs the test.
set -euo pipefail
python=$1 runner=$2 src=$3
shift 3
path="" preload=""
for so in "$@"; do
    path="$path${path:+:}$(cd "$(dirname "$so")" && pwd)"
    libs=$(ldd "$so" 2>/dev/null | awk '/lib(asan|ubsan|tsan)[.]so/ {print $3}')
    # clang leaves the runtime out of shared objects: its symbols are just undefined.
    for rt in asan tsan; do
        if [[ -z $libs ]] && nm -D --undefined-only "$so" 2>/dev/null | grep -q " __${rt}_"; then
            libs=$(clang -print-file-name="libclang_rt.$rt-$(uname -m).so" 2>/dev/null || true)
        fi
    done
    for lib in $libs; do
        case " $preload " in *" $lib "*) ;; *) preload="$preload${preload:+ }$lib" ;; esac
    done
done
export PYTHONPATH="$path${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
if [[ -n "$preload" ]]; then
    # Preload into the interpreter only, not into the sh wrapper (tsan crashes sh).
    python=$("$python" -c 'import sys; print(sys.executable)')
    export LD_PRELOAD="$preload${LD_PRELOAD:+ $LD_PRELOAD}"
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
fi
exec "$python" "$runner" "$src"
