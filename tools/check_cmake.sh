#!/bin/bash
# Builds and tests pylog's CMake front doors on a clean copy of the tree in a
# temporary directory (the source tree stays clean):
#  1. examples/cmake with find_package(pylog) from the pylog-cext Python
#     package installed in a venv (-Dpylog_DIR=$(pylog-config --cmakedir));
#  2. examples/cmake with add_subdirectory(<the copy>) and
#     -DPYLOG_MAX_LEVEL=WARN: DEBUG and INFO statements are gone from the .so
#     and only the WARNING record arrives;
#  3. `cmake --install` of pylog's root CMakeLists.txt into a prefix, then a
#     C++-only project (project(... LANGUAGES CXX), C++17) finds it with
#     find_package(pylog 0.1 CONFIG REQUIRED) through CMAKE_PREFIX_PATH,
#     builds a C++ module and imports it; an incompatible version (99) is
#     refused;
#  4. mistakes fail at configure time with a clear message: add_subdirectory
#     from a project without C, and PYLOG_MAX_LEVEL=LOUD.
#   tools/check_cmake.sh [PYTHON]   PYTHON (default /usr/bin/python3) needs
#       setuptools and wheel (the package is built with them) and its headers.
set -euo pipefail
python=${1:-/usr/bin/python3}
repo=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/pylog-cmake.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
tree=$work/tree
"$repo/tools/copy_tree.sh" "$tree"
cmake --version | head -n 1
"$python" -m venv --system-site-packages --without-pip "$work/venv"
venv=$work/venv/bin/python
"$venv" -m pip install -q --no-build-isolation --no-index "$tree/packaging/python"

# expect_configure_failure MESSAGE CMAKE_ARGS...: cmake fails, saying MESSAGE.
expect_configure_failure() {
    local message=$1 out
    shift
    if out=$(cmake "$@" 2>&1); then
        echo "FAILED: cmake $* succeeded; expected: $message" >&2
        exit 1
    fi
    grep -qF "$message" <<<"$out" || { echo "FAILED: expected '$message' in: $out" >&2; exit 1; }
}

echo "== 1. examples/cmake, find_package(pylog) from the pylog-cext package"
cmake -S "$tree/examples/cmake" -B "$work/find" -DPython3_EXECUTABLE="$venv" \
    -Dpylog_DIR="$("$work/venv/bin/pylog-config" --cmakedir)"
cmake --build "$work/find"
PYTHONPATH=$work/find "$venv" "$repo/testing/run_unittest.py" "$tree/examples/cmake/test_spam.py"

echo "== 2. examples/cmake, add_subdirectory(pylog), -DPYLOG_MAX_LEVEL=WARN"
cmake -S "$tree/examples/cmake" -B "$work/subdir" -DPython3_EXECUTABLE="$venv" \
    -DPYLOG_SOURCE_DIR="$tree" -DPYLOG_MAX_LEVEL=WARN
cmake --build "$work/subdir"
so=$(echo "$work"/subdir/spam*.so)
grep -q 'slices is too much spam' "$so" ||
    { echo "FAILED: the WARN statement's format is missing from $so" >&2; exit 1; }
if grep -q -e 'opening tin' -e 'ate %ld slices' "$so"; then
    echo "FAILED: a DEBUG or INFO statement survived PYLOG_MAX_LEVEL=WARN in $so" >&2
    exit 1
fi
PYLOG_MAX_LEVEL=WARN PYTHONPATH=$work/subdir \
    "$venv" "$repo/testing/run_unittest.py" "$tree/examples/cmake/test_spam.py"

echo "== 3. cmake --install of pylog, then a C++-only project finds it"
cmake -S "$tree" -B "$work/pylog-build"
cmake --build "$work/pylog-build"
cmake --install "$work/pylog-build" --prefix "$work/prefix"
test -f "$work/prefix/share/cmake/pylog/pylogConfig.cmake"
test -f "$work/prefix/share/pkgconfig/pylog.pc"
mkdir -p "$work/cxx"
cat >"$work/cxx/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.18)
project(cxxmod LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
find_package(Python3 REQUIRED COMPONENTS Interpreter Development.Module)
find_package(pylog ${WANT} CONFIG REQUIRED)
Python3_add_library(cxxmod MODULE WITH_SOABI cxxmod.cc)
target_link_libraries(cxxmod PRIVATE pylog::pylog)
target_compile_options(cxxmod PRIVATE -Wall -Wextra -Wpedantic -Werror)
EOF
cat >"$work/cxx/cxxmod.cc" <<'EOF'
#include "pylog/pylog.h"
#include <string>
static PyObject *ping(PyObject *, PyObject *) {
    std::string who = "C++17";
    PYLOG_WARN("from %s", who.c_str());
    Py_RETURN_NONE;
}
static PyMethodDef methods[] = {{"ping", ping, METH_NOARGS, nullptr},
                                {nullptr, nullptr, 0, nullptr}};
static PyModuleDef def = {PyModuleDef_HEAD_INIT, "cxxmod", nullptr, -1,
                          methods, nullptr, nullptr, nullptr, nullptr};
PyMODINIT_FUNC PyInit_cxxmod(void) {
    if (pylog_init() < 0) return nullptr;
    return PyModule_Create(&def);
}
EOF
cmake -S "$work/cxx" -B "$work/cxx-build" -DPython3_EXECUTABLE="$venv" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DWANT=0.1
cmake --build "$work/cxx-build"
out=$(cd "$work/cxx-build" && "$venv" -c '
import logging, sys
logging.basicConfig(level=1, stream=sys.stdout, format="%(name)s %(levelname)s %(message)s")
import cxxmod
cxxmod.ping()')
[[ $out == "cxxmod WARNING from C++17" ]] || { echo "FAILED: cxxmod printed: $out" >&2; exit 1; }
expect_configure_failure 'with requested version "99"' -S "$work/cxx" -B "$work/cxx-99" \
    -DPython3_EXECUTABLE="$venv" -DCMAKE_PREFIX_PATH="$work/prefix" -DWANT=99

echo "== 4. mistakes are clear configure errors"
mkdir -p "$work/noc"
cat >"$work/noc/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.18)
project(noc LANGUAGES CXX)
add_subdirectory("$tree" pylog)
EOF
expect_configure_failure 'pylog is C: enable C in the project that adds it' \
    -S "$work/noc" -B "$work/noc-build"
expect_configure_failure 'PYLOG_MAX_LEVEL=LOUD: expected one of' \
    -S "$tree/examples/cmake" -B "$work/loud" -DPython3_EXECUTABLE="$venv" \
    -DPYLOG_SOURCE_DIR="$tree" -DPYLOG_MAX_LEVEL=LOUD
echo "cmake: all checks passed"
