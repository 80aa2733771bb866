"""pylog_cext: pylog for build time (the pylog-cext package).

pylog logs from C/C++ Python extension modules into Python's `logging`. It is
compiled into each extension module (every module gets its own state), so
this package ships its sources rather than a library:

    from setuptools import Extension
    import pylog_cext
    Extension("spam", sources=["spam.c"] + pylog_cext.get_sources(),
              include_dirs=[pylog_cext.get_include()])

and `#include "pylog/pylog.h"` in spam.c. The same files for other build
systems: get_cmake_dir() (find_package(pylog CONFIG), target pylog::pylog),
get_pkgconfig_dir() (pylog.pc), and the `pylog-config` command.
"""
import os
import re

__all__ = ["get_include", "get_sources", "get_cmake_dir", "get_pkgconfig_dir"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def _path(*parts):
    path = os.path.join(_HERE, *parts)
    if not os.path.exists(path):
        raise RuntimeError("pylog_cext: %s is missing; this package must be installed from "
                           "a wheel or sdist (an editable install has no generated files)"
                           % path)
    return path


def get_include():
    """The directory to add to the include path: it holds pylog/pylog.h."""
    return _path("include")


def get_sources():
    """The C sources to compile into each extension module: a list holding
    the path of pylog's amalgamation, pylog.c."""
    return [_path("share", "pylog", "pylog.c")]


def get_cmake_dir():
    """The directory of pylogConfig.cmake (-Dpylog_DIR=...)."""
    return _path("share", "cmake", "pylog")


def get_pkgconfig_dir():
    """The directory of pylog.pc (for PKG_CONFIG_PATH)."""
    return _path("share", "pkgconfig")


def _version():
    with open(os.path.join(get_include(), "pylog", "pylog.h")) as f:
        found = dict(re.findall(r"^#define PYLOG_VERSION_(MAJOR|MINOR|PATCH) (\d+)$",
                                f.read(), re.M))
    return "%s.%s.%s" % (found["MAJOR"], found["MINOR"], found["PATCH"])


__version__ = _version()
