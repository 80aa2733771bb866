"""setup.py of pylog-cext, pylog for build time: a pure-Python package that
ships pylog's amalgamation and header, `pylog.pc` and the CMake config
package, and tells build tools where they are, as pybind11 does:

    import pylog_cext
    Extension("spam", sources=["spam.c"] + pylog_cext.get_sources(),
              include_dirs=[pylog_cext.get_include()])

    pylog-config --cflags --sources --cmakedir --pkgconfigdir

Build and install (offline, with the system's setuptools and wheel):

    python -m pip install --no-build-isolation --no-index packaging/python

The shipped files are generated at build time by tools/make_prefix.sh from
pylog/ (never copied into this directory); an sdist carries them already
generated, so a wheel can also be built from it without pylog's tree.
Distribution name pylog-cext, import name pylog_cext.
"""
import os
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_PREFIX = os.path.join(HERE, "..", "..", "tools", "make_prefix.sh")
SHIPPED = ["include", "share"]  # what make_prefix.sh writes, inside pylog_cext/


def make_prefix(dest):
    """Writes the shipped files into `dest` (pylog_cext/ of a build or sdist):
    generated from pylog's tree, or copied from an sdist's pylog_cext/."""
    if os.path.isfile(MAKE_PREFIX):
        subprocess.check_call(["bash", MAKE_PREFIX, dest])
        return
    source = os.path.join(HERE, "pylog_cext")
    if not os.path.isdir(os.path.join(source, "include")):
        raise SystemExit("pylog-cext: neither pylog's tree (%s) nor generated files in %s"
                         % (os.path.normpath(MAKE_PREFIX), source))
    for name in SHIPPED:
        target = os.path.join(dest, name)
        if os.path.abspath(target) != os.path.abspath(os.path.join(source, name)):
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(os.path.join(source, name), target)


def version():
    """PYLOG_VERSION_MAJOR.MINOR.PATCH of pylog.h (the tree's, or an sdist's)."""
    for path in [os.path.join(HERE, "..", "..", "pylog", "pylog.h"),
                 os.path.join(HERE, "pylog_cext", "include", "pylog", "pylog.h")]:
        if os.path.isfile(path):
            with open(path) as f:
                found = dict(re.findall(r"^#define PYLOG_VERSION_(MAJOR|MINOR|PATCH) (\d+)$",
                                        f.read(), re.M))
            return "%s.%s.%s" % (found["MAJOR"], found["MINOR"], found["PATCH"])
    raise SystemExit("pylog-cext: pylog.h not found")


class BuildPy(build_py):
    def run(self):
        super().run()
        make_prefix(os.path.join(self.build_lib, "pylog_cext"))


class Sdist(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        make_prefix(os.path.join(base_dir, "pylog_cext"))


setup(
    name="pylog-cext",
    version=version(),
    description="pylog for build time: log from C/C++ Python extension modules "
                "into logging; sources, headers, pkg-config and CMake files",
    long_description=__doc__,
    long_description_content_type="text/plain",
    packages=["pylog_cext"],
    python_requires=">=3.8",
    zip_safe=False,
    entry_points={"console_scripts": ["pylog-config = pylog_cext.__main__:main"]},
    cmdclass={"build_py": BuildPy, "sdist": Sdist},
)
