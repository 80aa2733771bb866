"""Drives the hello example extension from Python: levels, assertLogs,
setLevel + reset, threads. Run by `bazel test //testing:hello_py_test`."""
import logging
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
        hello.reset()

    def tearDown(self):
        self.root.removeHandler(self.capture)
        self.root.setLevel(logging.WARNING)
        hello.reset()

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

    def test_set_level_is_seen_after_reset(self):
        hello.greet("x")
        logging.getLogger("hello").setLevel(logging.ERROR)
        hello.reset()
        self.capture.records.clear()
        hello.greet("y")
        self.assertEqual(self.levels(), ["ERROR", "CRITICAL"])

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
