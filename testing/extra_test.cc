// extra_test.cc: what PYLOG_EXCEPTION and PYLOG_LOG_KV add to a record: the
// pending exception as exc_info (left pending), and structured fields set
// like `extra=`, never over an existing attribute.
#define PYLOG_TARGET "extra::site"
#include "testing/embedded_python.h"

#include <climits>
#include <cstring>
#include <string>
#include <thread>

namespace pylog_testing {
namespace {

PyObject *MainDict() {
    return PyModule_GetDict(PyImport_AddModule("__main__"));  // borrowed
}

// Runs `expr` in __main__ from C, expecting it to raise; returns the pending
// exception's value (a new reference), which is left pending.
PyObject *RaiseFrom(const char *expr) {
    PyObject *result =
        PyRun_String(expr, Py_eval_input, MainDict(), MainDict());
    EXPECT_EQ(result, nullptr) << expr << " did not raise";
    Py_XDECREF(result);
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    Py_XINCREF(value);
    PyErr_Restore(type, value, traceback);
    return value;
}

// Takes the pending exception (expected to be `expected`) and clears it;
// stores it in __main__ as `pending` for the test's Python expressions.
void ExpectStillPending(PyObject *expected) {
    ASSERT_TRUE(PyErr_Occurred());
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    EXPECT_EQ(value, expected);
    PyDict_SetItemString(MainDict(), "pending", value);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
}

uint64_t Errors() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats.errors;
}

class ExtraTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        InstallDefaults();
        Py("exec(compile('def boom():\\n'\n"
           "             '    raise ValueError(\"kaboom\")\\n',\n"
           "             'pyside.py', 'exec'))\n"
           "py_logger = logging.getLogger('extra.site')\n"
           "def formatted(i):\n"
           "    return logging.Formatter().format(capture.records[i])\n");
    }
};

TEST_F(ExtraTest, ExceptionFromPythonCodeIsAttachedAndStaysPending) {
    PyObject *raised = RaiseFrom("boom()");
    ASSERT_NE(raised, nullptr);
    const int line = __LINE__ + 1;
    PYLOG_EXCEPTION("calling %s failed", "boom");
    ExpectStillPending(raised);
    Py_DECREF(raised);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "levelname"), "ERROR");
    EXPECT_EQ(Attr(0, "lineno"), std::to_string(line));
    EXPECT_EQ(Str("capture.records[0].exc_info[0] is ValueError"), "True");
    EXPECT_EQ(Str("capture.records[0].exc_info[1] is pending"), "True");
    EXPECT_EQ(Str("capture.records[0].exc_info[2] is pending.__traceback__"),
              "True");
    const std::string text = Str("formatted(0)");
    EXPECT_EQ(text.rfind("calling boom failed\nTraceback (most recent call "
                         "last):\n",
                         0),
              0u)
        << text;
    EXPECT_NE(text.find("File \"pyside.py\", line 2, in boom"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.substr(text.size() - 18), "ValueError: kaboom") << text;
}

TEST_F(ExtraTest, ExceptionTracebackMatchesPythonsLoggerException) {
    PyObject *raised = RaiseFrom("boom()");
    ASSERT_NE(raised, nullptr);
    PYLOG_EXCEPTION("failed");
    ExpectStillPending(raised);
    Py_DECREF(raised);
    // boom() on line 1 of "<string>", as RaiseFrom ran it.
    Py("try: boom()\n"
       "except ValueError: py_logger.exception('failed')\n");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Str("formatted(0)"), Str("formatted(1)"));
}

TEST_F(ExtraTest, ExceptionSetInCHasNoTraceback) {
    PyErr_SetString(PyExc_KeyError, "c side");
    PYLOG_EXCEPTION("lookup failed");
    ASSERT_TRUE(PyErr_ExceptionMatches(PyExc_KeyError));
    PyErr_Clear();
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Str("capture.records[0].exc_info[0] is KeyError"), "True");
    EXPECT_EQ(Str("capture.records[0].exc_info[2]"), "None");
    EXPECT_EQ(Str("formatted(0)"), "lookup failed\nKeyError: 'c side'");
}

TEST_F(ExtraTest, NoExceptionPendingLogsWithoutExcInfo) {
    PYLOG_EXCEPTION("nothing went wrong");
    EXPECT_FALSE(PyErr_Occurred());
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "levelname"), "ERROR");
    EXPECT_EQ(Attr(0, "exc_info"), "None");
    EXPECT_EQ(Str("formatted(0)"), "nothing went wrong");
}

TEST_F(ExtraTest, FailingHandlerLeavesTheCallersExceptionAlone) {
    Py("class Raising(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        raise RuntimeError('handler broke')\n"
       "logging.root.addHandler(Raising())\n");
    PyObject *raised = RaiseFrom("boom()");
    ASSERT_NE(raised, nullptr);
    PYLOG_EXCEPTION("with a broken handler");
    ExpectStillPending(raised);
    Py_DECREF(raised);
    ASSERT_EQ(Unraisable(), 1);
    EXPECT_EQ(Str("type(unraisable[0].exc_value).__name__"), "RuntimeError");
    EXPECT_EQ(Count(), 1);  // the capturing handler came first
}

TEST_F(ExtraTest, FilteredExceptionStatementChangesNothing) {
    ASSERT_EQ(pylog_set_filter(PYLOG_LEVEL_CRITICAL), 0);
    PyObject *raised = RaiseFrom("boom()");
    ASSERT_NE(raised, nullptr);
    PYLOG_EXCEPTION("filtered out");
    ExpectStillPending(raised);
    Py_DECREF(raised);
    EXPECT_EQ(Count(), 0);
}

TEST_F(ExtraTest, FieldsBecomeAttributesOfTheirPythonTypes) {
    Py("marker = object()");
    PyObject *marker = PyDict_GetItemString(MainDict(), "marker");  // borrowed
    ASSERT_NE(marker, nullptr);
    const Py_ssize_t refs = Py_REFCNT(marker);
    pylog_kv kvs[] = {
        PYLOG_KV_STR("user", "ann"),
        PYLOG_KV_INT("big", LLONG_MAX),
        PYLOG_KV_INT("small", LLONG_MIN),
        PYLOG_KV_FLOAT("ratio", 0.25),
        PYLOG_KV_OBJ("thing", marker),
        PYLOG_KV_STR("nothing", nullptr),
        PYLOG_KV_OBJ("null_obj", nullptr),
    };
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 7, "fields %d", 7);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "getMessage()"), "fields 7");
    EXPECT_EQ(Str("capture.records[0].user"), "ann");
    EXPECT_EQ(Str("type(capture.records[0].user).__name__"), "str");
    EXPECT_EQ(Str("capture.records[0].big == 2**63 - 1"), "True");
    EXPECT_EQ(Str("capture.records[0].small == -2**63"), "True");
    EXPECT_EQ(Str("repr(capture.records[0].ratio)"), "0.25");
    EXPECT_EQ(Str("capture.records[0].thing is marker"), "True");
    EXPECT_EQ(Str("capture.records[0].nothing"), "None");
    EXPECT_EQ(Str("capture.records[0].null_obj"), "None");
    EXPECT_EQ(Str("logging.Formatter('%(user)s %(big)d %(ratio).2f "
                  "%(message)s').format(capture.records[0])"),
              "ann 9223372036854775807 0.25 fields 7");
    Py("capture.records.clear()");
    EXPECT_EQ(Py_REFCNT(marker), refs);  // borrowed: no reference kept
}

TEST_F(ExtraTest, FieldsGiveTheAttributesOfPythonsExtra) {
    pylog_kv kvs[] = {PYLOG_KV_STR("user", "ann"), PYLOG_KV_INT("n", 3)};
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 2, "login");
    Py("py_logger.warning('login', extra={'user': 'ann', 'n': 3})");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Str("sorted(vars(capture.records[0]))"),
              Str("sorted(vars(capture.records[1]))"));
}

TEST_F(ExtraTest, CollidingKeysAreDroppedAndCounted) {
    // The keys Python's `extra=` refuses: record attributes and the two
    // the Formatter sets ("message", "asctime").
    pylog_kv kvs[] = {
        PYLOG_KV_STR("msg", "not the message"),
        PYLOG_KV_STR("name", "not the logger"),
        PYLOG_KV_STR("message", "not formatted"),
        PYLOG_KV_STR("asctime", "not a time"),
        PYLOG_KV_INT("levelno", 99),
        PYLOG_KV_STR("kept", "yes"),
    };
    const uint64_t before = Errors();
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 6, "the message");
    EXPECT_EQ(Errors() - before, 5u);
    EXPECT_EQ(Unraisable(), 0);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "msg"), "the message");
    EXPECT_EQ(Attr(0, "name"), "extra.site");
    EXPECT_EQ(Attr(0, "levelno"), "30");
    EXPECT_EQ(Attr(0, "kept"), "yes");
    EXPECT_EQ(Str("'message' in vars(capture.records[0])"), "False");
    EXPECT_EQ(Str("logging.Formatter('%(asctime)s|%(message)s')"
                  ".format(capture.records[0]).split('|')[1]"),
              "the message");
    // Python refuses every one of these keys too.
    Py("refused = []\n"
       "for key in ('msg', 'name', 'message', 'asctime', 'levelno'):\n"
       "    try:\n"
       "        py_logger.warning('x', extra={key: 1})\n"
       "    except KeyError:\n"
       "        refused.append(key)\n");
    EXPECT_EQ(Long("len(refused)"), 5);
}

TEST_F(ExtraTest, TaskNameCollidesWhereItIsAnAttribute) {
    pylog_kv kvs[] = {PYLOG_KV_STR("taskName", "mine")};
    const uint64_t before = Errors();
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 1, "task");
    ASSERT_EQ(Count(), 1);
#if PY_VERSION_HEX >= 0x030C0000
    EXPECT_EQ(Errors() - before, 1u);
    EXPECT_EQ(Attr(0, "taskName"), "None");
#else
    EXPECT_EQ(Errors() - before, 0u);
    EXPECT_EQ(Attr(0, "taskName"), "mine");
#endif
}

TEST_F(ExtraTest, KeyAddedByARecordFactoryCollides) {
    Py("plain_factory = logging.getLogRecordFactory()\n"
       "def factory(*args, **kwargs):\n"
       "    record = plain_factory(*args, **kwargs)\n"
       "    record.tenant = 'from the factory'\n"
       "    return record\n"
       "logging.setLogRecordFactory(factory)\n");
    pylog_kv kvs[] = {PYLOG_KV_STR("tenant", "from C")};
    const uint64_t before = Errors();
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 1, "tenant");
    EXPECT_EQ(Errors() - before, 1u);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "tenant"), "from the factory");
}

TEST_F(ExtraTest, NullAndRepeatedKeysAreDroppedAndCounted) {
    pylog_kv kvs[] = {
        PYLOG_KV_STR(nullptr, "no key"),
        PYLOG_KV_STR("user", "first"),
        PYLOG_KV_STR("user", "second"),
        PYLOG_KV_INT("n", 1),
    };
    const uint64_t before = Errors();
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 4, "null key");
    EXPECT_EQ(Errors() - before, 2u);
    EXPECT_EQ(Unraisable(), 0);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "user"), "first");
    EXPECT_EQ(Attr(0, "n"), "1");
}

TEST_F(ExtraTest, InvalidUtf8IsReplaced) {
    pylog_kv kvs[] = {PYLOG_KV_STR("raw", "a\xff\xfe" "b\xc3")};
    const uint64_t before = Errors();
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 1, "bytes");
    EXPECT_EQ(Errors(), before);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Str("capture.records[0].raw == 'a\\ufffd\\ufffdb\\ufffd'"),
              "True");
}

TEST_F(ExtraTest, ZeroFieldsIsAPlainStatement) {
    PYLOG_LOG_KV(PYLOG_LEVEL_WARN, static_cast<pylog_kv *>(nullptr), 0,
                 "no fields");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Str("sorted(vars(capture.records[0]))"),
              Str("sorted(vars(logging.LogRecord('n', 30, 'p', 1, 'm', (), "
                  "None)))"));
}

// STR, INT and FLOAT need no GIL: a thread Python never saw may use them,
// and its buffers may change as soon as the statement returns.
TEST_F(ExtraTest, FieldsFromAThreadWithoutTheGil) {
    {
        GilReleased released;
        std::thread([] {
            char user[16];
            std::strcpy(user, "worker");
            pylog_kv kvs[] = {PYLOG_KV_STR("user", user),
                              PYLOG_KV_INT("n", 5),
                              PYLOG_KV_FLOAT("x", 1.5)};
            PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 3, "from %s", user);
            std::strcpy(user, "CLOBBERED");
        }).join();
        pylog_flush();
    }
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "user"), "worker");
    EXPECT_EQ(Attr(0, "n"), "5");
    EXPECT_EQ(Attr(0, "x"), "1.5");
    EXPECT_EQ(Attr(0, "getMessage()"), "from worker");
}

}  // namespace
}  // namespace pylog_testing
