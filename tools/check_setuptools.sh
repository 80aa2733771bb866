#!/bin/bash
# Builds and tests examples/setuptools the way a vendoring user does, on a copy
# in a temporary directory (the source tree stays clean): the project files with
# a real copy of pylog/ next to setup.py (in the repository it is a symlink).
#   check_setuptools.sh build_ext PYTHON  setup.py build_ext --inplace, then
#                                          tests/test_spam.py (testing/run_unittest.py)
#   check_setuptools.sh pip PYTHON        pip install --no-build-isolation --no-index
#                                          into a directory, then pytest runs tests/
#                                          (test_spam.py and the caplog tests)
# PYTHON needs setuptools (pip mode: also wheel and pytest, e.g. Debian's
# /usr/bin/python3 with python3-setuptools, python3-wheel, python3-pytest).
set -euo pipefail
mode=${1:-} python=${2:-}
if [[ -z $python ]]; then
    echo "usage: $0 build_ext|pip PYTHON" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pylog-setuptools.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -RL "$repo/examples/setuptools/." "$work/project"
cd "$work/project"
export PYTHONDONTWRITEBYTECODE=1
"$python" --version
case $mode in
build_ext)
    "$python" setup.py build_ext --inplace
    PYTHONPATH=$PWD "$python" "$repo/testing/run_unittest.py" tests/test_spam.py
    ;;
pip)
    "$python" -m pip install --no-build-isolation --no-index --target "$work/site" .
    PYTHONPATH=$work/site "$python" -m pytest -v -p no:cacheprovider tests
    ;;
*)
    echo "$0: unknown mode '$mode' (build_ext or pip)" >&2
    exit 2
    ;;
esac
