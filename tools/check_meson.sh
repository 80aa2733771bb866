#!/bin/bash
# Builds and tests pylog's Meson front doors with meson-python, on a clean
# copy of the tree in a temporary directory (the source tree stays clean):
#  1. examples/meson-python with pylog as a subproject (its subprojects/pylog
#     symlink to the tree), `pip install --no-build-isolation --no-index` into
#     a venv, pytest runs its tests/;
#  2. the same with the subproject option max_level=WARN
#     (--config-settings=setup-args=-Dpylog:max_level=WARN): DEBUG and INFO
#     statements are gone from the .so and only the WARNING record arrives;
#  3. the example without subprojects/, pylog found by pkg-config from the
#     pylog-cext package (PKG_CONFIG_PATH=$(pylog-config --pkgconfigdir));
#  4. meson.build's version must be pylog.h's: a mismatch is a setup error.
#   tools/check_meson.sh [PYTHON]   PYTHON (default /usr/bin/python3) needs
#       meson-python, setuptools, wheel and pytest (Debian: python3-mesonpy,
#       python3-setuptools, python3-wheel, python3-pytest) and its headers.
set -euo pipefail
python=${1:-/usr/bin/python3}
repo=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/pylog-meson.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
tree=$work/tree
"$repo/tools/copy_tree.sh" "$tree"
echo "meson $(meson --version)"
"$python" -m venv --system-site-packages --without-pip "$work/venv"
venv=$work/venv/bin/python
pip_install=("$venv" -m pip install --no-build-isolation --no-index)
if pkg-config --exists pylog; then
    echo "FAILED: pkg-config already finds a pylog.pc ($(pkg-config --variable=pcfiledir pylog));" \
        "the subproject builds below would not use the subproject" >&2
    exit 1
fi

echo "== 1. examples/meson-python, pylog as a subproject"
example=$tree/examples/meson-python
test -f "$example/subprojects/pylog/meson.build"
(cd "$example" && "${pip_install[@]}" .)
(cd "$example" && "$venv" -m pytest -v -p no:cacheprovider tests)

echo "== 2. the same, -Dpylog:max_level=WARN"
(cd "$example" &&
    "${pip_install[@]}" --target "$work/release" --config-settings=setup-args=-Dpylog:max_level=WARN .)
so=$(echo "$work"/release/spam*.so)
grep -q 'slices is too much spam' "$so" ||
    { echo "FAILED: the WARN statement's format is missing from $so" >&2; exit 1; }
if grep -q -e 'opening tin' -e 'ate %ld slices' "$so"; then
    echo "FAILED: a DEBUG or INFO statement survived max_level=WARN in $so" >&2
    exit 1
fi
(cd "$example" && PYLOG_MAX_LEVEL=WARN PYTHONPATH=$work/release \
    "$venv" -m pytest -v -p no:cacheprovider tests)

echo "== 3. examples/meson-python, pylog through pkg-config (pylog-cext)"
"${pip_install[@]}" "$tree/packaging/python"
cp -R "$example" "$work/pkgconfig"
rm -rf "$work/pkgconfig/subprojects" "$work"/pkgconfig/.mesonpy-*
(cd "$work/pkgconfig" && PKG_CONFIG_PATH=$("$work/venv/bin/pylog-config" --pkgconfigdir) \
    "${pip_install[@]}" --target "$work/pc-site" .)
(cd "$work/pkgconfig" && PYTHONPATH=$work/pc-site "$venv" -m pytest -v -p no:cacheprovider tests)

echo "== 4. a version differing from pylog.h is a setup error"
sed -i 's/^#define PYLOG_VERSION_PATCH \([0-9]*\)$/#define PYLOG_VERSION_PATCH 9\1/' "$tree/pylog/pylog.h"
if out=$(meson setup "$work/mismatch" "$tree" 2>&1); then
    echo "FAILED: meson setup accepted a version differing from pylog.h" >&2
    exit 1
fi
grep -qF 'pylog/pylog.h has another PYLOG_VERSION_PATCH' <<<"$out" ||
    { echo "FAILED: unexpected error: $out" >&2; exit 1; }
echo "meson: all checks passed"
