"""pylog and the interpreter's life, each case in a fresh interpreter (a
subprocess, so a crash or hang is a failure, not the end of the run):
multi-phase modules imported again and reloaded, sub-interpreters (created
beside pylog, or importing an extension that uses it), and exit while
daemon threads log through pylog."""
import os
import subprocess
import sys
import textwrap
import unittest

PRELUDE = """
import logging, os, sys
logging.basicConfig(level=1, stream=sys.stdout, format='%(message)s')

def interpreters(isolated=False):
    '''create() -> a legacy (shared-GIL) sub-interpreter, or an isolated
    one (own GIL, 3.12+); run(i, code); destroy(i).'''
    try:
        import _interpreters as mod  # 3.13+
        def create():
            return mod.create('isolated' if isolated else 'legacy')
    except ImportError:
        import _xxsubinterpreters as mod  # 3.8-3.12
        def create():
            try:
                return mod.create(isolated=isolated)  # 3.12
            except TypeError:
                return mod.create()
    return create, mod.run_string, mod.destroy

def in_subinterpreter(body, isolated=False):
    '''Runs `body` in a new sub-interpreter: 'ok' or the exception.'''
    create, run, destroy = interpreters(isolated)
    r, w = os.pipe()
    code = ('import os\\n'
            'try:\\n' + ''.join('    %s\\n' % line for line in body) +
            '    said = "ok"\\n'
            'except BaseException as e:\\n'
            '    said = "%s: %s" % (type(e).__name__, e)\\n'
            'os.write(' + str(w) + ', said.encode())\\n')
    interp = create()
    run(interp, code)
    destroy(interp)
    os.close(w)
    said = os.read(r, 4096).decode()
    os.close(r)
    return said
"""


def run(script, timeout=60):
    return subprocess.run([sys.executable, "-c", PRELUDE + script],
                          capture_output=True, text=True, timeout=timeout)


class InterpretersTest(unittest.TestCase):
    def assertClean(self, done):
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(done.stderr, "")

    def test_multiphase_module_imported_again_and_reloaded(self):
        done = run(textwrap.dedent("""
            import importlib
            import multiphase
            first = multiphase
            multiphase.log('one')
            del sys.modules['multiphase']
            import multiphase
            assert multiphase is not first
            multiphase.log('two')
            importlib.reload(multiphase)
            multiphase.log('three')
            multiphase.log_from_thread(2)
            print('flushed', multiphase.pylog.flush(), first.pylog.flush())
            """))
        self.assertClean(done)
        self.assertEqual(done.stdout.splitlines(),
                         ["one", "two", "three", "thread 0", "thread 1",
                          "flushed True True"])

    def test_import_in_a_sub_interpreter_fails_with_import_error(self):
        done = run(textwrap.dedent("""
            import multiphase_any
            print(in_subinterpreter(['import multiphase_any']))
            print(in_subinterpreter(['import multiphase']))
            if sys.version_info >= (3, 12):
                print(in_subinterpreter(['import multiphase'], isolated=True))
            else:
                print('ImportError: (no isolated sub-interpreters)')
            multiphase_any.log('main still logs')
            """))
        self.assertClean(done)
        lines = done.stdout.splitlines()
        self.assertEqual(len(lines), 4, done.stdout)
        # legacy sub-interpreters: pylog_install refuses, declared or not
        for line in lines[:2]:
            self.assertTrue(line.startswith("ImportError: pylog: "), line)
            self.assertIn("only in the main interpreter", line)
        # an isolated one: the declared slot makes CPython refuse first
        self.assertTrue(lines[2].startswith("ImportError"), lines[2])
        self.assertNotIn("pylog", lines[2])
        self.assertEqual(lines[3], "main still logs")

    def test_c_threads_log_after_a_sub_interpreter_was_created(self):
        for _ in range(3):
            done = run(textwrap.dedent("""
                import testext_a
                testext_a.try_init()
                create, _, destroy = interpreters()
                interp = create()
                testext_a.log(30, 'main thread')
                testext_a.log_from_threads(2, 50)
                testext_a.flush()
                destroy(interp)
                print('stats', testext_a.stats())
                """))
            self.assertClean(done)
            lines = done.stdout.splitlines()
            self.assertEqual(lines[0], "main thread")
            self.assertEqual(len(lines), 102, done.stdout)
            self.assertEqual(lines[-1], "stats (101, 0, 0)")

    def test_statements_inside_a_sub_interpreter_never_reach_main(self):
        done = run(textwrap.dedent("""
            import testext_a
            testext_a.try_init()
            print(in_subinterpreter(['import testext_a',
                                     'testext_a.try_init()']))
            print(in_subinterpreter(['import testext_a',
                                     'testext_a.log(30, "from sub")',
                                     'testext_a.log_from_threads(1, 3)']))
            testext_a.flush()
            testext_a.log(30, 'from main')
            print('stats', testext_a.stats())
            """))
        self.assertClean(done)
        lines = done.stdout.splitlines()
        self.assertTrue(lines[0].startswith("ImportError: pylog: "), lines)
        # C threads started from the sub-interpreter hold no GIL: their
        # records are the extension's and reach the main interpreter (the
        # worker delivers them while the sub-interpreter still runs).
        self.assertEqual(sorted(lines[1:6]),
                         ["0:0", "0:1", "0:2", "from main", "ok"])
        self.assertEqual([l for l in lines if l.startswith("0:")],
                         ["0:0", "0:1", "0:2"])
        # the statement on the sub-interpreter's thread was dropped
        self.assertEqual(lines[6:], ["stats (4, 1, 0)"])

    def exit_while_daemon_threads_log(self, extra):
        done = run(textwrap.dedent("""
            import collections, threading, time
            %s
            import testext_a
            testext_a.try_init()
            class Slow(logging.Handler):
                def emit(self, record):
                    time.sleep(0.0005)  # lets the GIL go inside the handler
            sink = collections.deque(maxlen=100)
            fast = logging.Handler()
            fast.emit = sink.append  # an emit written in C
            logging.getLogger('testext').addHandler(Slow())
            logging.getLogger('testext').addHandler(fast)
            logging.getLogger('testext').propagate = False
            # the flood overflows the queue: its drop notices are expected
            logging.getLogger('pylog').disabled = True
            def spin(n):
                while True:
                    testext_a.log(30, 'daemon %%d' %% n)
            for n in range(4):
                threading.Thread(target=spin, args=(n,), daemon=True).start()
            def c_threads():
                while True:
                    testext_a.log_from_threads(2, 20)
            threading.Thread(target=c_threads, daemon=True).start()
            time.sleep(0.2)
            print('exiting', flush=True)
            """ % extra), timeout=60)
        self.assertClean(done)
        self.assertEqual(done.stdout, "exiting\n")

    def test_exit_while_daemon_threads_log(self):
        for _ in range(5):
            self.exit_while_daemon_threads_log("")

    def test_exit_while_daemon_threads_log_with_multiprocessing(self):
        for _ in range(5):
            self.exit_while_daemon_threads_log("import multiprocessing")


if __name__ == "__main__":
    unittest.main()
