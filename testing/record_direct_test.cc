// record_direct_test.cc: the records pylog builds itself (record_direct.c)
// are the ones Logger.makeRecord builds for the same call: every attribute,
// its value, its type and the attributes' order; logging's own switches
// (logThreads, logProcesses, level names) are read per record; any
// customisation of the record machinery is honoured; a forked child reports
// its own pid.
#define PYLOG_TARGET "direct::site"
#include "testing/embedded_python.h"

#include <string>

namespace pylog_testing {
namespace {

// c_log(text): a WARNING statement at logger "direct.site", called from
// Python so that it runs on Python's thread, with the GIL.
PyObject *CLog(PyObject *, PyObject *text) {
    const char *utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    PYLOG_WARN("%s", utf8);
    Py_RETURN_NONE;
}

PyMethodDef c_log_def = {"c_log", CLog, METH_O, nullptr};

class RecordDirectTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        InstallDefaults();
        DefineInMain(&c_log_def);
        // same(c, made): the keys (in order) and every value but the time's
        // that differ between two records of one call; [] when equal.
        // python_calls(f, *args): the Python functions f(*args) ran.
        Py(R"(
import os, sys, logging
original_init = logging.LogRecord.__init__
TIMES = ('created', 'msecs', 'relativeCreated')
def same(c, made):
    if list(vars(c)) != list(vars(made)):
        return ['order', list(vars(c)), list(vars(made))]
    return [(k, v, vars(made)[k]) for k, v in vars(c).items()
            if k not in TIMES and (type(v) is not type(vars(made)[k])
                                   or v != vars(made)[k])]
def python_calls(function, *args):
    called = []
    def profile(frame, event, arg):
        if event == 'call':
            called.append(frame.f_code.co_name)
    sys.setprofile(profile)
    try:
        function(*args)
    finally:
        sys.setprofile(None)
    return called
def made_for(c):
    return logging.getLogger(c.name).makeRecord(
        c.name, c.levelno, c.pathname, c.lineno, c.msg, (), c.exc_info,
        c.funcName, None, None)
)");
    }
    void TearDown() override {
        Py("logging.logThreads = logging.logProcesses = True\n"
           "logging.logMultiprocessing = True\n"
           "logging.addLevelName(30, 'WARNING')\n"
           "logging.LogRecord.__init__ = original_init\n"
           "logging.getLogger('direct.site').__dict__.pop('makeRecord', "
           "None)\n");
        PylogTest::TearDown();
    }
};

TEST_F(RecordDirectTest, EveryAttributeIsWhatMakeRecordMakesForTheCall) {
    Py("c_log('the same record')\n"
       "made = made_for(capture.records[0])\n"
       "c = capture.records[0]\n");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Str("type(c) is logging.LogRecord"), "True");
    EXPECT_EQ(Str("same(c, made)"), "[]");
    // The time fields: the moment of the call, with __init__'s arithmetic.
    EXPECT_EQ(Str("0 <= made.created - c.created < 1"), "True");
    EXPECT_EQ(Str("abs((made.relativeCreated - c.relativeCreated)"
                  " - (made.created - c.created) * 1000) < 0.01"),
              "True");
    EXPECT_EQ(Str("all(type(getattr(c, k)) is float for k in TIMES)"),
              "True");
    EXPECT_EQ(Str("abs(c.msecs - (c.created % 1) * 1000) < 1.001"), "True");
    if (PY_VERSION_HEX >= 0x030A0000) {
        EXPECT_EQ(Str("c.msecs == int(c.msecs)"), "True");  // gh-89047
    }
}

// With Python's own logging machinery, none of makeRecord,
// LogRecord.__init__, Logger.handle, callHandlers, Handler.handle or the
// filter methods runs as Python code: the only Python function called is
// the handler's emit (once the site has resolved its logger and template).
TEST_F(RecordDirectTest, DefaultsRunOnlyTheHandlersEmit) {
    Py("c_log('resolves the site')\n"
       "called = python_calls(c_log, 'direct')\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Str("called"), "['emit']");
}

// A custom record factory is called as Logger.makeRecord calls it, without
// makeRecord's own frame; the handling stays in C.
TEST_F(RecordDirectTest, CustomFactoryIsCalledAsMakeRecordWould) {
    Py("def factory(*args, **kwargs):\n"
       "    return logging.LogRecord(*args, **kwargs)\n"
       "logging.setLogRecordFactory(factory)\n"
       "c_log('resolves the site')\n"
       "called = python_calls(c_log, 'through the factory')\n"
       "logging.setLogRecordFactory(logging.LogRecord)\n"
       "made = made_for(capture.records[1])\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Str("[f for f in called if f in ('factory', 'makeRecord', "
                  "'handle', 'emit')]"),
              "['factory', 'emit']");
    EXPECT_EQ(Str("same(capture.records[1], made)"), "[]");
}

// A factory that reconfigures logging (a new generation: the templates of
// the old one go) and logs through pylog again, while pylog is making its
// record from the site's template.
TEST_F(RecordDirectTest, FactoryThatReconfiguresAndLogsAgain) {
    Py("depth = []\n"
       "def factory(*args, **kwargs):\n"
       "    if not depth:\n"
       "        depth.append(1)\n"
       "        logging.getLogger('direct').setLevel(logging.DEBUG)\n"
       "        c_log('nested')\n"
       "    return logging.LogRecord(*args, **kwargs)\n"
       "logging.setLogRecordFactory(factory)\n"
       "c_log('outer')\n"
       "logging.setLogRecordFactory(logging.LogRecord)\n"
       "logging.getLogger('direct').setLevel(logging.NOTSET)\n");
    EXPECT_EQ(Unraisable(), 0);
    EXPECT_EQ(Str("sorted(r.msg for r in capture.records)"),
              "['nested', 'outer']");
    EXPECT_EQ(Str("all(r.pathname == capture.records[0].pathname and "
                  "r.funcName == 'CLog' for r in capture.records)"),
              "True");
}

TEST_F(RecordDirectTest, LoggingSwitchesAreReadPerRecord) {
    Py("c_log('before')\n"
       "logging.logThreads = logging.logProcesses = False\n"
       "logging.logMultiprocessing = False\n"
       "logging.addLevelName(30, 'CAREFUL')\n"
       "c_log('after')\n"
       "made = made_for(capture.records[1])\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "process"), std::to_string(Long("os.getpid()")));
    EXPECT_EQ(Attr(0, "levelname"), "WARNING");
    EXPECT_EQ(Str("same(capture.records[1], made)"), "[]");
    EXPECT_EQ(Attr(1, "levelname"), "CAREFUL");
    EXPECT_EQ(Str("(capture.records[1].thread, capture.records[1].process,"
                  " capture.records[1].processName)"),
              "(None, None, None)");
}

TEST_F(RecordDirectTest, PatchedRecordInitIsCalled) {
    Py("def patched(self, *args, **kwargs):\n"
       "    original_init(self, *args, **kwargs)\n"
       "    self.patched = True\n"
       "logging.LogRecord.__init__ = patched\n"
       "c_log('through __init__')\n");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "patched"), "True");
}

TEST_F(RecordDirectTest, MakeRecordOfTheInstanceIsCalled) {
    Py("site = logging.getLogger('direct.site')\n"
       "def own(*args):\n"
       "    record = logging.Logger.makeRecord(site, *args)\n"
       "    record.own = True\n"
       "    return record\n"
       "site.makeRecord = own\n"
       "c_log('through the instance')\n");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "own"), "True");
}

// Both ways to a record agree: the direct one, then makeRecord forced by a
// factory that only forwards to LogRecord.
TEST_F(RecordDirectTest, DirectAndMakeRecordPathsAgree) {
    Py("for _ in range(2):\n"
       "    c_log('one site')\n"
       "    logging.setLogRecordFactory(lambda *a, **k: "
       "logging.LogRecord(*a, **k))\n"
       "logging.setLogRecordFactory(logging.LogRecord)\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Str("same(capture.records[0], capture.records[1])"), "[]");
}

// A forked child's records carry the child's pid, not the cached parent's.
TEST_F(RecordDirectTest, ForkedChildReportsItsOwnPid) {
    Py("c_log('parent')\n"
       "read, write = os.pipe()\n"
       "child = os.fork()\n"
       "if child == 0:\n"
       "    c_log('child')\n"
       "    ok = capture.records[-1].process == os.getpid()\n"
       "    os.write(write, b'1' if ok else b'0')\n"
       "    os._exit(0)\n"
       "os.close(write)\n"
       "answer = os.read(read, 1)\n"
       "os.close(read)\n"
       "os.waitpid(child, 0)\n");
    EXPECT_EQ(Str("answer"), "b'1'");
    EXPECT_EQ(Attr(0, "process"), std::to_string(Long("os.getpid()")));
}

}  // namespace
}  // namespace pylog_testing
