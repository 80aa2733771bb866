// direct_handle_test.cc: pylog's C Logger.handle / callHandlers /
// Handler.handle (direct_handle.c) reach exactly the handlers Python's own
// would, in the same order, with the same filters, levels, propagation,
// locks, lastResort and failures. Each case logs once from C and once from
// Python on the same logger and compares what every handler saw.
#define PYLOG_TARGET "dh::site"
#include "testing/embedded_python.h"

#include <string>

namespace pylog_testing {
namespace {

// c_log(text): a WARNING statement at logger "dh.site" with the GIL.
PyObject *CLog(PyObject *, PyObject *text) {
    const char *utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    PYLOG_WARN("%s", utf8);
    Py_RETURN_NONE;
}

PyMethodDef c_log_def = {"c_log", CLog, METH_O, nullptr};

class DirectHandleTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        InstallDefaults();
        DefineInMain(&c_log_def);
        // Recorder(tag): a handler that notes (tag, message) in `hits`.
        // both(): what the handlers saw for a C call and a Python call.
        Py(R"(
import io, sys, logging
hits = []
class Recorder(logging.Handler):
    def __init__(self, tag, level=logging.NOTSET):
        logging.Handler.__init__(self, level)
        self.tag = tag
    def emit(self, record):
        hits.append((self.tag, record.getMessage()))
site = logging.getLogger('dh.site')
parent = logging.getLogger('dh')
def both():
    del hits[:]
    c_log('m')
    seen_c = list(hits)
    del hits[:]
    site.warning('m')
    return seen_c, list(hits)
)");
    }
    void TearDown() override {
        Py("for each in (site, parent):\n"
           "    each.handlers.clear(); each.filters.clear()\n"
           "    each.propagate = True; each.disabled = False\n"
           "    each.setLevel(logging.NOTSET)\n");
        PylogTest::TearDown();
    }
    // The C call's hits equal the Python call's and are `expected`.
    void ExpectBoth(const std::string &expected) {
        Py("seen_c, seen_py = both()");
        EXPECT_EQ(Str("seen_c"), Str("seen_py"));
        EXPECT_EQ(Str("seen_c"), expected);
        EXPECT_EQ(Unraisable(), 0);
    }
};

TEST_F(DirectHandleTest, HandlersOfTheChainInOrderUntilPropagationStops) {
    Py("site.addHandler(Recorder('site'))\n"
       "site.addHandler(Recorder('site-error', logging.ERROR))\n"
       "parent.addHandler(Recorder('parent'))\n"
       "logging.root.addHandler(Recorder('root'))\n");
    ExpectBoth("[('site', 'm'), ('parent', 'm'), ('root', 'm')]");
    Py("parent.propagate = False");
    ExpectBoth("[('site', 'm'), ('parent', 'm')]");
    Py("site.propagate = False");
    ExpectBoth("[('site', 'm')]");
}

TEST_F(DirectHandleTest, LoggerAndHandlerFiltersDecide) {
    Py("site.propagate = False\n"
       "keep = Recorder('keep')\n"
       "drop = Recorder('drop')\n"
       "drop.addFilter(lambda record: False)\n"
       "site.addHandler(keep)\n"
       "site.addHandler(drop)\n");
    ExpectBoth("[('keep', 'm')]");
    Py("class No(logging.Filter):\n"
       "    def filter(self, record):\n"
       "        return False\n"
       "site.addFilter(No())\n");
    ExpectBoth("[]");
}

// 3.12+: a filter may return a replacement record, which is then handled.
TEST_F(DirectHandleTest, FilterReturningARecordReplacesItFrom312) {
    Py("site.propagate = False\n"
       "site.addHandler(Recorder('site'))\n"
       "def replace(record):\n"
       "    copy = logging.makeLogRecord(record.__dict__)\n"
       "    copy.msg = 'replaced'\n"
       "    return copy\n"
       "site.addFilter(replace)\n");
    ExpectBoth(PY_VERSION_HEX >= 0x030C0000 ? "[('site', 'replaced')]"
                                            : "[('site', 'm')]");
}

TEST_F(DirectHandleTest, CustomisedHandlersRunTheirOwnHandle) {
    Py("class Own(Recorder):\n"
       "    def handle(self, record):\n"
       "        hits.append(('own', record.getMessage()))\n"
       "site.propagate = False\n"
       "site.addHandler(Own('unused'))\n"
       "patched = Recorder('patched')\n"
       "patched.handle = lambda record: hits.append(('instance', 1))\n"
       "site.addHandler(patched)\n");
    ExpectBoth("[('own', 'm'), ('instance', 1)]");
}

TEST_F(DirectHandleTest, EmitRunsUnderTheHandlersLock) {
    Py("class Locked(Recorder):\n"
       "    def emit(self, record):\n"
       "        hits.append(('owned', self.lock._is_owned()))\n"
       "locked = Locked('locked')\n"
       "site.propagate = False\n"
       "site.addHandler(locked)\n");
    ExpectBoth("[('owned', True)]");
    EXPECT_EQ(Str("locked.lock._is_owned()"), "False");
}

// A handler whose lock is None: no locking before 3.13; from 3.13 Python's
// `with self.lock` fails, and pylog reports that failure like any other.
TEST_F(DirectHandleTest, HandlerWithoutLockBehavesAsInPython) {
    Py("unlocked = Recorder('unlocked')\n"
       "unlocked.lock = None\n"
       "site.propagate = False\n"
       "site.addHandler(unlocked)\n"
       "del hits[:]\n"
       "c_log('m')\n"
       "seen_c = list(hits)\n"
       "try:\n"
       "    site.warning('m')\n"
       "    python_failed = False\n"
       "except Exception:\n"
       "    python_failed = True\n");
    if (PY_VERSION_HEX >= 0x030D0000) {
        EXPECT_EQ(Str("python_failed"), "True");
        EXPECT_EQ(Str("seen_c"), "[]");
        EXPECT_EQ(Unraisable(), 1);
    }
    else {
        EXPECT_EQ(Str("python_failed"), "False");
        EXPECT_EQ(Str("seen_c"), "[('unlocked', 'm')]");
        EXPECT_EQ(Unraisable(), 0);
    }
}

TEST_F(DirectHandleTest, EmitThatRaisesIsReportedAndReleasesTheLock) {
    Py("class Broken(Recorder):\n"
       "    def emit(self, record):\n"
       "        raise OSError('disk full')\n"
       "broken = Broken('broken')\n"
       "site.propagate = False\n"
       "site.addHandler(broken)\n"
       "c_log('m')\n");
    EXPECT_EQ(Unraisable(), 1);
    EXPECT_EQ(Str("type(unraisable[0].exc_value).__name__"), "OSError");
    EXPECT_EQ(Str("broken.lock._is_owned()"), "False");
    EXPECT_EQ(Str("sys.exc_info()[0]"), "None");
}

// Handlers that change the logger's handlers while the loop runs: the loop
// goes on over the list it started with, which addHandler appends to in
// place. removeHandler removes in place before 3.14; from 3.14 it binds a
// new list (gh-79366), so the removed handler still gets this record.
TEST_F(DirectHandleTest, HandlersAddedOrRemovedDuringTheLoop) {
    Py("class Adder(Recorder):\n"
       "    def emit(self, record):\n"
       "        Recorder.emit(self, record)\n"
       "        site.addHandler(late)\n"
       "class Remover(Recorder):\n"
       "    def emit(self, record):\n"
       "        Recorder.emit(self, record)\n"
       "        site.removeHandler(victim)\n"
       "site.propagate = False\n"
       "victim, late = Recorder('victim'), Recorder('late')\n"
       "def once(log):\n"
       "    site.handlers = []\n"
       "    for each in (Adder('adder'), Remover('remover'), victim):\n"
       "        site.addHandler(each)\n"
       "    del hits[:]\n"
       "    log('m')\n"
       "    return [tag for tag, _ in hits], [h.tag for h in site.handlers]\n"
       "seen_c, seen_py = once(c_log), once(site.warning)\n");
    EXPECT_EQ(Str("seen_c"), Str("seen_py"));
    EXPECT_EQ(Str("seen_c"),
              PY_VERSION_HEX >= 0x030E0000
                  ? "(['adder', 'remover', 'victim', 'late'], "
                    "['adder', 'remover', 'late'])"
                  : "(['adder', 'remover', 'late'], "
                    "['adder', 'remover', 'late'])");
    EXPECT_EQ(Unraisable(), 0);
}

TEST_F(DirectHandleTest, DisabledLoggerReachesNoHandler) {
    Py("site.addHandler(Recorder('site'))\n"
       "site.disabled = True\n");
    ExpectBoth("[]");
}

// No handler anywhere: Python's lastResort writes the message to stderr.
TEST_F(DirectHandleTest, NoHandlersFallBackToLastResort) {
    Py("site.propagate = False\n"
       "saved_stderr, sys.stderr = sys.stderr, io.StringIO()\n"
       "try:\n"
       "    c_log('to the last resort')\n"
       "    site.warning('to the last resort')\n"
       "    written = sys.stderr.getvalue()\n"
       "finally:\n"
       "    sys.stderr = saved_stderr\n");
    EXPECT_EQ(Str("written"), "to the last resort\nto the last resort\n");
    EXPECT_EQ(Unraisable(), 0);
}

}  // namespace
}  // namespace pylog_testing
