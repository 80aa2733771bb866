// bridge_test.cc: the records pylog hands to Python's logging, and what
// happens when Python's side fails.
#define PYLOG_TARGET "bridge::records"
#include "testing/embedded_python.h"

#include <string>

namespace pylog_testing {
namespace {

using BridgeTest = PylogTest;

TEST_F(BridgeTest, RecordCarriesTheCallSite) {
    InstallDefaults();
    const int line = __LINE__ + 1;
    PYLOG_WARN("answer %d", 42);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "name"), "bridge.records");
    EXPECT_EQ(Attr(0, "levelno"), "30");
    EXPECT_EQ(Attr(0, "levelname"), "WARNING");
    EXPECT_EQ(Attr(0, "pathname"), __FILE__);
    EXPECT_EQ(Attr(0, "lineno"), std::to_string(line));
    EXPECT_EQ(Attr(0, "funcName"), "TestBody");
    EXPECT_EQ(Attr(0, "msg"), "answer 42");
    EXPECT_EQ(Attr(0, "args"), "()");
    EXPECT_EQ(Attr(0, "exc_info"), "None");
    EXPECT_EQ(Attr(0, "filename"), "bridge_test.cc");
    EXPECT_EQ(Attr(0, "module"), "bridge_test");
}

TEST_F(BridgeTest, PercentInTheMessageIsNotInterpretedAgain) {
    InstallDefaults();
    PYLOG_WARN("%s", "100%s %d done");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "getMessage()"), "100%s %d done");
}

TEST_F(BridgeTest, EveryLevelMacroUsesPythonsNumbersAndNames) {
    InstallDefaults(PYLOG_LEVEL_TRACE);
    Py("logging.root.setLevel(1)");
    PYLOG_TRACE("t");
    PYLOG_DEBUG("d");
    PYLOG_INFO("i");
    PYLOG_WARN("w");
    PYLOG_WARNING("w2");
    PYLOG_ERROR("e");
    PYLOG_CRITICAL("c");
    ASSERT_EQ(Count(), 7);
    EXPECT_EQ(Str("[r.levelno for r in capture.records]"),
              "[5, 10, 20, 30, 30, 40, 50]");
    EXPECT_EQ(Str("[r.levelname for r in capture.records]"),
              "['TRACE', 'DEBUG', 'INFO', 'WARNING', 'WARNING', 'ERROR', "
              "'CRITICAL']");
}

TEST_F(BridgeTest, CustomLevelPassesThrough) {
    InstallDefaults();
    Py("logging.addLevelName(25, 'NOTICE')\nlogging.root.setLevel(1)");
    PYLOG_LOG(25, "custom");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "levelno"), "25");
    EXPECT_EQ(Attr(0, "levelname"), "NOTICE");
}

TEST_F(BridgeTest, ExplicitTargetMapsColonsToDots) {
    InstallDefaults();
    PYLOG_LOG_TARGET("a::b::c", PYLOG_LEVEL_ERROR, "x");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "name"), "a.b.c");
}

TEST_F(BridgeTest, PrefixIsPrependedToEveryLoggerName) {
    pylog_config config;
    pylog_config_init(&config);
    config.prefix = "mypkg.";
    Install(config);
    PYLOG_ERROR("x");
    PYLOG_LOG_TARGET("io::disk", PYLOG_LEVEL_ERROR, "y");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "name"), "mypkg.bridge.records");
    EXPECT_EQ(Attr(1, "name"), "mypkg.io.disk");
}

TEST_F(BridgeTest, InvalidUtf8IsReplacedNotFailed) {
    InstallDefaults();
    PYLOG_WARN("bad \xff\xfe bytes %s", "\xc3");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Long("capture.records[0].msg.count('\\ufffd')"), 3);
    EXPECT_EQ(Unraisable(), 0);
}

TEST_F(BridgeTest, OneMegabyteMessageIsLoggedWhole) {
    InstallDefaults();
    std::string big(1 << 20, 'x');
    big[0] = 'A';
    big[big.size() - 1] = 'Z';
    PYLOG_WARN("%s", big.c_str());
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Long("len(capture.records[0].msg)"), 1 << 20);
    EXPECT_EQ(Str("capture.records[0].msg[0] + capture.records[0].msg[-1]"),
              "AZ");
}

TEST_F(BridgeTest, MessageJustAboveTheStackBufferIsWhole) {
    InstallDefaults();
    std::string text(513, 'y');
    PYLOG_WARN("%s", text.c_str());
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Long("len(capture.records[0].msg)"), 513);
}

TEST_F(BridgeTest, PendingExceptionStaysPendingAndUnchanged) {
    InstallDefaults();
    PyObject *value = PyObject_CallFunction(PyExc_KeyError, "s", "callers own");
    ASSERT_NE(value, nullptr);
    PyErr_SetObject(PyExc_KeyError, value);
    PYLOG_WARN("while an exception is pending");
    ASSERT_TRUE(PyErr_Occurred());
    EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_KeyError));
    PyObject *type2, *value2, *traceback2;
    PyErr_Fetch(&type2, &value2, &traceback2);
    PyErr_NormalizeException(&type2, &value2, &traceback2);
    EXPECT_EQ(value2, value);
    Py_XDECREF(type2);
    Py_XDECREF(value2);
    Py_XDECREF(traceback2);
    Py_DECREF(value);
    EXPECT_EQ(Count(), 1);
}

TEST_F(BridgeTest, RaisingHandlerGoesToUnraisableHook) {
    InstallDefaults();
    Py(R"(
class _Raising(logging.Handler):
    def handle(self, record):
        raise ValueError('handler failed')
logging.root.addHandler(_Raising())
)");
    pylog_stats before, after;
    pylog_get_stats(&before);
    const int line = __LINE__ + 1;
    PYLOG_WARN("to a raising handler");
    EXPECT_FALSE(PyErr_Occurred());
    ASSERT_EQ(Unraisable(), 1);
    EXPECT_EQ(Str("type(unraisable[0].exc_value).__name__"), "ValueError");
    EXPECT_EQ(Str("unraisable[0].object"),
              std::string("pylog statement at ") + __FILE__ + ":" +
                  std::to_string(line));
    pylog_get_stats(&after);
    EXPECT_EQ(after.errors, before.errors + 1);
}

TEST_F(BridgeTest, FailingLoggerLookupIsReported) {
    InstallDefaults();
    Py(R"(
_real_getLogger = logging.getLogger
def _broken(name=None):
    raise LookupError('no logger for you')
logging.getLogger = _broken
)");
    PYLOG_WARN("lookup fails");
    Py("logging.getLogger = _real_getLogger");
    EXPECT_FALSE(PyErr_Occurred());
    ASSERT_EQ(Unraisable(), 1);
    EXPECT_EQ(Str("type(unraisable[0].exc_value).__name__"), "LookupError");
    EXPECT_EQ(Count(), 0);
}

TEST_F(BridgeTest, FailingLevelLookupIsReported) {
    Py(R"(
class _BadLevel(logging.Logger):
    def getEffectiveLevel(self):
        raise ArithmeticError('no level')
logging.setLoggerClass(_BadLevel)
)");
    InstallDefaults();
    PYLOG_LOG_TARGET("bridge::badlevel", PYLOG_LEVEL_WARN, "level fails");
    EXPECT_FALSE(PyErr_Occurred());
    ASSERT_EQ(Unraisable(), 1);
    EXPECT_EQ(Str("type(unraisable[0].exc_value).__name__"),
              "ArithmeticError");
}

TEST_F(BridgeTest, RecordsAreBuiltByTheLoggersOwnMakeRecord) {
    Py(R"(
class _Tagging(logging.Logger):
    def makeRecord(self, *args, **kwargs):
        record = logging.Logger.makeRecord(self, *args, **kwargs)
        record.tag = 'custom'
        return record
logging.setLoggerClass(_Tagging)
)");
    InstallDefaults();
    PYLOG_LOG_TARGET("bridge::tagged", PYLOG_LEVEL_WARN, "tagged");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "tag"), "custom");
}

TEST_F(BridgeTest, RecordFactoryIsHonoured) {
    Py(R"(
_old_factory = logging.getLogRecordFactory()
def _factory(*args, **kwargs):
    record = _old_factory(*args, **kwargs)
    record.factory = 'yes'
    return record
logging.setLogRecordFactory(_factory)
)");
    InstallDefaults();
    PYLOG_WARN("made by the factory");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "factory"), "yes");
}

TEST_F(BridgeTest, EmittedIsCounted) {
    InstallDefaults();
    pylog_stats before, after;
    pylog_get_stats(&before);
    PYLOG_WARN("one");
    PYLOG_ERROR("two");
    PYLOG_DEBUG("filtered by Python's WARNING root");
    pylog_get_stats(&after);
    EXPECT_EQ(after.emitted, before.emitted + 2);
}

TEST_F(BridgeTest, InvalidLevelIsDroppedAndCountedAsError) {
    InstallDefaults();
    pylog_stats before, after;
    pylog_get_stats(&before);
    // volatile: a level the optimiser can prove below PYLOG_MAX_LEVEL would
    // be stripped at compile time instead of counted.
    volatile int opaque = -3;
    PYLOG_LOG(opaque, "negative");
    opaque = PYLOG_LEVEL_OFF;
    PYLOG_LOG(opaque, "off is not a message level");
    pylog_get_stats(&after);
    EXPECT_EQ(Count(), 0);
    EXPECT_EQ(after.errors, before.errors + 2);
}

}  // namespace
}  // namespace pylog_testing
