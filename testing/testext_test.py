"""pylog through the testext extension: init/try_init/install from Python,
bad configs raising, filters, caching modes and reset, the control object's
level arguments, and what a handler's KeyboardInterrupt or SystemExit
becomes."""
import contextlib
import logging
import signal
import sys
import unittest

import testext_a as ext

from capture import Capture

TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, OFF = 5, 10, 20, 30, 40, 50, 100
NOTHING, LOGGERS, LOGGERS_AND_LEVELS = 0, 1, 2
ALREADY_INSTALLED = -2


class _Raising(logging.Handler):
    """Raises `exception` from every emit(), counting the calls."""

    def __init__(self, exception):
        super().__init__(0)
        self.exception = exception
        self.calls = 0

    def emit(self, record):
        self.calls += 1
        raise self.exception


class TestextTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Bad configs first: each must raise and leave pylog uninstalled.
        with_bad = [
            ((-1, [], LOGGERS_AND_LEVELS, None, None), ValueError),
            ((DEBUG, [], 9, None, None), ValueError),
            ((DEBUG, [("", INFO)], LOGGERS_AND_LEVELS, None, None),
             ValueError),
            ((DEBUG, [("x", 1000)], LOGGERS_AND_LEVELS, None, None),
             ValueError),
        ]
        cls.rejected = []
        for args, error in with_bad:
            try:
                ext.install(*args)
            except error as e:
                cls.rejected.append(str(e))
        cls.status = ext.install(TRACE, [("testext.other", ERROR)],
                                 LOGGERS, "pfx.", None)

    def setUp(self):
        self.capture = Capture()
        logging.root.addHandler(self.capture)
        logging.root.setLevel(1)
        ext.reset()

    def tearDown(self):
        logging.root.removeHandler(self.capture)
        logging.root.setLevel(logging.WARNING)
        logging.getLogger("pfx.testext").setLevel(logging.NOTSET)

    def names(self):
        return [(r.name, r.levelname, r.getMessage())
                for r in self.capture.records]

    def test_bad_configs_raise_with_a_reason(self):
        self.assertEqual(len(self.rejected), 4)
        self.assertIn("filter level -1", self.rejected[0])
        self.assertIn("caching mode 9", self.rejected[1])
        self.assertIn("empty", self.rejected[2])
        self.assertIn("1000", self.rejected[3])

    def test_install_succeeded_after_rejections(self):
        self.assertEqual(self.status, 0)

    def test_second_install_is_refused(self):
        self.assertEqual(ext.try_init(), ALREADY_INSTALLED)
        with self.assertRaisesRegex(RuntimeError, "already installed"):
            ext.init()

    def test_prefix_and_trace(self):
        ext.log(TRACE, "t")
        self.assertEqual(self.names(), [("pfx.testext", "TRACE", "t")])

    def test_target_rule(self):
        ext.log_other(WARN, "dropped")
        ext.log_other(ERROR, "kept")
        self.assertEqual(self.names(), [("pfx.testext.other", "ERROR", "kept")])

    def test_loggers_mode_sees_set_level_without_reset(self):
        ext.log(INFO, "one")
        logging.getLogger("pfx.testext").setLevel(logging.ERROR)
        ext.log(INFO, "two")
        ext.log(ERROR, "three")
        self.assertEqual([m for _, _, m in self.names()], ["one", "three"])

    def test_enabled(self):
        self.assertTrue(ext.enabled(INFO))
        logging.getLogger("pfx.testext").setLevel(logging.ERROR)
        self.assertFalse(ext.enabled(INFO))
        self.assertTrue(ext.enabled(CRITICAL))

    def test_stats_count_emitted(self):
        before = ext.stats()
        ext.log(INFO, "counted")
        after = ext.stats()
        self.assertEqual(after[0], before[0] + 1)

    def test_control_levels_outside_the_range_are_value_errors(self):
        # README, `module.pylog`: an int outside 0..100 raises ValueError,
        # however large (no OverflowError beyond a C long), and nothing
        # changes.
        control = ext.pylog
        before = control.filters()
        for level in [-1, 101, 1000, 2**31, -2**31 - 1, 2**63, -2**63 - 1,
                      2**70, -2**70, 10**100]:
            with self.subTest(level=level):
                with self.assertRaisesRegex(ValueError, "outside 0..100"):
                    control.set_filter(level)
                with self.assertRaisesRegex(ValueError, "outside 0..100"):
                    control.set_target_filter("testext.x", level)
                self.assertEqual(control.filters(), before)

    def test_control_registered_level_names_are_checked_too(self):
        control = ext.pylog
        before = control.filters()
        logging.addLevelName(2**70, "PYLOG_TEST_HUGE")
        logging.addLevelName(-5, "PYLOG_TEST_NEGATIVE")
        for name in ["PYLOG_TEST_HUGE", "PYLOG_TEST_NEGATIVE"]:
            with self.subTest(name=name):
                with self.assertRaisesRegex(ValueError, "outside 0..100"):
                    control.set_filter(name)
                self.assertEqual(control.filters(), before)

    def test_control_levels_of_other_types_are_type_errors(self):
        control = ext.pylog
        before = control.filters()
        for level in [True, False, 1.5, 10.0, None, b"debug", [10], object()]:
            with self.subTest(level=level):
                with self.assertRaisesRegex(TypeError, "int or a str"):
                    control.set_filter(level)
                with self.assertRaisesRegex(TypeError, "int or a str"):
                    control.set_target_filter("testext.x", level)
                self.assertEqual(control.filters(), before)
        with self.assertRaises(TypeError):
            control.set_target_filter(b"testext.x", INFO)
        self.assertEqual(control.filters(), before)

    @contextlib.contextmanager
    def raising_handler(self, exception, sigint):
        """A root handler raising `exception`, SIGINT handled by `sigint`,
        and sys.unraisablehook collecting into the list it yields."""
        handler = _Raising(exception)
        unraisable = []
        old_sigint = signal.signal(signal.SIGINT, sigint)
        old_hook = sys.unraisablehook
        sys.unraisablehook = unraisable.append
        logging.root.addHandler(handler)
        try:
            yield handler, unraisable
        finally:
            logging.root.removeHandler(handler)
            sys.unraisablehook = old_hook
            signal.signal(signal.SIGINT, old_sigint)

    def test_keyboard_interrupt_in_a_handler_reaches_python(self):
        before = ext.stats()
        with self.raising_handler(KeyboardInterrupt,
                                  signal.default_int_handler) as (handler,
                                                                  unraisable):
            with self.assertRaises(KeyboardInterrupt):
                ext.log(WARN, "interrupted")
                # The interrupt is pending: Python raises it at its next
                # check, which a few loop iterations always reach.
                for _ in range(1000):
                    pass
        self.assertEqual(handler.calls, 1)
        self.assertEqual(unraisable, [])
        self.assertEqual(ext.stats()[2], before[2] + 1)

    def test_keyboard_interrupt_runs_the_programs_sigint_handler(self):
        received = []
        before = ext.stats()
        with self.raising_handler(KeyboardInterrupt,
                                  lambda signum, frame:
                                  received.append(signum)) as (_, unraisable):
            ext.log(WARN, "interrupted")
            for _ in range(1000):
                if received:
                    break
        self.assertEqual(received, [signal.SIGINT])
        self.assertEqual(unraisable, [])
        self.assertEqual(ext.stats()[2], before[2] + 1)

    def test_keyboard_interrupt_with_sigint_ignored_is_only_counted(self):
        before = ext.stats()
        with self.raising_handler(KeyboardInterrupt,
                                  signal.SIG_IGN) as (handler, unraisable):
            ext.log(WARN, "interrupted")  # raises nothing, now or later
            for _ in range(1000):
                pass
        self.assertEqual(handler.calls, 1)
        self.assertEqual(unraisable, [])
        self.assertEqual(ext.stats()[2], before[2] + 1)

    def test_system_exit_in_a_handler_is_reported_not_raised(self):
        before = ext.stats()
        with self.raising_handler(SystemExit(3),
                                  signal.default_int_handler) as (_,
                                                                  unraisable):
            ext.log(WARN, "exit?")
            for _ in range(1000):
                pass
        self.assertEqual(len(unraisable), 1)
        self.assertIs(unraisable[0].exc_type, SystemExit)
        self.assertEqual(unraisable[0].exc_value.code, 3)
        self.assertEqual(ext.stats()[2], before[2] + 1)

    def test_control_levels_at_the_edges_are_accepted(self):
        control = ext.pylog
        before = control.filters()
        try:
            control.set_filter(0)
            self.assertEqual(control.filters()["level"], 0)
            control.set_filter(OFF)
            self.assertEqual(control.filters()["level"], OFF)
            control.set_target_filter("testext.x", OFF)
            self.assertEqual(control.filters()["targets"]["testext.x"], OFF)
            control.set_target_filter("testext.x", 0)
            self.assertEqual(control.filters(), {"level": OFF,
                                                 "targets": before["targets"]})
        finally:
            control.set_filter(before["level"])
        self.assertEqual(control.filters(), before)


if __name__ == "__main__":
    unittest.main()
