#!/bin/bash
# Writes pylog's installable tree under PREFIX, the one layout every front door
# ships (the pylog-cext Python package, `cmake --install`):
#   PREFIX/include/pylog/pylog.h                the header (amalgamated)
#   PREFIX/share/pylog/pylog.c                  the amalgamation
#   PREFIX/share/pkgconfig/pylog.pc             pkg-config (variable `sources`)
#   PREFIX/share/cmake/pylog/pylogConfig.cmake  find_package(pylog): pylog::pylog
#   PREFIX/share/cmake/pylog/pylogConfigVersion.cmake
# from tools/amalgamate.sh and the templates in packaging/ (@PYLOG_VERSION@,
# @PYLOG_VERSION_MAJOR@, @PYLOG_VERSION_MINOR@, @PYLOG_VERSION_PATCH@ replaced
# by the version in pylog/pylog.h). Every path inside is relative to the file
# that holds it, so the tree can be moved.
#   tools/make_prefix.sh PREFIX
set -euo pipefail
if [[ $# -ne 1 || -z $1 ]]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd -P)
prefix=$1

read -r major minor patch < <(
    sed -n 's/^#define PYLOG_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$repo/pylog/pylog.h" |
        paste -sd' ')
if [[ -z ${patch:-} ]]; then
    echo "make_prefix.sh: no PYLOG_VERSION_MAJOR/MINOR/PATCH in pylog/pylog.h" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pylog-prefix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$repo/tools/amalgamate.sh" "$tmp/amalgamation"

mkdir -p "$prefix/include/pylog" "$prefix/share/pylog" "$prefix/share/pkgconfig" \
    "$prefix/share/cmake/pylog"
cp "$tmp/amalgamation/pylog/pylog.h" "$prefix/include/pylog/pylog.h"
cp "$tmp/amalgamation/pylog.c" "$prefix/share/pylog/pylog.c"
# substitute TEMPLATE OUTPUT
substitute() {
    sed -e "s/@PYLOG_VERSION@/$major.$minor.$patch/g" -e "s/@PYLOG_VERSION_MAJOR@/$major/g" \
        -e "s/@PYLOG_VERSION_MINOR@/$minor/g" -e "s/@PYLOG_VERSION_PATCH@/$patch/g" \
        "$repo/packaging/$1" >"$2"
    if grep -n '@PYLOG_[A-Z_]*@' "$2"; then
        echo "make_prefix.sh: packaging/$1 has a placeholder it does not know" >&2
        exit 1
    fi
}
substitute pylog.pc.in "$prefix/share/pkgconfig/pylog.pc"
substitute pylogConfig.cmake.in "$prefix/share/cmake/pylog/pylogConfig.cmake"
substitute pylogConfigVersion.cmake.in "$prefix/share/cmake/pylog/pylogConfigVersion.cmake"
