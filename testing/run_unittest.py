"""Runs one Python unittest file for pylog_py_test (testing/python_test.bzl).

usage: python3 run_unittest.py TEST_FILE.py

Verbose progress goes to stderr (the test log); a JUnit-style report with one
<testcase> per test goes to $XML_OUTPUT_FILE when Bazel sets it. Policy: a skipped
test fails (a test that needs a missing tool must not pass quietly), so do an
unexpected success and a file with no tests. Standard library only, Python 3.8+.
"""

import importlib.util
import os
import re
import sys
import time
import traceback
import unittest
import xml.etree.ElementTree as ET


class _Result(unittest.TextTestResult):
    """TextTestResult that also keeps (id, outcome, message, detail, seconds) per case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = []
        self._start = time.monotonic()

    def startTest(self, test):
        self._start = time.monotonic()
        super().startTest(test)

    def _record(self, test, outcome, message="", detail=""):
        self.cases.append((test.id(), outcome, message, detail, time.monotonic() - self._start))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", str(err[1]), self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", str(err[1]), self._exc_info_to_string(err, test))

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._record(subtest, "failure" if failed else "error", str(err[1]),
                         self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "failure", "skipped: " + reason,
                     "skipped tests fail by policy; reason: " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "pass")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "failure", "unexpected success")


def _clean(text):
    """Drops characters XML 1.0 cannot carry."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "?", text)


def _write_xml(path, suite_name, cases):
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(cases)))
    suite.set("failures", str(sum(c[1] == "failure" for c in cases)))
    suite.set("errors", str(sum(c[1] == "error" for c in cases)))
    suite.set("time", "%.3f" % sum(c[4] for c in cases))
    for case_id, outcome, message, detail, seconds in cases:
        classname, _, name = case_id.rpartition(".")
        case = ET.SubElement(suite, "testcase", name=_clean(name), classname=_clean(classname),
                             time="%.3f" % seconds)
        if outcome != "pass":
            child = ET.SubElement(case, outcome, message=_clean(message[:500]))
            child.text = _clean(detail)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    path = os.path.abspath(argv[1])
    name = os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.path.dirname(path))
    sys.stderr.write("python %s (%s)\n" % (sys.version.split()[0], sys.executable))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        tests = unittest.defaultTestLoader.loadTestsFromModule(module)
    except BaseException:  # Import errors, SystemExit from the module, ...
        detail = traceback.format_exc()
        sys.stderr.write(detail)
        cases = [(name + ".import", "error", detail.strip().splitlines()[-1], detail, 0.0)]
    else:
        runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=_Result)
        cases = runner.run(tests).cases
        if not cases:
            cases = [(name + ".no_tests", "failure", "no tests found", "", 0.0)]
    if os.environ.get("XML_OUTPUT_FILE"):
        _write_xml(os.environ["XML_OUTPUT_FILE"], name, cases)
    failed = [c[0] for c in cases if c[1] != "pass"]
    sys.stderr.write("%d passed, %d failed %s\n" % (len(cases) - len(failed), len(failed),
                                                    " ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
