"""The site registry through testext_a (testext.c and testext_sites.c, two
translation units): sites() lists every statement, run or not; control()
switches them with every keyword and action; bad queries raise and change
nothing; a site switched on is sent under a logger at WARNING; switching
while threads log with and without the GIL; the rate-limited statements
under threads and in time; start-up queries from the config and the
environment (in fresh interpreters)."""
import logging
import os
import subprocess
import sys
import threading
import time
import unittest

import testext_a as ext

from capture import Capture

DEBUG, INFO, WARN, ERROR, CRITICAL = 10, 20, 30, 40, 50
TESTEXT_DIR = os.environ["PYLOG_TESTEXT_DIR"]
KEYS = {"file", "line", "function", "target", "level", "format", "state",
        "emitted"}
RATE_KEYS = KEYS | {"kind", "param", "occurrences"}


def files():
    """The paths as compiled of testext.c and testext_sites.c: relative
    under Bazel, absolute in a plain build (tools/check_amalgamation.sh)."""
    paths = sorted({s["file"] for s in ext.pylog.sites()})
    assert len(paths) == 2 and paths[0].endswith("testing/testext.c") and \
        paths[1].endswith("testing/testext_sites.c"), paths
    return paths


def site(fmt):
    """The one site whose format is `fmt`."""
    found = [s for s in ext.pylog.sites() if s["format"] == fmt]
    assert len(found) == 1, (fmt, found)
    return found[0]


def run(script, env=None, flags=()):
    """`script` in a fresh interpreter that can import testext_a."""
    full_env = dict(os.environ, PYTHONPATH=TESTEXT_DIR)
    full_env.pop("PYLOG_SITES", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, *flags, "-c", script],
                          env=full_env, capture_output=True, text=True,
                          timeout=120)


class SitesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        assert ext.install_sites(None, None) == 0

    def setUp(self):
        self.capture = Capture()
        logging.root.addHandler(self.capture)
        logging.root.setLevel(logging.WARNING)
        ext.pylog.set_filter(DEBUG)
        self.assertGreater(ext.pylog.control("default"), 0)  # every site

    def tearDown(self):
        logging.root.removeHandler(self.capture)
        logging.root.setLevel(logging.WARNING)
        logging.disable(logging.NOTSET)
        for name in ("testext", "testext.sites"):
            logging.getLogger(name).setLevel(logging.NOTSET)
            logging.getLogger(name).disabled = False
        ext.pylog.control("default")

    def messages(self):
        return [r.getMessage() for r in self.capture.records]

    # -- enumeration -------------------------------------------------------

    def test_every_statement_is_listed_with_its_descriptor(self):
        sites = ext.pylog.sites()
        levels = [s for s in sites if s["function"] == "sites_levels"]
        self.assertEqual(
            [(s["level"], s["format"]) for s in levels],
            [(5, "sites trace %s"), (DEBUG, "sites debug %s"),
             (INFO, "sites info %s"), (WARN, "sites warn %s"),
             (ERROR, "sites error %s"), (CRITICAL, "sites critical %s")])
        first = levels[0]["line"]
        self.assertEqual([s["line"] for s in levels],
                         list(range(first, first + 6)))
        for s in levels:
            self.assertEqual(set(s), KEYS)
            self.assertEqual(s["file"], files()[1])
            self.assertEqual(s["target"], "testext.sites")
            self.assertEqual(s["state"], "default")

    def test_a_site_that_never_ran_is_listed(self):
        never = site("never run %d")
        self.assertEqual(never["function"], "sites_never_called")
        self.assertEqual(never["level"], INFO)
        self.assertEqual(never["emitted"], 0)
        self.assertEqual(never["file"], files()[1])

    def test_both_translation_units_are_listed(self):
        self.assertEqual({s["file"] for s in ext.pylog.sites()},
                         set(files()))
        whoami = site("I am testext_a")
        self.assertEqual((whoami["function"], whoami["target"]),
                         ("testext_whoami", "testext"))

    def test_run_time_level_and_explicit_target(self):
        logged = [s for s in ext.pylog.sites()
                  if s["function"] == "testext_log"]
        self.assertEqual(len(logged), 1)
        self.assertIsNone(logged[0]["level"])  # PYLOG_LOG(level, ...)
        other = [s for s in ext.pylog.sites()
                 if s["function"] == "testext_log_other"]
        self.assertEqual(other[0]["target"], "testext.other")

    def test_emitted_counts_the_records_sent(self):
        before = {s["format"]: s["emitted"] for s in ext.pylog.sites()}
        ext.levels("x")
        ext.levels("y")
        after = {s["format"]: s["emitted"] for s in ext.pylog.sites()}
        # the root logger is at WARNING: DEBUG and INFO are not sent
        self.assertEqual(after["sites debug %s"], before["sites debug %s"])
        self.assertEqual(after["sites info %s"], before["sites info %s"])
        for level in ("warn", "error", "critical"):
            fmt = "sites %s %%s" % level
            self.assertEqual(after[fmt], before[fmt] + 2)

    def test_the_table_lists_every_site(self):
        table = ext.pylog.site_table()
        lines = table.splitlines()
        self.assertTrue(lines[0].startswith("# file:line"))
        self.assertEqual(len(lines), len(ext.pylog.sites()) + 1)
        debug = site("sites debug %s")
        row = [line for line in lines if '"sites debug %s"' in line]
        self.assertEqual(len(row), 1)
        self.assertTrue(row[0].startswith(
            "%s:%d " % (files()[1], debug["line"])))
        self.assertEqual(row[0].split()[1:5],
                         ["testext.sites", "sites_levels", "DEBUG",
                          "default"])
        # aligned: every row's format starts in the same column
        column = lines[0].index("format")
        self.assertTrue(all(line[column] in '"-' for line in lines[1:]))

    def test_repr_summarises(self):
        ext.pylog.control("func sites_never_called on")
        text = repr(ext.pylog)
        self.assertIn("installed", text)
        self.assertIn("%d sites (1 on, 0 off)" % len(ext.pylog.sites()),
                      text)

    # -- keywords ----------------------------------------------------------

    def states(self):
        return [(s["function"], s["format"], s["state"])
                for s in ext.pylog.sites()]

    def switched(self, query):
        """Apply `query` with the action `on`; the formats it switched."""
        count = ext.pylog.control(query + " on")
        on = sorted(s["format"] for s in ext.pylog.sites()
                    if s["state"] == "on")
        self.assertEqual(count, len(on))
        ext.pylog.control("default")
        return on

    def test_file_matches_the_path_or_its_base_name(self):
        path = files()[1]
        in_file = sorted(s["format"] for s in ext.pylog.sites()
                         if s["file"] == path)
        self.assertEqual(self.switched("file testext_sites.c"), in_file)
        self.assertEqual(self.switched("file " + path), in_file)
        self.assertEqual(self.switched("file *_sites.?"), in_file)
        self.assertEqual(self.switched("file testext_site[rs].c"), in_file)
        self.assertEqual(self.switched("file *testing/testext_sites.c"),
                         in_file)
        self.assertEqual(self.switched("file sites.c"), [])
        self.assertEqual(self.switched("file " + os.path.dirname(path) +
                                       "/*"),
                         sorted(s["format"] for s in ext.pylog.sites()))

    def test_func(self):
        self.assertEqual(len(self.switched("func sites_lev*")), 6)
        self.assertEqual(self.switched("func testext_whoami"),
                         ["I am testext_a"])
        self.assertEqual(self.switched("func [!s]*_whoami"),
                         ["I am testext_a"])

    def test_line_and_line_range(self):
        line = site("sites debug %s")["line"]
        self.assertEqual(
            self.switched("file testext_sites.c line %d" % line),
            ["sites debug %s"])
        self.assertEqual(
            self.switched("file testext_sites.c line %d-%d" % (line,
                                                               line + 2)),
            ["sites debug %s", "sites info %s", "sites warn %s"])

    def test_target_is_dotted(self):
        in_sites = sorted(s["format"] for s in ext.pylog.sites()
                          if s["target"] == "testext.sites")
        self.assertGreater(len(in_sites), 10)
        self.assertEqual(self.switched("target testext.sites"), in_sites)
        self.assertEqual(self.switched("target testext::sites"), in_sites)
        self.assertEqual(self.switched("target testext.oth*"), ["%s"])
        self.assertEqual(self.switched("target testext"),
                         sorted(s["format"] for s in ext.pylog.sites()
                                if s["target"] == "testext"))

    def test_format_substring_quoted(self):
        self.assertEqual(self.switched('format "sites debug"'),
                         ["sites debug %s"])
        self.assertEqual(self.switched("format never"), ["never run %d"])
        self.assertEqual(self.switched('format "a \\"quote\\""'), [])

    def test_level_by_name_or_number(self):
        expected = ["sites warn %s"]
        for name in ("warn", "WARNING", "30"):
            self.assertEqual(
                self.switched("func sites_levels level " + name), expected)
        # a statement whose level is not a constant never matches a level
        self.assertNotIn("%s", self.switched("level warn"))

    def test_every_term_must_match(self):
        self.assertEqual(
            self.switched("file testext_sites.c func sites_levels "
                          "level error format sites"),
            ["sites error %s"])
        self.assertEqual(
            self.switched("file testext.c func sites_levels"), [])

    def test_queries_separated_by_semicolons_add_up(self):
        count = ext.pylog.control(
            'format "sites debug" on; format "sites info" off ;')
        self.assertEqual(count, 2)
        self.assertEqual((site("sites debug %s")["state"],
                          site("sites info %s")["state"]), ("on", "off"))

    # -- actions -----------------------------------------------------------

    def test_on_sends_a_debug_record_under_a_logger_at_warning(self):
        emitted = site("sites debug %s")["emitted"]
        logging.getLogger("testext.sites").setLevel(logging.WARNING)
        ext.pylog.set_filter(ERROR)  # pylog's own filter says no too
        ext.levels("quiet")
        self.assertEqual(self.messages(), ["sites error quiet",
                                           "sites critical quiet"])
        self.capture.records.clear()
        self.assertEqual(ext.pylog.control('format "sites debug" on'), 1)
        ext.levels("loud")
        self.assertEqual(self.messages(), ["sites debug loud",
                                           "sites error loud",
                                           "sites critical loud"])
        record = self.capture.records[0]
        self.assertEqual((record.name, record.levelname, record.funcName),
                         ("testext.sites", "DEBUG", "sites_levels"))
        self.assertEqual(site("sites debug %s")["state"], "on")
        self.assertEqual(site("sites debug %s")["emitted"], emitted + 1)

    def test_on_ignores_logging_disable_but_not_handler_levels(self):
        picky = Capture()
        picky.setLevel(ERROR)
        logging.root.addHandler(picky)
        try:
            logging.disable(logging.CRITICAL)
            ext.pylog.control('format "sites info" on')
            ext.levels("z")
            self.assertEqual(self.messages(), ["sites info z"])
            self.assertEqual(picky.records, [])  # its level still applies
        finally:
            logging.root.removeHandler(picky)

    def test_on_respects_a_disabled_logger_as_handle_does(self):
        logging.getLogger("testext.sites").disabled = True
        ext.pylog.control('format "sites info" on')
        ext.levels("z")
        self.assertEqual(self.messages(), [])

    def test_off_never_sends(self):
        before = site("sites critical %s")["emitted"]
        self.assertEqual(ext.pylog.control("func sites_levels level "
                                           "critical off"), 1)
        ext.levels("a")
        self.assertEqual(self.messages(), ["sites warn a", "sites error a"])
        self.assertEqual(site("sites critical %s")["state"], "off")
        self.assertEqual(site("sites critical %s")["emitted"], before)

    def test_default_goes_back_to_the_normal_gates(self):
        ext.pylog.control("func sites_levels on")
        ext.levels("on")
        self.assertEqual(len(self.capture.records), 6)
        ext.pylog.control("func sites_levels default")
        self.capture.records.clear()
        ext.levels("default")
        self.assertEqual(self.messages(), ["sites warn default",
                                           "sites error default",
                                           "sites critical default"])

    # -- bad queries -------------------------------------------------------

    def test_bad_queries_raise_naming_the_position_and_change_nothing(self):
        ext.pylog.control('format "sites debug" on')
        before = self.states()
        bad = [
            ("fiel x on", "offset 0 ('fiel'): unknown keyword"),
            ("file [abc on", "offset 5 ('[abc'): bad glob"),
            ("file abc\\ on", "offset 5 ('abc\\'): bad glob"),
            ("line 9-3 on", "offset 5 ('9-3'): bad line range"),
            ("line x on", "offset 5 ('x'): bad line range"),
            ("line 1-2-3 on", "bad line range"),
            ("level loud on", "offset 6 ('loud'): unknown level"),
            ("level off on", "unknown level"),
            ("level 0 on", "unknown level"),
            ("file x", "offset 6: missing action"),
            ("file", "offset 0 ('file'): missing value"),
            ("on off", "offset 3 ('off'): text after the action"),
            ("file a file b on", "offset 7 ('file'): keyword given twice"),
            ('format "abc on', "a quote is not closed"),
            ('format ab"c" on', "a quote inside a word"),
            ('format "ab"c on', "goes on after its closing quote"),
            ("func sites_levels On", "unknown keyword"),
            # the first query is good: nothing applies all the same
            ("func sites_levels off; fiel x on",
             "bad query 2, at offset 23 ('fiel')"),
        ]
        for query, message in bad:
            with self.assertRaises(ValueError, msg=query) as raised:
                ext.pylog.control(query)
            self.assertIn(message, str(raised.exception), query)
            self.assertEqual(self.states(), before, query)
        for empty in ("", "  ", ";;"):
            with self.assertRaisesRegex(ValueError, "no query"):
                ext.pylog.control(empty)
        with self.assertRaises(TypeError):
            ext.pylog.control(b"on")
        with self.assertRaises(ValueError):
            ext.pylog.control("file a\0b on")
        self.assertEqual(self.states(), before)

    # -- switching while threads log -----------------------------------------

    def test_switching_while_threads_log_with_and_without_the_gil(self):
        fmt = "spin %d:%d"
        emitted = site(fmt)["emitted"]
        stats = ext.pylog.stats()
        stop = threading.Event()

        def python_thread(t):  # holds the GIL in each call
            first = 0
            while not stop.is_set():
                ext.spin(t, 50, first)
                first += 50

        workers = [threading.Thread(target=python_thread, args=(t,))
                   for t in range(4)]
        ext.spin_start(4)  # C threads without the GIL, until spin_stop()
        for worker in workers:
            worker.start()
        try:
            # Every switch overlaps all eight threads (none stops before),
            # and the switching goes on until the C threads made progress
            # and a record was sent: no timing is assumed.
            switch = 0
            while (switch < 60 or ext.spin_progress() < 1000 or
                   site(fmt)["emitted"] == emitted):
                ext.pylog.control("format spin " + ("on" if switch % 2 == 0
                                                    else "off"))
                switch += 1
                time.sleep(0.001)  # lets the Python threads take the GIL
        finally:
            stop.set()
            c_statements = ext.spin_stop()
            for worker in workers:
                worker.join()
        self.assertGreater(c_statements, 0)
        self.assertEqual(ext.flush(), 0)
        messages = [m for m in self.messages() if m.startswith("spin ")]
        self.assertGreater(len(messages), 0)
        self.assertEqual(len(messages), len(set(messages)))
        for message in messages:
            thread, i = map(int, message[5:].split(":"))
            self.assertTrue(100 <= thread < 104 or 0 <= thread < 4, message)
            self.assertGreaterEqual(i, 0)
        # Records a full queue dropped (C threads outrunning delivery) are
        # not sent; every record sent is counted once.
        self.assertEqual(site(fmt)["emitted"], emitted + len(messages))
        self.assertEqual(ext.pylog.stats()["errors"], stats["errors"])
        # After the last switch, every statement follows it at once.
        self.capture.records.clear()
        ext.pylog.control("format spin on")
        ext.spin_from_threads(4, 250)
        ext.spin(7, 100)
        self.assertEqual(ext.flush(), 0)
        spins = [m for m in self.messages() if m.startswith("spin ")]
        self.assertEqual(len(spins), 1100)
        ext.pylog.control("format spin off")
        ext.spin_from_threads(4, 250)
        ext.spin(7, 100)
        self.assertEqual(ext.flush(), 0)
        spins = [m for m in self.messages() if m.startswith("spin ")]
        self.assertEqual(len(spins), 1100)

    # -- rate-limited statements --------------------------------------------

    def sent_counts(self, prefix):
        return [r.pylog_count for r in self.capture.records
                if r.getMessage().startswith(prefix)]

    def check_counts(self, kind_name, before, after, sent):
        """`sent` are the pylog_count values of the records the occurrences
        before+1 .. after made; check them against the kind's rule."""
        if kind_name == "every_n":
            expected = [k for k in range(before + 1, after + 1)
                        if (k - 1) % 7 == 0]
        elif kind_name == "first_n":
            expected = list(range(before + 1, min(after, 10) + 1))
        else:  # every_pow_2
            expected = [k for k in range(before + 1, after + 1)
                        if k & (k - 1) == 0]
        self.assertEqual(sorted(sent), expected)

    def test_rate_limited_kinds_on_this_thread(self):
        for kind, name, fmt in [
                (ext.RATE_EVERY_N, "every_n", "every_n %d"),
                (ext.RATE_EVERY_POW_2, "every_pow_2", "every_pow_2 %d")]:
            self.capture.records.clear()
            before = site(fmt)
            ext.rate(kind, 100)
            after = site(fmt)
            self.assertEqual(set(after), RATE_KEYS)
            self.assertEqual(after["kind"], name)
            self.assertEqual(after["occurrences"],
                             before["occurrences"] + 100)
            self.assertEqual(after["param"],
                             {"every_n": 7, "every_pow_2": None}[name])
            sent = self.sent_counts(fmt.split()[0] + " ")
            self.check_counts(name, before["occurrences"],
                              after["occurrences"], sent)
            self.assertEqual(after["emitted"], before["emitted"] + len(sent))
            record = self.capture.records[0]
            self.assertEqual((record.levelname, record.funcName),
                             ("WARNING", "sites_rate_once"))

    def test_rate_limited_under_c_threads_and_python_threads(self):
        for kind, name, fmt in [
                (ext.RATE_EVERY_N, "every_n", "every_n %d"),
                (ext.RATE_EVERY_POW_2, "every_pow_2", "every_pow_2 %d")]:
            self.capture.records.clear()
            before = site(fmt)["occurrences"]
            emitted = site(fmt)["emitted"]
            threads = [threading.Thread(target=ext.rate_from_threads,
                                        args=(kind, 4, 1000))]
            threads += [threading.Thread(target=ext.rate, args=(kind, 500))
                        for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.assertEqual(ext.flush(), 0)
            after = site(fmt)["occurrences"]
            self.assertEqual(after, before + 4 * 1000 + 4 * 500)
            sent = self.sent_counts(fmt.split()[0] + " ")
            self.check_counts(name, before, after, sent)
            self.assertEqual(site(fmt)["emitted"], emitted + len(sent))

    def test_first_n_is_exact_under_threads(self):
        described = site("first_n %d")
        self.assertEqual((described["kind"], described["param"]),
                         ("first_n", 10))
        self.assertEqual(described["occurrences"], 0,
                         "first_n is run by this test only")
        threads = [threading.Thread(target=ext.rate_from_threads,
                                    args=(ext.RATE_FIRST_N, 4, 1000))]
        threads += [threading.Thread(target=ext.rate,
                                     args=(ext.RATE_FIRST_N, 500))
                    for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(ext.flush(), 0)
        self.assertEqual(sorted(self.sent_counts("first_n ")),
                         list(range(1, 11)))
        self.assertEqual(site("first_n %d")["occurrences"], 5000)
        self.assertEqual(site("first_n %d")["emitted"], 10)

    def test_log_every_n_at_a_run_time_level_and_n(self):
        fmt = "log_every_n %d"
        described = site(fmt)
        self.assertEqual((described["level"], described["kind"]),
                         (None, "every_n"))
        before = described["occurrences"]
        ext.rate(ext.RATE_LOG_EVERY_N, 20, 5.0, ERROR)
        sent = self.sent_counts("log_every_n ")
        self.assertEqual(sorted(sent),
                         [k for k in range(before + 1, before + 21)
                          if (k - 1) % 5 == 0])
        self.assertTrue(all(r.levelno == ERROR for r in self.capture.records))
        self.assertEqual(site(fmt)["param"], 5)  # the last occurrence's

    def test_an_occurrence_is_a_call_that_passed_the_gates(self):
        fmt = "every_n %d"
        before = site(fmt)["occurrences"]
        ext.pylog.set_filter(ERROR)  # WARNING statements are filtered out
        ext.rate(ext.RATE_EVERY_N, 50)
        self.assertEqual(site(fmt)["occurrences"], before)
        ext.pylog.set_filter(DEBUG)
        ext.pylog.control("format every_n off")
        ext.rate(ext.RATE_EVERY_N, 50)
        self.assertEqual(site(fmt)["occurrences"], before)
        self.assertEqual(self.messages(), [])
        # switched on: counted and sent under a logger at ERROR
        logging.getLogger("testext.sites").setLevel(ERROR)
        ext.pylog.control("format every_n on")
        ext.rate(ext.RATE_EVERY_N, 7)
        self.assertEqual(site(fmt)["occurrences"], before + 7)
        self.assertEqual(len(self.messages()), 1)

    def test_every_n_sec_with_a_huge_interval_sends_one_record(self):
        fmt = "every_n_sec %d"
        ext.rate(ext.RATE_EVERY_N_SEC, 1, 0.0)  # no interval: next is now
        self.capture.records.clear()
        before = site(fmt)["occurrences"]
        ext.rate_from_threads(ext.RATE_EVERY_N_SEC, 4, 200, 1e9)
        ext.rate(ext.RATE_EVERY_N_SEC, 200, 1e9)
        self.assertEqual(ext.flush(), 0)
        self.assertEqual(len(self.sent_counts("every_n_sec ")), 1)
        self.assertEqual(site(fmt)["occurrences"], before + 1000)
        self.assertEqual(site(fmt)["param"], 1e9)

    def test_every_n_sec_with_sleeps_longer_than_the_interval(self):
        ext.rate(ext.RATE_EVERY_N_SEC, 1, 0.0)
        self.capture.records.clear()
        # 2 ms apart at least, against a 1 ms interval: every one is sent
        for _ in range(10):
            time.sleep(0.002)
            ext.rate(ext.RATE_EVERY_N_SEC, 1, 0.001)
        self.assertEqual(len(self.sent_counts("every_n_sec ")), 10)

    def test_every_n_sec_sends_at_most_one_per_interval(self):
        ext.rate(ext.RATE_EVERY_N_SEC, 1, 0.0)
        self.capture.records.clear()
        interval = 0.05
        start = time.monotonic()
        calls = 0
        while time.monotonic() - start < 0.3 or calls < 1000:
            ext.rate(ext.RATE_EVERY_N_SEC, 10, interval)
            calls += 10
        elapsed = time.monotonic() - start
        sent = len(self.sent_counts("every_n_sec "))
        self.assertGreaterEqual(sent, 1)
        self.assertLessEqual(sent, int(elapsed / interval) + 1)


class StartUpQueriesTest(unittest.TestCase):
    """config.site_control and the environment, each in a fresh
    interpreter (pylog is installed once per process)."""

    PRELUDE = (
        "import logging, sys, warnings\n"
        "logging.basicConfig(level=logging.WARNING, stream=sys.stdout, "
        "format='%(levelname)s %(message)s')\n"
        "import testext_a as ext\n")

    def states(self, extra=""):
        return ("def states():\n"
                "    return {s['format']: s['state'] for s in "
                "ext.pylog.sites()}\n" + extra)

    def test_site_control_applies_at_install(self):
        done = run(self.PRELUDE + self.states() + """
print(ext.install_sites('format "sites debug" on; level critical off',
                        None))
s = states()
print(s['sites debug %s'], s['sites critical %s'], s['sites info %s'])
ext.levels('x')
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [
            "0", "on off default", "DEBUG sites debug x",
            "WARNING sites warn x", "ERROR sites error x"])

    def test_bad_site_control_fails_the_install(self):
        done = run(self.PRELUDE + """
try:
    ext.install_sites('level info on; func x line 0-z off', None)
except ValueError as e:
    print('ValueError:', e)
print(ext.try_init())
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0],
                         "ValueError: pylog_install: site_control: bad "
                         "query 2, at offset 27 ('0-z'): bad line range "
                         "(expected N or N-M, with N <= M)")
        self.assertEqual(lines[1], "0")  # nothing was installed

    def test_the_environment_applies_after_site_control(self):
        done = run(self.PRELUDE + self.states() + """
print(ext.install_sites('format "sites info" on; format "sites warn" off',
                        'PYLOG_SITES'))
s = states()
print(s['sites info %s'], s['sites warn %s'], s['sites error %s'])
""", env={"PYLOG_SITES": 'format "sites info" default;level error off'})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(),
                         ["0", "default off off"])

    def test_the_default_variable_is_pylog_sites(self):
        done = run(self.PRELUDE + self.states() + """
print(ext.try_init(), states()['sites info %s'])
""", env={"PYLOG_SITES": "format info on"})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), ["0 on"])

    def test_a_bad_environment_query_warns_and_is_skipped(self):
        done = run(self.PRELUDE + self.states() + """
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    print(ext.install_sites(None, 'MY_SITES'))
for w in caught:
    print(w.category.__name__, w.message)
print(states()['sites info %s'], states()['sites error %s'])
""", env={"MY_SITES": "format info on; fiel x on; format error off",
          "PYLOG_SITES": "format warn on"})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [
            "0",
            "RuntimeWarning pylog: MY_SITES: skipping bad query 2, at "
            "offset 16 ('fiel'): unknown keyword (expected file, func, "
            "line, target, format or level, or an action: on, off, "
            "default)",
            "on off"])

    def test_a_bad_environment_query_fails_under_w_error(self):
        done = run(self.PRELUDE + """
try:
    ext.install_sites(None, 'PYLOG_SITES')
except RuntimeWarning as e:
    print('RuntimeWarning:', e)
import os
del os.environ['PYLOG_SITES']
print(ext.try_init())
""", env={"PYLOG_SITES": "level 100 on"}, flags=("-W", "error"))
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn("skipping bad query 1, at offset 6 ('100')", lines[0])
        self.assertEqual(lines[1], "0")

    def test_no_variable_when_site_env_var_is_none(self):
        done = run(self.PRELUDE + self.states() + """
print(ext.install_sites(None, None), states()['sites info %s'])
""", env={"PYLOG_SITES": "format info on"})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), ["0 default"])

    def test_control_before_install_raises(self):
        done = run(self.PRELUDE + """
try:
    ext.pylog.control('on')
except RuntimeError as e:
    print('RuntimeError:', e)
print(len(ext.pylog.sites()) > 0)
""")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(),
                         ["RuntimeError: pylog is not installed", "True"])


if __name__ == "__main__":
    unittest.main()
