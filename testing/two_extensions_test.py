"""Two extensions that both embed pylog, loaded with RTLD_GLOBAL into one
interpreter: separate configuration, caches, resets, stats and sites."""
import logging
import os
import sys
import threading
import unittest

sys.setdlopenflags(os.RTLD_GLOBAL | os.RTLD_NOW)
import testext_a  # noqa: E402
import testext_b  # noqa: E402

from capture import Capture

DEBUG, INFO, WARN, ERROR = 10, 20, 30, 40
LOGGERS_AND_LEVELS = 2


class TwoExtensionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        assert testext_a.install(ERROR, [], LOGGERS_AND_LEVELS, "a.", None) == 0
        assert testext_b.install(DEBUG, [], LOGGERS_AND_LEVELS, "b.", None) == 0

    def setUp(self):
        self.capture = Capture()
        logging.root.addHandler(self.capture)
        logging.root.setLevel(1)
        testext_a.reset()
        testext_b.reset()

    def tearDown(self):
        logging.root.removeHandler(self.capture)

    def test_each_has_its_own_filter_and_prefix(self):
        testext_a.log(INFO, "a info")
        testext_a.log(ERROR, "a error")
        testext_b.log(INFO, "b info")
        self.assertEqual([(r.name, r.getMessage()) for r in self.capture.records],
                         [("a.testext", "a error"), ("b.testext", "b info")])

    def test_each_refuses_only_its_own_second_install(self):
        self.assertEqual(testext_a.try_init(), -2)
        self.assertEqual(testext_b.try_init(), -2)

    def test_reset_of_one_leaves_the_other_cached(self):
        testext_a.log(ERROR, "warm a")
        testext_b.log(DEBUG, "warm b")
        logging.root.level = logging.CRITICAL  # unannounced: needs a reset
        testext_a.reset()  # only a forgets its cached levels
        self.capture.records.clear()
        testext_a.log(ERROR, "a now filtered by CRITICAL")
        testext_b.log(DEBUG, "b still cached at level 1")
        self.assertEqual([r.getMessage() for r in self.capture.records],
                         ["b still cached at level 1"])

    def test_stats_are_separate(self):
        a0, b0 = testext_a.stats(), testext_b.stats()
        testext_a.log(ERROR, "x")
        testext_a.log(ERROR, "y")
        self.assertEqual(testext_a.stats()[0], a0[0] + 2)
        self.assertEqual(testext_b.stats()[0], b0[0])

    def test_both_from_threads_at_once(self):
        def spam(ext, n):
            for i in range(n):
                ext.log(ERROR, str(i))
        threads = [threading.Thread(target=spam, args=(ext, 200))
                   for ext in (testext_a, testext_b, testext_a, testext_b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        names = [r.name for r in self.capture.records]
        self.assertEqual(names.count("a.testext"), 400)
        self.assertEqual(names.count("b.testext"), 400)

    def test_both_queue_from_c_threads_at_once(self):
        # Each extension has its own queue, delivery thread and counters.
        workers = [threading.Thread(target=ext.log_from_threads, args=(4, 500))
                   for ext in (testext_a, testext_b)]
        a0, b0 = testext_a.stats(), testext_b.stats()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        self.assertEqual(testext_a.flush(), 0)
        self.assertEqual(testext_b.flush(), 0)
        names = [r.name for r in self.capture.records]
        # a filters at ERROR: its WARNINGs stop at its own filter.
        self.assertEqual(names.count("a.testext"), 0)
        self.assertEqual(names.count("b.testext"), 2000)
        self.assertEqual(testext_a.stats()[:2], a0[:2])
        self.assertEqual(testext_b.stats()[0], b0[0] + 2000)
        self.assertEqual(testext_b.stats()[1], b0[1])

    def test_each_lists_and_switches_only_its_own_sites(self):
        def formats(ext):
            return [s["format"] for s in ext.pylog.sites()]
        # Built from the same sources but for one statement each.
        self.assertIn("I am testext_a", formats(testext_a))
        self.assertNotIn("I am testext_b", formats(testext_a))
        self.assertIn("I am testext_b", formats(testext_b))
        self.assertNotIn("I am testext_a", formats(testext_b))
        self.assertEqual(len(formats(testext_a)), len(formats(testext_b)))
        self.assertEqual(len(formats(testext_a)), len(set(
            (s["file"], s["line"]) for s in testext_a.pylog.sites())))
        try:
            # a filters at ERROR: its INFO is sent only when switched on
            self.assertEqual(testext_a.pylog.control("func *whoami on"), 1)
            states = [s["state"] for s in testext_b.pylog.sites()]
            self.assertEqual(set(states), {"default"})
            testext_a.whoami()
            testext_b.whoami()
            self.assertEqual(
                [(r.name, r.getMessage()) for r in self.capture.records],
                [("a.testext", "I am testext_a"),
                 ("b.testext", "I am testext_b")])
            self.assertEqual(testext_b.pylog.control("func *whoami off"), 1)
            testext_a.whoami()
            testext_b.whoami()
            self.assertEqual(len(self.capture.records), 3)
            emitted = {ext.__name__: [s["emitted"] for s in ext.pylog.sites()
                                      if s["function"] == "testext_whoami"]
                       for ext in (testext_a, testext_b)}
            self.assertEqual(emitted, {"testext_a": [2], "testext_b": [1]})
        finally:
            testext_a.pylog.control("default")
            testext_b.pylog.control("default")


if __name__ == "__main__":
    unittest.main()
