"""Drives the hello example extension from Python: levels, assertLogs,
setLevel + reset, threads. Run by `bazel test //testing:hello_py_test`."""
import logging
import pydoc
import threading
import unittest

import hello

from capture import Capture


class HelloTest(unittest.TestCase):
    def setUp(self):
        self.capture = Capture()
        self.root = logging.getLogger()
        self.root.addHandler(self.capture)
        self.root.setLevel(logging.DEBUG)
        for name in ("hello", "hello.greeter", "hello.worker"):
            logging.getLogger(name).setLevel(logging.NOTSET)
        hello.pylog.reset()

    def tearDown(self):
        self.root.removeHandler(self.capture)
        self.root.setLevel(logging.WARNING)
        hello.pylog.reset()

    def levels(self):
        return [r.levelname for r in self.capture.records]

    def test_greet_logs_every_level_but_trace(self):
        hello.greet("ann")
        self.assertEqual(self.levels(), ["DEBUG", "INFO", "WARNING", "ERROR",
                                         "CRITICAL", "DEBUG"])
        record = self.capture.records[1]
        self.assertEqual(record.getMessage(), "hello, ann!")
        self.assertEqual(record.name, "hello.greeter")
        self.assertEqual(record.funcName, "hello_greet")
        self.assertEqual(record.filename, "hello.c")

    def test_assert_logs_captures_pylog_records(self):
        with self.assertLogs("hello.greeter", level="ERROR") as logs:
            hello.greet("bob")
        self.assertEqual(logs.output, [
            "ERROR:hello.greeter:out of cake for bob",
            "CRITICAL:hello.greeter:bob saw the kitchen"])

    def test_set_level_is_seen_without_reset(self):
        hello.greet("x")
        logging.getLogger("hello").setLevel(logging.ERROR)
        self.capture.records.clear()
        hello.greet("y")
        self.assertEqual(self.levels(), ["ERROR", "CRITICAL"])

    def test_direct_level_assignment_needs_reset(self):
        hello.greet("x")
        logging.getLogger("hello").level = logging.ERROR
        self.capture.records.clear()
        hello.greet("y")
        self.assertEqual(len(self.capture.records), 6)
        hello.pylog.reset()
        self.capture.records.clear()
        hello.greet("z")
        self.assertEqual(self.levels(), ["ERROR", "CRITICAL"])

    def test_exception_is_logged_and_still_raised(self):
        with self.assertRaises(ValueError):
            hello.parse("twelve")
        record = self.capture.records[-1]
        self.assertEqual(record.levelname, "ERROR")
        self.assertIs(record.exc_info[0], ValueError)
        self.assertIn("ValueError: invalid literal",
                      logging.Formatter().format(record))
        self.assertEqual(hello.parse("12"), 12)

    def test_structured_fields(self):
        hello.login("ann", 3)
        record = self.capture.records[-1]
        self.assertEqual((record.user, record.attempts), ("ann", 3))
        formatter = logging.Formatter("%(user)s/%(attempts)d %(message)s")
        self.assertEqual(formatter.format(record), "ann/3 ann logged in")

    def test_control_object(self):
        control = hello.pylog
        self.assertEqual(control.filters(), {"level": 10, "targets": {}})
        control.set_target_filter("hello::greeter", "error")
        hello.greet("f")
        self.assertEqual(self.levels(), ["ERROR", "CRITICAL"])
        control.set_target_filter("hello.greeter", 0)
        self.assertEqual(control.filters()["targets"], {})
        control.set_filter("TRACE")
        self.root.setLevel(1)
        self.capture.records.clear()
        hello.greet("g")
        self.assertEqual(self.levels()[0], "TRACE")
        control.set_filter(logging.DEBUG)
        self.assertGreater(control.stats()["emitted"], 0)
        self.assertIs(control.flush(), True)
        with self.assertRaises(TypeError):
            control.set_filter(1.5)
        with self.assertRaises(ValueError):
            control.set_filter("loud")
        with self.assertRaises(ValueError):
            control.set_filter(-1)
        with self.assertRaises(ValueError):
            control.set_target_filter("", 10)
        self.assertIn("cached", control.reset.__doc__)
        page = pydoc.render_doc(control, renderer=pydoc.plaintext)
        self.assertIn("set_target_filter(self, target, level, /)", page)
        self.assertIn("control object", page)

    def test_custom_level_and_percent(self):
        logging.addLevelName(25, "NOTICE")
        hello.log(25, "50% done %s")
        self.assertEqual(self.levels(), ["NOTICE"])
        self.assertEqual(self.capture.records[0].getMessage(), "50% done %s")

    def test_c_thread_without_gil(self):
        hello.from_thread(3)
        messages = [r.getMessage() for r in self.capture.records]
        self.assertEqual(messages, ["worker message %d of 3" % i
                                    for i in (1, 2, 3)])
        self.assertEqual({r.name for r in self.capture.records},
                         {"hello.worker"})
        self.assertNotEqual(self.capture.records[0].thread,
                            threading.get_ident())

    def test_python_threads_calling_in(self):
        threads = [threading.Thread(target=hello.greet, args=("t%d" % i,))
                   for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(self.capture.records), 4 * 6)


if __name__ == "__main__":
    unittest.main()
