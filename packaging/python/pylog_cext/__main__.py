"""`pylog-config` (also `python -m pylog_cext`): prints where pylog-cext's
files are, for build systems, like pybind11-config. Each option asked for
prints one line, in the order below:

    pylog-config --version        0.1.0
    pylog-config --cflags         -I.../pylog_cext/include
    pylog-config --sources        .../pylog_cext/share/pylog/pylog.c
    pylog-config --cmakedir       .../pylog_cext/share/cmake/pylog
    pylog-config --pkgconfigdir   .../pylog_cext/share/pkgconfig
"""
import argparse
import sys

import pylog_cext


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="pylog-config",
        description="Where pylog's files are, for compiling it into an extension module.")
    parser.add_argument("--version", action="store_true", help="pylog's version")
    parser.add_argument("--cflags", action="store_true",
                        help="compiler flags: the include directory of pylog/pylog.h")
    parser.add_argument("--sources", action="store_true",
                        help="the C source to compile into the module (the amalgamation)")
    parser.add_argument("--cmakedir", action="store_true",
                        help="the directory of pylogConfig.cmake (for -Dpylog_DIR=)")
    parser.add_argument("--pkgconfigdir", action="store_true",
                        help="the directory of pylog.pc (for PKG_CONFIG_PATH)")
    args = parser.parse_args(argv)
    lines = []
    if args.version:
        lines.append(pylog_cext.__version__)
    if args.cflags:
        lines.append("-I" + pylog_cext.get_include())
    if args.sources:
        lines.append(" ".join(pylog_cext.get_sources()))
    if args.cmakedir:
        lines.append(pylog_cext.get_cmake_dir())
    if args.pkgconfigdir:
        lines.append(pylog_cext.get_pkgconfig_dir())
    if not lines:
        parser.print_usage(sys.stderr)
        sys.stderr.write("pylog-config: error: give at least one option\n")
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
