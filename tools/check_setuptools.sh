#!/bin/bash
# Builds and tests examples/setuptools as a user does, with pylog from the
# pylog-cext package (packaging/python), on a clean copy of the tree in a
# temporary directory (the source tree stays clean):
#   check_setuptools.sh build_ext PYTHON  pylog-cext's wheel built and installed
#       into a directory on PYTHONPATH (pip wheel, pip install --target) by
#       PYTHON when it has pip, setuptools and wheel, else by /usr/bin/python3
#       (the package is pure Python), then
#       `setup.py build_ext --inplace` and tests/test_spam.py (run_unittest.py)
#   check_setuptools.sh pip PYTHON  a venv of PYTHON (--system-site-packages,
#       for its setuptools, wheel and pytest), pylog-cext and then the example
#       installed with `pip install --no-build-isolation --no-index`, pytest
#       runs tests/ (test_spam.py and the caplog tests); then the release
#       build: setup.py's define_macros=[("PYLOG_MAX_LEVEL", "WARN")] line
#       uncommented, the module has no DEBUG or INFO statement left (their
#       format strings are absent from the .so) and logs only its WARNING.
# PYTHON needs setuptools (pip mode: also wheel and pytest, e.g. Debian's
# /usr/bin/python3 with python3-setuptools, python3-wheel, python3-pytest).
set -euo pipefail
mode=${1:-} python=${2:-}
if [[ -z $python ]]; then
    echo "usage: $0 build_ext|pip PYTHON" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/pylog-setuptools.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$repo/tools/copy_tree.sh" "$work/tree"
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
"$python" --version
cp -R "$work/tree/examples/setuptools" "$work/project"
cd "$work/project"

case $mode in
build_ext)
    builder=$python
    "$python" -c 'import pip, setuptools, wheel' 2>/dev/null || builder=/usr/bin/python3
    "$builder" -m pip wheel -q --no-build-isolation --no-index --no-deps -w "$work/wheels" \
        "$work/tree/packaging/python"
    "$builder" -m pip install -q --no-index --no-deps --target "$work/site" "$work"/wheels/*.whl
    PYTHONPATH=$work/site "$python" setup.py build_ext --inplace
    PYTHONPATH=$PWD "$python" "$repo/testing/run_unittest.py" tests/test_spam.py
    ;;
pip)
    "$python" -m venv --system-site-packages --without-pip "$work/venv"
    venv=$work/venv/bin/python
    "$venv" -m pip install --no-build-isolation --no-index "$work/tree/packaging/python"
    "$venv" -m pip install --no-build-isolation --no-index .
    "$venv" -m pytest -v -p no:cacheprovider tests

    echo "== release build: PYLOG_MAX_LEVEL=WARN through define_macros"
    cp -R "$work/tree/examples/setuptools" "$work/release"
    cd "$work/release"
    sed -i 's|^\( *\)# \(define_macros=\[("PYLOG_MAX_LEVEL", "WARN")\],\).*|\1\2|' setup.py
    grep -q '^ *define_macros=\[("PYLOG_MAX_LEVEL", "WARN")\],$' setup.py ||
        { echo "FAILED: no define_macros line to uncomment in setup.py" >&2; exit 1; }
    "$venv" setup.py -q build_ext --inplace
    so=$(echo spam*.so)
    grep -q 'slices is too much spam' "$so" ||
        { echo "FAILED: the WARN statement's format is missing from $so" >&2; exit 1; }
    if grep -q -e 'opening tin' -e 'ate %ld slices' "$so"; then
        echo "FAILED: a DEBUG or INFO statement survived PYLOG_MAX_LEVEL=WARN in $so" >&2
        exit 1
    fi
    "$venv" -c '
import logging
records = []
handler = logging.Handler()
handler.emit = records.append
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.DEBUG)
import spam
spam.eat(5)
got = [(r.levelname, r.getMessage()) for r in records]
assert got == [("WARNING", "5 slices is too much spam")], got
print("release build logs only:", got)'
    ;;
*)
    echo "$0: unknown mode '$mode' (build_ext or pip)" >&2
    exit 2
    ;;
esac
