#!/bin/bash
# Fuzzes pylog's filter spec parser and rule table with libFuzzer under
# AddressSanitizer (leaks included): builds testing/filter_spec_fuzzer.cc with
# clang straight from pylog/*.c, then runs it.
#   tools/fuzz.sh              1,000,000 inputs (the documented run, ~10 s)
#   tools/fuzz.sh -runs=N ...  any libFuzzer flags instead of the default
# Exits non-zero on a crash, leak, out-of-bounds access or broken invariant.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh

out=${TMPDIR:-/tmp}/pylog-fuzz
mkdir -p "$out/corpus"
python=${PYLOG_PYTHON:-python3}
includes=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')

sanitizers=address,undefined
common=(-g -O1 -fno-sanitize-recover=all -I. -Ipylog -I"$includes")
objects=()
for src in pylog/filter.c pylog/filter_spec.c pylog/name.c; do
    object=$out/$(basename "$src" .c).o
    clang -std=c99 -fsanitize=fuzzer-no-link,$sanitizers "${common[@]}" \
        -c "$src" -o "$object"
    objects+=("$object")
done
clang++ -std=c++17 -fsanitize=fuzzer,$sanitizers "${common[@]}" \
    testing/filter_spec_fuzzer.cc testing/filter_spec_fuzz.cc "${objects[@]}" \
    -o "$out/filter_spec_fuzzer"

seeds=("warn,mypkg=debug,mypkg::io=trace" " INFO , a.b = Warning ,c=off"
       "error,x=25,y=0,z=notset" "=debug,b=101,c=,d=1=2" "a,,b,")
for i in "${!seeds[@]}"; do
    printf '%s' "${seeds[$i]}" >"$out/corpus/seed$i"
done
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(-runs=1000000)
ASAN_OPTIONS=detect_leaks=1 "$out/filter_spec_fuzzer" -max_len=256 \
    "${args[@]}" "$out/corpus"
