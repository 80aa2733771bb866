"""Compiler options shared by every pylog target.

Target copts come after --copt/--cxxopt on the command line, so the -std here wins
over the .bazelrc default (-std=c++14).
"""

_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Wformat=2",
    "-Wshadow",
    "-Werror",
]

# The library's C files and the C examples.
PYLOG_COPTS = ["-std=c99"] + _WARNINGS + ["-Wconversion", "-fvisibility=hidden"]

# C++ code that includes pylog.h (C++ examples, header checks).
PYLOG_CXX_COPTS = ["-std=c++11"] + _WARNINGS + ["-fvisibility=hidden"]

# GoogleTest .cc files (system gtest 1.12 needs C++14).
PYLOG_TEST_COPTS = ["-std=c++14", "-Wall", "-Wextra", "-Werror"]
