// statement_test.cc: what a statement promises its caller beyond the
// record: errno unchanged on every path, %m showing the call's errno, and
// the entry points for an extension's own logging function (pylog_vlog)
// and macro (PYLOG_LOG_AT), whose records carry the origin they are given.
#define PYLOG_TARGET "stmt"
#include "testing/embedded_python.h"

#include "pylog/internal/lifecycle.h"

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <string>
#include <thread>

namespace pylog_testing {
namespace {

using StatementTest = PylogTest;

// A handler whose emit writes to a file: CPython's write path sets errno.
void InstallWritingHandler() {
    Py("import tempfile\n"
       "sink = open(tempfile.mktemp(), 'w', buffering=1)\n"
       "logging.root.addHandler(logging.StreamHandler(sink))");
}

// The extension's own logging function, as a ported extension has it.
void MyLog(int level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void MyLog(int level, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pylog_vlog(level, nullptr, file, line, "caller_function", fmt, ap);
    va_end(ap);
}

#define MY_LOG(LEVEL, ...) \
    PYLOG_LOG_AT(LEVEL, "src/origin.c", 4242, "origin_func", __VA_ARGS__)

TEST_F(StatementTest, ErrnoIsKeptWhenTheRecordReachesAHandler) {
    InstallDefaults();
    InstallWritingHandler();
    errno = ENOENT;
    PYLOG_WARN("delivered");
    EXPECT_EQ(errno, ENOENT);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Long("sink.tell() > 0"), 1);
}

TEST_F(StatementTest, ErrnoIsKeptWhenDisabledFilteredOrNotInstalled) {
    errno = EACCES;
    PYLOG_WARN("not installed");
    EXPECT_EQ(errno, EACCES);
    InstallDefaults(PYLOG_LEVEL_WARN);
    errno = EBADF;
    PYLOG_DEBUG("filtered by pylog");
    EXPECT_EQ(errno, EBADF);
    Py("logging.getLogger('stmt').setLevel(logging.ERROR)");
    errno = EINTR;
    PYLOG_WARN("filtered by the logger, first time (slow path)");
    EXPECT_EQ(errno, EINTR);
    PYLOG_WARN("filtered by the logger, cached");
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(PYLOG_ENABLED(PYLOG_LEVEL_WARN), 0);
    EXPECT_EQ(errno, EINTR);
    EXPECT_EQ(Count(), 0);
}

TEST_F(StatementTest, ErrnoIsKeptWhenTheHandlerFailsOrTheLevelIsBad) {
    InstallDefaults();
    Py("class Failing(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        open('/nonexistent/dir/file')\n"
       "logging.root.addHandler(Failing())");
    errno = E2BIG;
    PYLOG_ERROR("handler raises");
    EXPECT_EQ(errno, E2BIG);
    EXPECT_EQ(Unraisable(), 1);
    errno = E2BIG;
    PYLOG_LOG(0, "bad level");
    PYLOG_LOG(-3, "bad level");
    EXPECT_EQ(errno, E2BIG);
}

TEST_F(StatementTest, ErrnoIsKeptOnEveryThreadPath) {
    InstallWritingHandler();
    for (int delivery : {PYLOG_DELIVERY_AUTO, PYLOG_DELIVERY_SYNC}) {
        SCOPED_TRACE(delivery);
        pylog_config config;
        pylog_config_init(&config);
        config.delivery = delivery;
        Install(config);
        int seen = 0;
        {
            GilReleased released;
            std::thread([&seen] {
                errno = ETIMEDOUT;
                PYLOG_WARN("from a thread");
                if (PYLOG_ENABLED(PYLOG_LEVEL_WARN)) {
                    PYLOG_WARN("enabled");
                }
                seen = errno;
            }).join();
            ASSERT_EQ(pylog_flush(), 0);
        }
        EXPECT_EQ(seen, ETIMEDOUT);
        pylog_internal_uninstall();
    }
    EXPECT_EQ(Count(), 4);
}

TEST_F(StatementTest, PercentMShowsTheCallsErrno) {
    InstallDefaults();
    errno = ENOENT;
    PYLOG_WARN("open failed: %m");
    errno = EACCES;
    PYLOG_WARN("%d then %m and %s", 7, "text");
    EXPECT_EQ(errno, EACCES);
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "msg"),
              std::string("open failed: ") + strerror(ENOENT));
    EXPECT_EQ(Attr(1, "msg"),
              std::string("7 then ") + strerror(EACCES) + " and text");
}

TEST_F(StatementTest, PercentMFromAThreadWithoutTheGilIsItsErrno) {
    InstallDefaults();
    {
        GilReleased released;
        std::thread([] {
            errno = EPIPE;
            PYLOG_WARN("queued: %m");
        }).join();
        ASSERT_EQ(pylog_flush(), 0);
    }
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "msg"), std::string("queued: ") + strerror(EPIPE));
}

TEST_F(StatementTest, VlogRecordCarriesTheCallersOrigin) {
    InstallDefaults();
    errno = EEXIST;
    MyLog(PYLOG_LEVEL_WARN, "src/reader.c", 77, "read %d bytes", 12);
    EXPECT_EQ(errno, EEXIST);
    MyLog(PYLOG_LEVEL_ERROR, "lib/writer.c", 9, "wrote %s", "it");
    MyLog(PYLOG_LEVEL_WARN, "src/reader.c", 78, "second line");
    ASSERT_EQ(Count(), 3);
    EXPECT_EQ(Attr(0, "msg"), "read 12 bytes");
    EXPECT_EQ(Attr(0, "pathname"), "src/reader.c");
    EXPECT_EQ(Attr(0, "filename"), "reader.c");
    EXPECT_EQ(Attr(0, "module"), "reader");
    EXPECT_EQ(Attr(0, "lineno"), "77");
    EXPECT_EQ(Attr(0, "funcName"), "caller_function");
    // target NULL: the default target is the stem of the given file
    EXPECT_EQ(Attr(0, "name"), "reader");
    EXPECT_EQ(Attr(1, "name"), "writer");
    EXPECT_EQ(Attr(1, "lineno"), "9");
    EXPECT_EQ(Attr(2, "lineno"), "78");
    EXPECT_EQ(Attr(2, "msg"), "second line");
}

TEST_F(StatementTest, VlogAppliesTheGatesPerTarget) {
    pylog_target_filter rules[] = {{"quiet", PYLOG_LEVEL_ERROR}};
    pylog_config config;
    pylog_config_init(&config);
    config.target_filters = rules;
    config.n_target_filters = 1;
    Install(config);
    MyLog(PYLOG_LEVEL_WARN, "dir/quiet.c", 1, "filtered");
    MyLog(PYLOG_LEVEL_ERROR, "dir/quiet.c", 2, "passes");
    MyLog(PYLOG_LEVEL_WARN, "dir/loud.c", 3, "passes too");
    Py("logging.getLogger('loud').setLevel(logging.ERROR)");
    MyLog(PYLOG_LEVEL_WARN, "dir/loud.c", 3, "filtered by the logger");
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "msg"), "passes");
    EXPECT_EQ(Attr(1, "msg"), "passes too");
}

TEST_F(StatementTest, VlogBadInputIsCountedNotFatal) {
    InstallDefaults();
    pylog_stats before, after;
    pylog_get_stats(&before);
    va_list unused;
    // a NULL format: counted, no record (the va_list is never read)
    auto call = [&unused](const char *fmt, const char *file, ...) {
        va_start(unused, file);
        pylog_vlog(PYLOG_LEVEL_WARN, nullptr, file, 1, nullptr, fmt, unused);
        va_end(unused);
    };
    call(nullptr, "a.c");
    call("x", nullptr);
    MyLog(0, "a.c", 1, "bad level");
    pylog_get_stats(&after);
    EXPECT_EQ(after.errors - before.errors, 3u);
    EXPECT_EQ(Count(), 0);
}

TEST_F(StatementTest, LogAtRecordCarriesTheGivenOriginAndThisUnitsTarget) {
    InstallDefaults();
    errno = ENOSPC;
    MY_LOG(PYLOG_LEVEL_WARN, "at %d", 1);
    EXPECT_EQ(errno, ENOSPC);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "msg"), "at 1");
    EXPECT_EQ(Attr(0, "name"), "stmt");
    EXPECT_EQ(Attr(0, "pathname"), "src/origin.c");
    EXPECT_EQ(Attr(0, "filename"), "origin.c");
    EXPECT_EQ(Attr(0, "module"), "origin");
    EXPECT_EQ(Attr(0, "lineno"), "4242");
    EXPECT_EQ(Attr(0, "funcName"), "origin_func");
}

// One PYLOG_LOG_AT in a function that forwards its caller's origin: every
// record carries its own origin, not the first one's.
void Forward(const char *file, int line, const char *func, int n) {
    PYLOG_LOG_AT(PYLOG_LEVEL_WARN, file, line, func, "n=%d", n);
}

TEST_F(StatementTest, LogAtInAForwardingFunctionKeepsEachOrigin) {
    InstallDefaults();
    Forward("a/one.c", 1, "first", 1);
    Forward("b/two.c", 2, "second", 2);
    Forward("a/one.c", 1, "first", 3);
    Forward("b/two.c", 2, nullptr, 4);
    ASSERT_EQ(Count(), 4);
    EXPECT_EQ(Attr(0, "pathname") + Attr(0, "lineno") + Attr(0, "funcName"),
              "a/one.c1first");
    EXPECT_EQ(Attr(1, "pathname") + Attr(1, "lineno") + Attr(1, "funcName"),
              "b/two.c2second");
    EXPECT_EQ(Attr(2, "pathname") + Attr(2, "lineno") + Attr(2, "funcName"),
              "a/one.c1first");
    EXPECT_EQ(Attr(3, "pathname") + Attr(3, "lineno"), "b/two.c2");
    EXPECT_EQ(Attr(3, "funcName"), "None");
}

}  // namespace
}  // namespace pylog_testing
