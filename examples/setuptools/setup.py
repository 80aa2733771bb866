"""setup.py of pylog's setuptools example: the `spam` extension module with
pylog compiled in. pylog is vendored the documented way: a copy of pylog's
`pylog/` folder next to this file (in pylog's repository a symlink to the
library itself), its .c files compiled with the module's, hidden visibility.

    python setup.py build_ext --inplace     # then: python -c "import spam"
    python -m pip install --no-build-isolation --no-index .
                                             # needs `wheel` with setuptools < 70.1
tools/check_setuptools.sh builds and tests it both ways.
"""
import glob

from setuptools import Extension, setup

setup(
    name="spam",
    version="1.0",
    ext_modules=[
        Extension(
            "spam",
            sources=["spam.c"] + sorted(glob.glob("pylog/*.c")),
            depends=glob.glob("pylog/*.h") + glob.glob("pylog/internal/*.h"),
            include_dirs=["."],  # for "pylog/pylog.h"
            # no -std=: it would apply to spam.c too, and pylog needs none
            extra_compile_args=["-fvisibility=hidden"],
            extra_link_args=["-pthread"],  # libpthread on glibc < 2.34
        )
    ],
)
