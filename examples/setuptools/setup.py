"""setup.py of pylog's setuptools example: the `spam` extension module with
pylog compiled in. pylog comes from the pylog-cext package (build time only):
the `import` and the two Extension arguments marked "pylog" are all a
project adds; pyproject.toml lists pylog-cext in build-system.requires.

    python -m pip install .                  # build isolation: fetches pylog-cext
    python -m pip install --no-build-isolation --no-index .
                                             # offline: pylog-cext installed already
    python setup.py build_ext --inplace      # the same, old style

A release build that removes DEBUG and INFO statements at compile time
uncomments the define_macros line.
tools/check_setuptools.sh builds and tests it these ways.
"""
import pylog_cext  # pylog
from setuptools import Extension, setup

setup(
    name="spam",
    version="1.0",
    ext_modules=[
        Extension(
            "spam",
            sources=["spam.c"] + pylog_cext.get_sources(),  # pylog
            include_dirs=[pylog_cext.get_include()],  # pylog
            # define_macros=[("PYLOG_MAX_LEVEL", "WARN")],  # release build
        )
    ],
)
