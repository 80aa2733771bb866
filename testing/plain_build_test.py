"""Builds pylog the way a vendoring user does, with a plain compiler command
(`cc -shared -fPIC -fvisibility=hidden -I<python include> -I. pylog/*.c
ext.c`), under gcc and clang, warning-free as C99 and with the header used
from C++11; checks what the module exports, that stripped statements still
type-check, and that the result imports and logs."""
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import unittest

ROOT = os.getcwd()  # the runfiles tree: pylog/, examples/, testing/
INCLUDE = sysconfig.get_paths()["include"]
SOURCES = sorted(os.path.join("pylog", f) for f in os.listdir(
    os.path.join(ROOT, "pylog")) if f.endswith(".c"))
WARNINGS = ["-Wall", "-Wextra", "-Wpedantic", "-Werror"]

CXX_USER = r"""
#include "pylog/pylog.h"
static PyObject *ping(PyObject *m, PyObject *a) {
    (void)m; (void)a;
    PYLOG_WARN("from C++ %d", 11);
    PYLOG_ERROR("no arguments");
    if (PYLOG_ENABLED(PYLOG_LEVEL_INFO)) PYLOG_INFO("enabled");
    Py_RETURN_NONE;
}
static PyMethodDef methods[] = {{"ping", ping, METH_NOARGS, nullptr},
                                {nullptr, nullptr, 0, nullptr}};
static PyModuleDef def = {PyModuleDef_HEAD_INIT, "plaincxx", nullptr, -1,
                          methods, nullptr, nullptr, nullptr, nullptr};
PyMODINIT_FUNC PyInit_plaincxx(void) {
    if (pylog_init() < 0) return nullptr;
    return PyModule_Create(&def);
}
"""


def compiler(name):
    path = shutil.which(name)
    if path is None:
        raise AssertionError(name + " is not installed (tools/setup.sh)")
    return path


class PlainBuildTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.out)

    def run_cc(self, args, expect_ok=True):
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        if expect_ok:
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stderr, "", "warnings: " + done.stderr)
        return done

    def build_hello(self, cc):
        target = os.path.join(self.out, "hello.so")
        self.run_cc([compiler(cc), "-std=c99", "-O2", "-shared", "-fPIC",
                     "-fvisibility=hidden", *WARNINGS, "-Wconversion",
                     "-Wshadow", "-Wformat=2", "-I" + INCLUDE, "-I.",
                     *SOURCES, "examples/hello/hello.c", "-o", target])
        return target

    def exported(self, so):
        """The symbols another module can bind to: defined in .dynsym, not
        of hidden visibility (GNU ld lists the hidden __start_pylog_sites
        and __stop_pylog_sites there; the dynamic linker never binds a
        hidden symbol)."""
        done = subprocess.run(["nm", "-D", "--defined-only", so],
                              capture_output=True, text=True, check=True)
        symbols = subprocess.run(["readelf", "--dyn-syms", "-W", so],
                                 capture_output=True, text=True, check=True)
        hidden = {line.split()[7] for line in symbols.stdout.splitlines()
                  if len(line.split()) >= 8 and line.split()[5] == "HIDDEN"}
        return [line.split()[-1] for line in done.stdout.splitlines()
                if line.split()[1] in "TDBRV" and
                line.split()[-1] not in hidden]

    def test_gcc_c99_builds_and_exports_only_pyinit(self):
        so = self.build_hello("gcc")
        self.assertEqual(self.exported(so), ["PyInit_hello"])

    def test_clang_c99_builds_and_exports_only_pyinit(self):
        so = self.build_hello("clang")
        self.assertEqual(self.exported(so), ["PyInit_hello"])

    def test_default_visibility_still_hides_pylog(self):
        target = os.path.join(self.out, "hello.so")
        self.run_cc([compiler("gcc"), "-shared", "-fPIC", "-I" + INCLUDE,
                     "-I.", *SOURCES, "examples/hello/hello.c", "-o", target])
        exported = self.exported(target)
        self.assertIn("PyInit_hello", exported)
        self.assertEqual([s for s in exported if "pylog" in s], [])

    def test_cxx11_user_module_builds_and_logs(self):
        objects = []
        for source in SOURCES:
            obj = os.path.join(self.out, os.path.basename(source) + ".o")
            self.run_cc([compiler("gcc"), "-std=c99", "-fPIC",
                         "-fvisibility=hidden", *WARNINGS, "-I" + INCLUDE,
                         "-I.", "-c", source, "-o", obj])
            objects.append(obj)
        user = os.path.join(self.out, "plaincxx.cc")
        with open(user, "w") as f:
            f.write(CXX_USER)
        target = os.path.join(self.out, "plaincxx.so")
        self.run_cc([compiler("g++"), "-std=c++11", "-shared", "-fPIC",
                     "-fvisibility=hidden", *WARNINGS, "-I" + INCLUDE, "-I.",
                     user, *objects, "-o", target])
        script = (
            "import logging, sys\n"
            "logging.basicConfig(level=1, stream=sys.stdout,"
            " format='%(name)s %(levelname)s %(message)s')\n"
            "import plaincxx\nplaincxx.ping()\n")
        done = subprocess.run([sys.executable, "-c", script], cwd=self.out,
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [
            "plaincxx WARNING from C++ 11", "plaincxx ERROR no arguments",
            "plaincxx INFO enabled"])

    def stripped_site(self, body):
        source = os.path.join(self.out, "stripped.c")
        with open(source, "w") as f:
            f.write('#include "pylog/pylog.h"\nvoid f(int n);\n'
                    "void f(int n) { (void)n; %s }\n" % body)
        return self.run_cc([compiler("gcc"), "-std=c99", "-fsyntax-only",
                            "-DPYLOG_MAX_LEVEL=WARN", *WARNINGS,
                            "-I" + INCLUDE, "-I.", source], expect_ok=False)

    def test_stripped_statement_still_type_checks_its_format(self):
        self.assertEqual(self.stripped_site(
            'PYLOG_DEBUG("%d", n);').returncode, 0)
        done = self.stripped_site('PYLOG_DEBUG("%s", n);')
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("format", done.stderr)

    def test_stripped_statement_still_compiles_its_arguments(self):
        done = self.stripped_site('PYLOG_TRACE("%d", no_such_variable);')
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("no_such_variable", done.stderr)

    def test_bad_max_level_is_a_clear_error(self):
        source = os.path.join(self.out, "bad.c")
        with open(source, "w") as f:
            f.write('#include "pylog/pylog.h"\n')
        done = self.run_cc([compiler("gcc"), "-fsyntax-only",
                            "-DPYLOG_MAX_LEVEL=LOUD", "-I" + INCLUDE, "-I.",
                            source], expect_ok=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("PYLOG_MAX_LEVEL must be one of", done.stderr)


if __name__ == "__main__":
    unittest.main()
