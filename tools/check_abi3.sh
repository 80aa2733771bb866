#!/bin/bash
# Builds examples/abi3 once with a plain compiler against the first PYTHON's
# headers and the limited API of CPython 3.8 (-DPy_LIMITED_API=0x03080000),
# as abi3demo.abi3.so, then runs examples/abi3/abi3demo_test.py with that one
# file under every PYTHON given. Fails if the build or any run fails.
#   tools/check_abi3.sh $(pyenv root)/versions/3.8.18/bin/python3 \
#       $(pyenv root)/versions/3.13.0/bin/python3
set -euo pipefail
if [[ $# -eq 0 ]]; then
    echo "usage: $0 BUILD_PYTHON [PYTHON ...]" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
out=$(mktemp -d "${TMPDIR:-/tmp}/pylog-abi3.XXXXXX")
trap 'rm -rf "$out"' EXIT
include=$("$1" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
echo "building against $include"
cc -shared -fPIC -fvisibility=hidden -std=c99 -Wall -Wextra -Werror -pthread \
    -DPy_LIMITED_API=0x03080000 -I"$include" -I. pylog/*.c examples/abi3/abi3demo.c \
    -o "$out/abi3demo.abi3.so"
status=0
for python in "$@"; do
    PYTHONPATH=$out PYTHONDONTWRITEBYTECODE=1 \
        "$python" testing/run_unittest.py examples/abi3/abi3demo_test.py || status=1
done
exit $status
