// record_template_test.cc: a site's record template (record_template.c)
// stays the template of that site and of the generation it was made for,
// and stays alive while a record is built from it, whatever Python code
// runs meanwhile: a logger class, a record factory or a reconfiguring
// thread that starts a new generation and logs from other sites. Every
// record carries the name, funcName and lineno of its own statement.
#include "testing/embedded_python.h"

#include <string>

namespace pylog_testing {
namespace {

// The line of each site's statement, set before the statement runs.
int line_a, line_b, line_c, line_d;

const char *Text(PyObject *text) { return PyUnicode_AsUTF8(text); }

// log_a(text), log_b(text): WARNING statements at loggers "template.a" and
// "template.b", with the GIL (delivered at once).
PyObject *LogA(PyObject *, PyObject *text) {
    const char *utf8 = Text(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    line_a = __LINE__ + 1;
    PYLOG_LOG_TARGET("template::a", PYLOG_LEVEL_WARN, "%s", utf8);
    Py_RETURN_NONE;
}

PyObject *LogB(PyObject *, PyObject *text) {
    const char *utf8 = Text(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    line_b = __LINE__ + 1;
    PYLOG_LOG_TARGET("template::b", PYLOG_LEVEL_WARN, "%s", utf8);
    Py_RETURN_NONE;
}

// log_c(text), log_d(text): the same at "template.c" and "template.d" with
// the GIL released: queued, then delivered by another thread (pylog's, or
// one that holds the GIL) before the call returns.
PyObject *LogC(PyObject *, PyObject *text) {
    const char *utf8 = Text(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    line_c = __LINE__ + 2;
    Py_BEGIN_ALLOW_THREADS
    PYLOG_LOG_TARGET("template::c", PYLOG_LEVEL_WARN, "%s", utf8);
    pylog_flush();
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

PyObject *LogD(PyObject *, PyObject *text) {
    const char *utf8 = Text(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    line_d = __LINE__ + 2;
    Py_BEGIN_ALLOW_THREADS
    PYLOG_LOG_TARGET("template::d", PYLOG_LEVEL_WARN, "%s", utf8);
    pylog_flush();
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

// sites(): {logger name: (funcName, lineno)} of the sites above.
PyObject *Sites(PyObject *, PyObject *) {
    return Py_BuildValue("{s(si)s(si)s(si)s(si)}", "template.a", "LogA",
                         line_a, "template.b", "LogB", line_b, "template.c",
                         "LogC", line_c, "template.d", "LogD", line_d);
}

// reset(): pylog_reset(), a new generation.
PyObject *Reset(PyObject *, PyObject *) {
    pylog_reset();
    Py_RETURN_NONE;
}

PyMethodDef defs[] = {
    {"log_a", LogA, METH_O, nullptr},   {"log_b", LogB, METH_O, nullptr},
    {"log_c", LogC, METH_O, nullptr},   {"log_d", LogD, METH_O, nullptr},
    {"sites", Sites, METH_NOARGS, nullptr},
    {"reset", Reset, METH_NOARGS, nullptr},
};

// wrong(): the captured records whose name, funcName or lineno are not
// those of the site that logged them ([] when all are right); a record's
// message starts with its site's letter.
// Hooked: the logger class of "template.b"; Hooked.then, when set, runs
// once at the logger's next level check (isEnabledFor or
// getEffectiveLevel), which pylog makes after reading the generation and
// before taking the site's template.
// reconfigure_and_log_a(): a new generation through logging's own API, and
// a statement from site A in it.
const char kHelpers[] = R"(
import logging, sys, threading
def wrong():
    expected = sites()
    return [(r.msg, r.name, r.funcName, r.lineno) for r in capture.records
            if (r.name, r.funcName, r.lineno)
               != ('template.' + r.msg[0],) + expected['template.' + r.msg[0]]]
class Hooked(logging.Logger):
    then = None
    def run_then(self):
        then, Hooked.then = Hooked.then, None
        if then is not None:
            then()
    def isEnabledFor(self, level):
        self.run_then()
        return logging.Logger.isEnabledFor(self, level)
    def getEffectiveLevel(self):
        self.run_then()
        return logging.Logger.getEffectiveLevel(self)
logging.setLoggerClass(Hooked)
hooked = logging.getLogger('template.b')
logging.setLoggerClass(logging.Logger)
hooked.__class__ = Hooked  # made by an earlier test: this one's class
def reconfigure_and_log_a():
    logging.getLogger('template.noise').setLevel(logging.INFO)
    log_a('a nested')
)";

class RecordTemplateTest : public PylogTest,
                           public ::testing::WithParamInterface<int> {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        pylog_config config;
        pylog_config_init(&config);
        config.caching = GetParam();
        Install(config);
        for (PyMethodDef &def : defs) {
            DefineInMain(&def);
        }
        Py(kHelpers);
    }
    void TearDown() override {
        // "template.b" stays a Hooked logger for the binary's life; the hook
        // is disarmed and the record factory restored.
        Py("Hooked.then = None\n"
           "logging.setLogRecordFactory(logging.LogRecord)\n");
        PylogTest::TearDown();
    }
    std::string Messages() {
        return Str("[r.msg for r in capture.records]");
    }
};

// The site's template was made in this generation; while pylog asks the
// logger for its level, a new generation starts and another site logs in
// it, which replaces the template list. The statement still gets its own
// template, alive, and so does the next statement of the other site.
// (Only where pylog asks Python on every call: with levels cached, a
// template of the generation implies a resolved slot, which asks nobody.)
class AskingEveryCall : public RecordTemplateTest {};

TEST_P(AskingEveryCall, NewGenerationWhileTheLevelIsAsked) {
    Py("log_a('a first')\n"
       "log_b('b first')\n"
       "Hooked.then = reconfigure_and_log_a\n"
       "log_b('b outer')\n"
       "log_a('a after')\n"
       "log_b('b after')\n");
    EXPECT_EQ(Unraisable(), 0);
    EXPECT_EQ(Messages(), "['a first', 'b first', 'a nested', 'b outer', "
                          "'a after', 'b after']");
    EXPECT_EQ(Str("wrong()"), "[]");
}

INSTANTIATE_TEST_SUITE_P(Modes, AskingEveryCall,
                         ::testing::Values(PYLOG_CACHE_NOTHING,
                                           PYLOG_CACHE_LOGGERS));

// The site has no template in this generation yet; while pylog asks the
// logger for its level, a newer generation starts and site A makes its
// template for it. The older statement's template must not replace the
// newer generation's templates (A's next statement uses its own).
TEST_P(RecordTemplateTest, OlderStatementKeepsTheNewerTemplates) {
    Py("log_a('a first')\n"
       "reset()\n"
       "Hooked.then = reconfigure_and_log_a\n"
       "log_b('b outer')\n"
       "log_a('a after')\n"
       "log_b('b after')\n"
       "log_a('a last')\n");
    EXPECT_EQ(Unraisable(), 0);
    EXPECT_EQ(Messages(), "['a first', 'a nested', 'b outer', 'a after', "
                          "'b after', 'a last']");
    EXPECT_EQ(Str("wrong()"), "[]");
}

// A record factory that starts a new generation and logs from another
// site while pylog makes the record from the site's template.
TEST_P(RecordTemplateTest, FactoryStartsANewGenerationAndLogsElsewhere) {
    Py("def factory(*args, **kwargs):\n"
       "    if args[0] == 'template.b':\n"
       "        reconfigure_and_log_a()\n"
       "    return logging.LogRecord(*args, **kwargs)\n"
       "log_a('a first')\n"
       "log_b('b first')\n"
       "logging.setLogRecordFactory(factory)\n"
       "log_b('b outer')\n"
       "log_a('a after')\n"
       "log_b('b after')\n");
    EXPECT_EQ(Unraisable(), 0);
    EXPECT_EQ(Messages(), "['a first', 'b first', 'a nested', 'b outer', "
                          "'a after', 'a nested', 'b after']");
    EXPECT_EQ(Str("wrong()"), "[]");
}

// Threads log from four sites (two with the GIL, two queued) while another
// thread starts new generations as fast as it can, through logging's API
// and pylog_reset(); the GIL changes hands as often as CPython allows.
// Every record carries its own site's name, funcName and lineno.
TEST_P(RecordTemplateTest, ConcurrentReconfigurationKeepsEverySiteApart) {
    Py(R"(
N = 1000
done = threading.Event()
started = threading.Event()
changes = 0
overlaps = []  # per worker: generations started while it logged
def reconfigure():
    global changes
    started.set()
    noise = logging.getLogger('template.noise')
    while not done.is_set():
        changes += 1
        if changes % 3:
            noise.setLevel(10 + changes % 2)
        else:
            reset()
def worker(log, letter):
    started.wait()
    before = changes
    for i in range(N):
        log('%s %d' % (letter, i))
    overlaps.append(changes - before)
interval = sys.getswitchinterval()
sys.setswitchinterval(1e-6)
try:
    reconfigurer = threading.Thread(target=reconfigure)
    workers = [threading.Thread(target=worker, args=(log, letter))
               for log, letter in ((log_a, 'a'), (log_b, 'b'), (log_c, 'c'),
                                   (log_d, 'd'))]
    reconfigurer.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    done.set()
    reconfigurer.join()
finally:
    sys.setswitchinterval(interval)
)");
    EXPECT_EQ(Unraisable(), 0);
    // A worker holding the GIL may well run its whole loop at once; the
    // two that let it go on every statement cannot.
    EXPECT_EQ(Str("len(overlaps) == 4 and sum(overlaps) > 0"), "True")
        << Str("overlaps");
    EXPECT_EQ(Count(), 4 * 1000);
    EXPECT_EQ(Str("sorted(r.msg for r in capture.records) == "
                  "sorted('%s %d' % (l, i) for l in 'abcd' for i in "
                  "range(N))"),
              "True");
    EXPECT_EQ(Str("wrong()[:5]"), "[]");
}

INSTANTIATE_TEST_SUITE_P(Modes, RecordTemplateTest,
                         ::testing::Values(PYLOG_CACHE_NOTHING,
                                           PYLOG_CACHE_LOGGERS,
                                           PYLOG_CACHE_LOGGERS_AND_LEVELS));

}  // namespace
}  // namespace pylog_testing
