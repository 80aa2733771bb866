"""The interpreter's life around pylog, each case in a fresh interpreter:
statements during exit (atexit handlers that run after pylog's own hook,
__del__ at shutdown, a C thread still logging) are silent no-ops, and
records still queued at exit are delivered, not lost."""
import os
import subprocess
import sys
import unittest

HELLO_DIR = os.environ["PYLOG_HELLO_DIR"]
TESTEXT_DIR = os.environ["PYLOG_TESTEXT_DIR"]


def run(script):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([HELLO_DIR, TESTEXT_DIR]))
    return subprocess.run([sys.executable, "-c", script], env=env,
                          capture_output=True, text=True, timeout=60)


PRELUDE = """
import atexit, logging, sys
logging.basicConfig(level=1, stream=sys.stdout, format='%(message)s')
"""


class LifecycleTest(unittest.TestCase):
    def test_atexit_handler_after_pylog_shutdown_is_a_no_op(self):
        done = run(PRELUDE + """
def late():  # registered before pylog's hook, so it runs after it
    print('late start', flush=True)
    hello.greet('late')
    print('late end', flush=True)
atexit.register(late)
import hello
hello.greet('early')
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn("hello, early!", lines)
        self.assertEqual(lines[-2:], ["late start", "late end"])
        self.assertEqual(done.stderr, "")

    def test_del_at_shutdown_is_harmless(self):
        done = run(PRELUDE + """
import hello
class Holder:
    def __del__(self):
        hello.greet('from __del__')
keep = Holder()
hello.greet('alive')
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("hello, alive!", done.stdout)
        self.assertNotIn("Traceback", done.stderr)

    def test_exit_while_a_c_thread_logs(self):
        done = run(PRELUDE + """
import threading, hello
threading.Thread(target=hello.from_thread, args=(20000,), daemon=True).start()
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("Traceback", done.stderr)

    def test_reimport_and_reload_keep_logging(self):
        done = run(PRELUDE + """
import importlib, sys
import hello
hello.greet('first')
del sys.modules['hello']
import hello as again
importlib.reload(again)
again.greet('second')
again.from_thread(1)
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn("hello, first!", lines)
        self.assertIn("hello, second!", lines)
        self.assertIn("worker message 1 of 1", lines)
        self.assertEqual(done.stderr, "")

    def test_records_queued_at_exit_are_delivered(self):
        done = run(PRELUDE + """
import testext_a
assert testext_a.try_init() == 0
testext_a.log_from_threads(4, 250)  # queued; the script ends at once
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = set(done.stdout.splitlines())
        expected = {"%d:%d" % (t, i) for t in range(4) for i in range(250)}
        self.assertEqual(expected - lines, set())
        self.assertEqual(done.stderr, "")

    def test_queue_overflow_at_exit_is_announced(self):
        done = run(PRELUDE + """
import testext_a
assert testext_a.try_init() == 0
testext_a.log_from_threads(8, 20000)  # far more than the queue's 8192
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        delivered = [line for line in done.stdout.splitlines()
                     if ":" in line and line.split(":")[0].isdigit()]
        notices = [line for line in done.stdout.splitlines()
                   if line.startswith("pylog dropped")]
        dropped = sum(int(line.split()[2]) for line in notices)
        self.assertEqual(len(delivered) + dropped, 8 * 20000)
        self.assertEqual(done.stderr, "")


if __name__ == "__main__":
    unittest.main()
