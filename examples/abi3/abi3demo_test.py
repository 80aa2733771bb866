"""Tests pylog's abi3 example (abi3demo.c) under whichever CPython runs it:
records, exceptions and threads work, and the module needs nothing from the
interpreter outside the stable ABI."""
import ast
import ctypes
import logging
import os
import subprocess
import sys
import sysconfig
import threading
import unittest

import abi3demo


def stable_abi_symbols():
    """The stable ABI's symbol names as listed by this CPython's own test
    suite (test/test_stable_abi_ctypes.py: SYMBOL_NAMES and its platform
    additions), from 3.13 on (3.11 and 3.12 leave out PyModule_Create2);
    None before."""
    path = os.path.join(sysconfig.get_paths()["stdlib"], "test", "test_stable_abi_ctypes.py")
    if sys.version_info < (3, 13):
        return None
    names = set()
    for node in ast.walk(ast.parse(open(path).read())):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(node, (ast.Assign, ast.AugAssign)) and getattr(target, "id", "") == "SYMBOL_NAMES":
            names.update(ast.literal_eval(node.value))
    if not names:
        raise AssertionError("no SYMBOL_NAMES in " + path)
    return names


class Abi3Test(unittest.TestCase):
    def setUp(self):
        self.records = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append
        self.root = logging.getLogger()
        self.root.addHandler(self.handler)
        self.root.setLevel(logging.DEBUG)

    def tearDown(self):
        self.root.removeHandler(self.handler)
        self.root.setLevel(logging.WARNING)
        abi3demo.pylog.set_filter("debug")

    def seen(self):
        return [(r.name, r.levelname, r.getMessage()) for r in self.records]

    def test_records_reach_logging(self):
        abi3demo.log(logging.INFO, "hello from abi3")
        abi3demo.log(25, "custom level")
        self.assertEqual(self.seen(), [("abi3demo", "INFO", "hello from abi3"),
                                       ("abi3demo", "Level 25", "custom level")])
        self.assertEqual((self.records[0].filename, self.records[0].funcName),
                         ("abi3demo.c", "abi3demo_log"))

    def test_record_is_this_interpreters_logrecord(self):
        # One build runs under every CPython: its records must have the
        # attributes and time arithmetic of the running one (taskName in
        # 3.12+, nanosecond start time in 3.13+), not of 3.8's headers.
        abi3demo.log(logging.WARNING, "fields")
        made = logging.LogRecord("x", logging.WARNING, __file__, 1, "m", None, None)
        record = self.records[0]
        self.assertEqual(sorted(vars(record)), sorted(vars(made)))
        self.assertLess(abs(record.relativeCreated - made.relativeCreated), 1000.0)
        self.assertLess(abs(record.created - made.created), 1.0)
        self.assertTrue(0 <= record.msecs < 1000, record.msecs)

    def test_pending_exception_survives_and_is_logged(self):
        with self.assertRaises(ValueError) as raised:
            abi3demo.fail("boom")
        self.assertEqual(str(raised.exception), "boom")
        self.assertEqual([(r.levelname, r.getMessage()) for r in self.records],
                         [("ERROR", "failing with a pending exception"), ("ERROR", "failed")])
        self.assertIsNone(self.records[0].exc_info)
        exc_type, exc_value, _ = self.records[1].exc_info
        self.assertIs(exc_type, ValueError)
        self.assertIs(exc_value, raised.exception)

    def test_thread_without_gil(self):
        abi3demo.from_thread(3)
        self.assertEqual([r.getMessage() for r in self.records],
                         ["worker record 0", "worker record 1", "worker record 2"])
        self.assertNotEqual(self.records[0].thread, threading.get_ident())

    def test_control_object_takes_names_and_targets(self):
        abi3demo.pylog.set_filter("warn")
        abi3demo.log(logging.INFO, "dropped")
        abi3demo.pylog.set_target_filter("abi3demo", "info")
        abi3demo.log(logging.INFO, "kept")
        abi3demo.pylog.set_target_filter("abi3demo", "notset")
        self.assertEqual([r.getMessage() for r in self.records], ["kept"])
        with self.assertRaisesRegex(TypeError, "int or a str, not <class 'float'>"):
            abi3demo.pylog.set_filter(1.5)
        with self.assertRaises(ValueError):
            abi3demo.pylog.set_target_filter("abi\0demo", "info")

    def test_imports_only_the_stable_abi(self):
        undefined = subprocess.run(["nm", "-D", "--undefined-only", abi3demo.__file__],
                                   check=True, stdout=subprocess.PIPE,
                                   universal_newlines=True).stdout.split()
        python = sorted(s for s in undefined if s.startswith(("Py", "_Py")))
        self.assertIn("PyModule_Create2", python)
        for symbol in python:
            with self.subTest(symbol):
                ctypes.pythonapi[symbol]  # resolves in this interpreter
        stable = stable_abi_symbols()
        if stable is not None:  # 3.13+: the interpreter's own list
            self.assertEqual([s for s in python if s not in stable], [])


if __name__ == "__main__":
    unittest.main()
