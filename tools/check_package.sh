#!/bin/bash
# Checks the pylog-cext Python package (packaging/python) and its pkg-config
# file, on a clean copy of the tree in a temporary directory:
#  1. `pip install --no-build-isolation --no-index` into a venv; pylog-config
#     and the pylog_cext functions name files that exist, the shipped
#     amalgamation is tools/amalgamate.sh's output, the version is pylog.h's;
#  2. an sdist carries the generated files, and a wheel built from it alone
#     (no pylog tree around) ships the same files;
#  3. pkg-config reads pylog.pc (version, -I, -pthread, variable sources);
#  4. examples/pkg-config: its Makefile builds spam through pkg-config and
#     its test passes; with CPPFLAGS=-DPYLOG_MAX_LEVEL=WARN the DEBUG and INFO
#     statements are gone from the .so and only the WARNING record arrives.
#   tools/check_package.sh [PYTHON]   PYTHON (default /usr/bin/python3) needs
#       setuptools and wheel (Debian python3-setuptools, python3-wheel).
set -euo pipefail
python=${1:-/usr/bin/python3}
repo=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/pylog-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
tree=$work/tree
"$repo/tools/copy_tree.sh" "$tree"
"$python" -m venv --system-site-packages --without-pip "$work/venv"
venv=$work/venv/bin/python
config=$work/venv/bin/pylog-config
fail() {
    echo "FAILED: $*" >&2
    exit 1
}

echo "== 1. pip install, pylog-config, pylog_cext"
"$venv" -m pip install --no-build-isolation --no-index "$tree/packaging/python"
version=$(sed -n 's/^#define PYLOG_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
          "$tree/pylog/pylog.h" | paste -sd.)
[[ $("$config" --version) == "$version" ]] || fail "pylog-config --version: $("$config" --version)"
"$config" --version --cflags --sources --cmakedir --pkgconfigdir
[[ $(cd "$work" && "$venv" -m pylog_cext --sources) == "$("$config" --sources)" ]] ||
    fail "python -m pylog_cext differs from pylog-config"
cflags=$("$config" --cflags)
[[ $cflags == -I* && -f ${cflags#-I}/pylog/pylog.h ]] || fail "--cflags: $cflags"
test -f "$("$config" --cmakedir)/pylogConfig.cmake" || fail "--cmakedir"
test -f "$("$config" --cmakedir)/pylogConfigVersion.cmake" || fail "--cmakedir version file"
test -f "$("$config" --pkgconfigdir)/pylog.pc" || fail "--pkgconfigdir"
if "$config" >/dev/null 2>&1; then fail "pylog-config without an option succeeded"; fi
"$tree/tools/amalgamate.sh" "$work/amalgamation" 2>/dev/null
cmp "$work/amalgamation/pylog.c" "$("$config" --sources)"
cmp "$work/amalgamation/pylog/pylog.h" "${cflags#-I}/pylog/pylog.h"
(cd "$work" && "$venv" -c '
import os, sys, pylog_cext
sources = pylog_cext.get_sources()
assert isinstance(sources, list) and len(sources) == 1, sources
assert all(os.path.isabs(s) and os.path.isfile(s) for s in sources), sources
assert os.path.isfile(os.path.join(pylog_cext.get_include(), "pylog", "pylog.h"))
assert os.path.isfile(os.path.join(pylog_cext.get_cmake_dir(), "pylogConfig.cmake"))
assert os.path.isfile(os.path.join(pylog_cext.get_pkgconfig_dir(), "pylog.pc"))
assert pylog_cext.__version__ == sys.argv[1], pylog_cext.__version__
' "$version")

echo "== 2. sdist, then a wheel from the sdist alone"
(cd "$tree/packaging/python" && "$venv" setup.py -q sdist -d "$work/dist" 2>/dev/null)
mkdir -p "$work/alone" && tar -C "$work/alone" -xzf "$work"/dist/pylog-cext-*.tar.gz
"$venv" -m pip install -q --no-build-isolation --no-index --target "$work/from-sdist" \
    "$work"/alone/pylog-cext-*/
site=$("$venv" -c 'import os, pylog_cext; print(os.path.dirname(pylog_cext.__file__))')
for f in include/pylog/pylog.h share/pylog/pylog.c share/pkgconfig/pylog.pc \
         share/cmake/pylog/pylogConfig.cmake share/cmake/pylog/pylogConfigVersion.cmake; do
    cmp "$site/$f" "$work/from-sdist/pylog_cext/$f"
done

echo "== 3. pkg-config"
export PKG_CONFIG_PATH=$("$config" --pkgconfigdir)
[[ $(pkg-config --modversion pylog) == "$version" ]] || fail "pkg-config --modversion"
[[ $(pkg-config --libs pylog) == *-pthread* ]] || fail "pkg-config --libs: no -pthread"
read -r pc_include < <(pkg-config --cflags-only-I pylog)
test -f "${pc_include#-I}/pylog/pylog.h" || fail "pkg-config --cflags: $pc_include"
cmp "$(pkg-config --variable=sources pylog)" "$("$config" --sources)"

echo "== 4. examples/pkg-config (make)"
cp -R "$tree/examples/pkg-config" "$work/make"
make -C "$work/make" PYTHON="$venv"
PYTHONPATH=$work/make "$venv" "$repo/testing/run_unittest.py" "$work/make/test_spam.py"
cp -R "$tree/examples/pkg-config" "$work/make-release"
make -C "$work/make-release" PYTHON="$venv" CPPFLAGS=-DPYLOG_MAX_LEVEL=WARN
so=$(echo "$work"/make-release/spam*.so)
grep -q 'slices is too much spam' "$so" || fail "the WARN statement's format is missing from $so"
if grep -q -e 'opening tin' -e 'ate %ld slices' "$so"; then
    fail "a DEBUG or INFO statement survived PYLOG_MAX_LEVEL=WARN in $so"
fi
PYLOG_MAX_LEVEL=WARN PYTHONPATH=$work/make-release \
    "$venv" "$repo/testing/run_unittest.py" "$work/make-release/test_spam.py"
echo "package: all checks passed"
