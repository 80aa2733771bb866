// record_test.cc: a record from pylog is the record Python would make for the
// same call: the same attributes of the same types, the calling thread, task
// and moment, each filter and handler seeing it once, and the standard
// library's helpers (assertLogs, QueueHandler, logger classes, record
// factories) working on it unchanged.
#define PYLOG_TARGET "record::site"
#include "testing/embedded_python.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace pylog_testing {
namespace {

int c_log_line;

// c_log(text): a WARNING statement at logger "record.site", called from
// Python so that it runs on Python's thread and inside Python's tasks.
PyObject *CLog(PyObject *, PyObject *text) {
    const char *utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    c_log_line = __LINE__ + 1;
    PYLOG_WARN("%s", utf8);
    Py_RETURN_NONE;
}

// c_log_nogil(text): the same from a Python thread that released the GIL.
PyObject *CLogNoGil(PyObject *, PyObject *text) {
    const char *utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == nullptr) {
        return nullptr;
    }
    Py_BEGIN_ALLOW_THREADS
    PYLOG_WARN("%s", utf8);
    // Queued without the GIL: wait for its delivery while this thread still
    // runs (its threading name is looked up at delivery).
    pylog_flush();
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

PyMethodDef c_log_defs[] = {
    {"c_log", CLog, METH_O, nullptr},
    {"c_log_nogil", CLogNoGil, METH_O, nullptr},
};

// Python's time.time() in C: the same clock (CLOCK_REALTIME).
double Now() {
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<double>(now.tv_sec) + now.tv_nsec * 1e-9;
}

// What one statement on a C thread saw: its identity and its time window.
struct CThreadCall {
    unsigned long ident = 0;
    long tid = 0;
    double before = 0, after = 0;
};

// Two statements from a new C thread, named `name` unless it is null; the
// GIL is released meanwhile so that the thread is one Python never saw.
CThreadCall LogFromCThread(const char *name) {
    CThreadCall call;
    GilReleased released;
    std::thread([&call, name] {
        if (name != nullptr) {
            pthread_setname_np(pthread_self(), name);
        }
        call.ident = static_cast<unsigned long>(pthread_self());
        call.tid = static_cast<long>(syscall(SYS_gettid));
        call.before = Now();
        PYLOG_WARN("from a C thread");
        call.after = Now();
        PYLOG_WARN("again from the same C thread");
    }).join();
    pylog_flush();  // the thread queued its records; wait for them
    return call;
}

class RecordTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        InstallDefaults();
        for (PyMethodDef &def : c_log_defs) {
            DefineInMain(&def);
        }
        Py("import os, time, asyncio, queue, logging.handlers, unittest\n"
           "py_logger = logging.getLogger('record.site')\n"
           "def py_log(text):\n"
           "    py_logger.warning(text)\n");
    }
    void TearDown() override {
        Py("for name in ('record', 'record.site'):\n"
           "    logging.getLogger(name).filters.clear()\n"
           "logging.logThreads = True\n");
        PylogTest::TearDown();
    }
    // Str(expr) == "True", with the expression in the failure message.
    void ExpectTrue(const std::string &expr) {
        EXPECT_EQ(Str(expr), "True") << expr;
    }
};

TEST_F(RecordTest, SameAttributesOfTheSameTypesAsAPythonRecord) {
    Py("c_log('from C')\n"
       "py_log('from Python')\n"
       "made = py_logger.makeRecord('record.site', 30, 'x.py', 1, 'm', (),\n"
       "                            None, 'f')\n"
       "c_rec, py_rec = capture.records\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Str("sorted(vars(c_rec))"), Str("sorted(vars(py_rec))"));
    EXPECT_EQ(Str("sorted(vars(c_rec))"), Str("sorted(vars(made))"));
    EXPECT_EQ(Str("[k for k, v in vars(py_rec).items()\n"
                  " if type(getattr(c_rec, k, None)) is not type(v)]"),
              "[]");
    // Every attribute a Formatter documents formats on both.
    Py("fmt = '|'.join('%%(%s)s' % k for k in sorted(vars(py_rec)))\n"
       "fmt += '|%(message)s|%(asctime)s'\n"
       "c_text = logging.Formatter(fmt).format(c_rec)\n"
       "py_text = logging.Formatter(fmt).format(py_rec)\n");
    EXPECT_EQ(Long("len(c_text.split('|'))"), Long("len(py_text.split('|'))"));
    EXPECT_EQ(Str("c_text.split('|')[-2]"), "from C");
}

TEST_F(RecordTest, CallSiteFieldsAreDerivedAsPythonDoes) {
    Py("c_log('from C')\nrec = capture.records[0]");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "pathname"), __FILE__);
    ExpectTrue("rec.filename == os.path.basename(rec.pathname)");
    ExpectTrue("rec.module == os.path.splitext(rec.filename)[0]");
    EXPECT_EQ(Attr(0, "module"), "record_test");
    EXPECT_EQ(Attr(0, "funcName"), "CLog");
    EXPECT_EQ(Attr(0, "lineno"), std::to_string(c_log_line));
    EXPECT_EQ(Attr(0, "levelname"), "WARNING");
    EXPECT_EQ(Attr(0, "levelno"), "30");
    EXPECT_EQ(Attr(0, "name"), "record.site");
    ExpectTrue("rec.process == os.getpid()");
    ExpectTrue("rec.processName == logging.LogRecord("
               "'n', 30, 'p', 1, 'm', (), None).processName");
    ExpectTrue("rec.stack_info is None and rec.exc_text is None");
}

TEST_F(RecordTest, LevelFiveIsNamedTrace) {
    Py("logging.root.setLevel(1)");
    pylog_set_filter(PYLOG_LEVEL_TRACE);
    PYLOG_TRACE("traced");
    Py("py_logger.log(5, 'traced in Python')");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "levelname"), "TRACE");
    EXPECT_EQ(Attr(0, "levelname"), Attr(1, "levelname"));
}

TEST_F(RecordTest, TimeIsTheMomentOfTheCall) {
    Py("t0 = time.time()\n"
       "c_log('timed')\n"
       "t1 = time.time()\n"
       "time.sleep(0.01)\n"
       "py_log('later')\n"
       "c_rec, py_rec = capture.records\n");
    ASSERT_EQ(Count(), 2);
    // 1e-6: time.time() and time.time_ns() / 1e9 may round apart.
    ExpectTrue("t0 - 1e-6 <= c_rec.created <= t1 + 1e-6");
    ExpectTrue("0 <= c_rec.msecs < 1000");
    ExpectTrue("abs(c_rec.msecs - (c_rec.created % 1) * 1000) <= 1");
    // relativeCreated runs on the same clock as Python's own records.
    ExpectTrue("abs((py_rec.relativeCreated - c_rec.relativeCreated)\n"
               "    - (py_rec.created - c_rec.created) * 1000) < 0.01");
    ExpectTrue("py_rec.created - c_rec.created >= 0.009");
}

TEST_F(RecordTest, MainThreadIsNamedAsInPython) {
    Py("c_log('main')\npy_log('main')");
    ASSERT_EQ(Count(), 2);
    ExpectTrue("capture.records[0].thread == threading.get_ident()");
    EXPECT_EQ(Attr(0, "threadName"), "MainThread");
    EXPECT_EQ(Attr(0, "threadName"), Attr(1, "threadName"));
}

TEST_F(RecordTest, PythonThreadKeepsItsThreadingName) {
    Py("worker = threading.Thread(target=c_log, args=('in a thread',),\n"
       "                          name='py-worker')\n"
       "worker.start()\n"
       "worker.join()\n");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "threadName"), "py-worker");
    ExpectTrue("capture.records[0].thread == worker.ident");
}

TEST_F(RecordTest, PythonThreadWithoutTheGilKeepsItsThreadingName) {
    Py("worker = threading.Thread(target=c_log_nogil,\n"
       "                          args=('GIL released',), name='py-nogil')\n"
       "worker.start()\n"
       "worker.join()\n"
       "c_log_nogil('main, GIL released')\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "threadName"), "py-nogil");
    ExpectTrue("capture.records[0].thread == worker.ident");
    EXPECT_EQ(Attr(1, "threadName"), "MainThread");
}

TEST_F(RecordTest, NamedCThreadKeepsItsName) {
    CThreadCall call = LogFromCThread("rec-named");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "threadName"), "rec-named");
    EXPECT_EQ(Attr(1, "threadName"), "rec-named");
    EXPECT_EQ(Attr(0, "thread"), std::to_string(call.ident));
    EXPECT_EQ(Attr(0, "funcName"), "operator()");
}

TEST_F(RecordTest, UnnamedCThreadIsNamedAfterItsTid) {
    CThreadCall call = LogFromCThread(nullptr);
    ASSERT_EQ(Count(), 2);
    const std::string name = "pylog-" + std::to_string(call.tid);
    EXPECT_EQ(Attr(0, "threadName"), name);
    EXPECT_EQ(Attr(1, "threadName"), name);
    EXPECT_EQ(Attr(0, "thread"), std::to_string(call.ident));
    EXPECT_EQ(Attr(1, "thread"), std::to_string(call.ident));
    ExpectTrue("capture.records[0].process == os.getpid()");
}

// logging.logThreads = False: Python leaves thread and threadName None.
TEST_F(RecordTest, NoThreadFieldsWhenLoggingOmitsThem) {
    Py("logging.logThreads = False");
    LogFromCThread("rec-quiet");
    Py("c_log('main')\npy_log('main')");
    ASSERT_EQ(Count(), 4);
    EXPECT_EQ(Str("[(r.thread, r.threadName) for r in capture.records]"),
              "[(None, None), (None, None), (None, None), (None, None)]");
}

TEST_F(RecordTest, CThreadRecordIsTimedAtItsCall) {
    CThreadCall call = LogFromCThread("rec-timed");
    Py("py_log('after the thread')");
    ASSERT_EQ(Count(), 3);
    const double created = std::stod(Attr(0, "created"));
    EXPECT_GE(created, call.before - 1e-6);
    EXPECT_LE(created, call.after + 1e-6);
    ExpectTrue("abs((capture.records[2].relativeCreated\n"
               "     - capture.records[0].relativeCreated)\n"
               "    - (capture.records[2].created\n"
               "       - capture.records[0].created) * 1000) < 0.01");
}

#if PY_VERSION_HEX >= 0x030C0000
TEST_F(RecordTest, TaskNameIsTheRunningTasksName) {
    Py("async def in_task():\n"
       "    c_log('in a task')\n"
       "    py_log('in a task')\n"
       "async def outer():\n"
       "    await asyncio.create_task(in_task(), name='rec-task')\n"
       "asyncio.run(outer())\n"
       "c_log('outside any task')\n");
    ASSERT_EQ(Count(), 3);
    EXPECT_EQ(Attr(0, "taskName"), "rec-task");
    EXPECT_EQ(Attr(1, "taskName"), "rec-task");
    EXPECT_EQ(Attr(2, "taskName"), "None");
}
#else
TEST_F(RecordTest, NoTaskNameBeforePython312) {
    Py("async def in_task():\n"
       "    c_log('in a task')\n"
       "async def outer():\n"
       "    await asyncio.create_task(in_task(), name='rec-task')\n"
       "asyncio.run(outer())\n");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Str("'taskName' in vars(capture.records[0])"), "False");
}
#endif

// Filters on the site's logger and on every handler up to the root run
// once, in the order Python's own call runs them; an ancestor logger's
// filter is not consulted (Python consults only the logger called).
TEST_F(RecordTest, EveryFilterAndHandlerSeesTheRecordOnce) {
    Py(R"(
seen = []
class Seen(logging.Filter):
    def __init__(self, where):
        logging.Filter.__init__(self)
        self.where = where
    def filter(self, record):
        seen.append((self.where, record.getMessage()))
        return True
class Keep(logging.Handler):
    def __init__(self, where):
        logging.Handler.__init__(self)
        self.where = where
        self.addFilter(Seen(where + ' handler'))
    def emit(self, record):
        seen.append(('emit ' + self.where, id(record)))
parent = logging.getLogger('record')
py_logger.addFilter(Seen('site logger'))
parent.addFilter(Seen('parent logger'))
py_logger.addHandler(Keep('site'))
parent.addHandler(Keep('parent'))
capture.addFilter(Seen('root'))
c_log('x')
c_seen = [(w, v) for w, v in seen]
del seen[:]
py_log('x')
py_seen = list(seen)
)");
    EXPECT_EQ(Str("[w for w, _ in c_seen]"),
              "['site logger', 'site handler', 'emit site', 'parent handler', "
              "'emit parent', 'root']");
    EXPECT_EQ(Str("[w for w, _ in c_seen]"), Str("[w for w, _ in py_seen]"));
    // One record object travels to every handler.
    EXPECT_EQ(Str("len({v for w, v in c_seen if w.startswith('emit')})"), "1");
    ExpectTrue("c_seen[2][1] == id(capture.records[0])");
    EXPECT_EQ(Count(), 2);
}

TEST_F(RecordTest, PropagationStopsWhereItStopsInPython) {
    Py("logging.getLogger('record').propagate = False\n"
       "c_log('stays below root')\n");
    EXPECT_EQ(Count(), 0);
    Py("logging.getLogger('record').propagate = True\n"
       "c_log('reaches root')\n");
    EXPECT_EQ(Count(), 1);
}

TEST_F(RecordTest, AssertLogsCapturesTheRecord) {
    Py(R"(
class Case(unittest.TestCase):
    def runTest(self):
        pass
case = Case()
with case.assertLogs('record.site', level='WARNING') as logs:
    c_log('inside assertLogs')
with case.assertLogs(level='WARNING') as root_logs:
    c_log('at the root')
)");
    EXPECT_EQ(Str("logs.output"), "['WARNING:record.site:inside assertLogs']");
    EXPECT_EQ(Str("logs.records[0].lineno"), std::to_string(c_log_line));
    EXPECT_EQ(Str("root_logs.output"), "['WARNING:record.site:at the root']");
    // assertLogs took over the logger: nothing reached the root's capture
    // in the first block.
    EXPECT_EQ(Count(), 0);
    Py(R"(
try:
    with case.assertLogs('record.site', level='ERROR'):
        c_log('below ERROR')
    failed = None
except AssertionError as e:
    failed = str(e)
)");
    EXPECT_EQ(Str("failed"), "no logs of level ERROR or higher triggered on "
                             "record.site");
}

TEST_F(RecordTest, QueueHandlerAndListenerDeliverTheMessageOnce) {
    Py(R"(
q = queue.Queue()
listened = logging.handlers.QueueListener(q, capture)
logging.root.removeHandler(capture)
logging.root.addHandler(logging.handlers.QueueHandler(q))
listened.start()
c_log('100% %s done %d')
listened.stop()
)");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "getMessage()"), "100% %s done %d");
    EXPECT_EQ(Attr(0, "msg"), "100% %s done %d");
    ExpectTrue("capture.records[0].args in (None, ())");
    EXPECT_EQ(Str("logging.Formatter('%(levelname)s %(message)s')"
                  ".format(capture.records[0])"),
              "WARNING 100% %s done %d");
}

TEST_F(RecordTest, AdapterStyleFilterAddsAttributes) {
    Py(R"(
class Context(logging.Filter):
    def filter(self, record):
        record.request_id = 'req-7'
        return True
py_logger.addFilter(Context())
)");
    Py("c_log('handled')");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Str("logging.Formatter('[%(request_id)s] %(message)s')"
                  ".format(capture.records[0])"),
              "[req-7] handled");
}

// Python's Logger._log calls makeRecord with ten positional arguments; a
// subclass may require all of them.
TEST_F(RecordTest, LoggerClassMakeRecordGetsPythonsArguments) {
    Py(R"(
calls = []
class Strict(logging.Logger):
    def makeRecord(self, name, level, fn, lno, msg, args, exc_info, func,
                   extra, sinfo):
        calls.append((name, level, fn, lno, msg, args, exc_info, func, extra,
                      sinfo))
        record = logging.Logger.makeRecord(self, name, level, fn, lno, msg,
                                           args, exc_info, func, extra, sinfo)
        record.made_by = 'Strict'
        return record
logging.setLoggerClass(Strict)
strict = logging.getLogger('record.strict')
logging.setLoggerClass(logging.Logger)
)");
    PYLOG_LOG_TARGET("record::strict", PYLOG_LEVEL_WARN, "strict %d", 1);
    Py("strict.warning('strict %d', 2)");
    EXPECT_EQ(Unraisable(), 0);
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "made_by"), "Strict");
    EXPECT_EQ(Attr(0, "getMessage()"), "strict 1");
    EXPECT_EQ(Str("[type(a).__name__ for a in calls[0]]"),
              Str("[type(a).__name__ for a in calls[1]]"));
}

TEST_F(RecordTest, RecordFactoryGetsPythonsArguments) {
    Py(R"(
made = []
plain_factory = logging.getLogRecordFactory()
def factory(*args, **kwargs):
    made.append(([type(a).__name__ for a in args], sorted(kwargs)))
    record = plain_factory(*args, **kwargs)
    record.factory = 'custom'
    return record
logging.setLogRecordFactory(factory)
)");
    Py("c_log('from C')\npy_log('from Python')");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "factory"), "custom");
    EXPECT_EQ(Str("made[0]"), Str("made[1]"));
    EXPECT_EQ(Str("sorted(vars(capture.records[0]))"),
              Str("sorted(vars(capture.records[1]))"));
}

}  // namespace
}  // namespace pylog_testing
