// install_test.cc: pylog_config_init, pylog_install, pylog_try_init,
// pylog_init: defaults, "already installed", and every rejected config.
#define PYLOG_TARGET "install_test"
#include "testing/embedded_python.h"

#include "pylog/internal/lifecycle.h"

#include <cstdio>
#include <string>

namespace pylog_testing {
namespace {

class InstallTest : public PylogTest {
  protected:
    // Asserts that pylog is not installed: a statement that would pass every
    // filter produces no record.
    void ExpectNotInstalled() {
        Py("logging.root.setLevel(1)");
        PYLOG_CRITICAL("must not appear");
        EXPECT_EQ(Count(), 0);
    }

    // Asserts pylog_install(config) fails with `exception` set.
    void ExpectRejected(const pylog_config *config, const char *exception) {
        EXPECT_EQ(pylog_install(config), PYLOG_ERR_PYTHON);
        ASSERT_TRUE(PyErr_Occurred());
        PyObject *expected = PyDict_GetItemString(
            PyEval_GetBuiltins(), exception);  // borrowed
        EXPECT_TRUE(PyErr_ExceptionMatches(expected)) << exception;
        PyErr_Clear();
        ExpectNotInstalled();
    }
};

TEST_F(InstallTest, ConfigInitFillsTheDefaults) {
    pylog_config config;
    pylog_config_init(&config);
    EXPECT_EQ(config.filter, PYLOG_LEVEL_DEBUG);
    EXPECT_EQ(config.target_filters, nullptr);
    EXPECT_EQ(config.n_target_filters, 0u);
    EXPECT_EQ(config.caching, PYLOG_CACHE_LOGGERS_AND_LEVELS);
    EXPECT_EQ(config.prefix, nullptr);
    EXPECT_EQ(config.default_target, nullptr);
}

TEST_F(InstallTest, TryInitTwiceReportsAlreadyInstalledWithoutException) {
    ASSERT_EQ(pylog_try_init(), 0);
    EXPECT_EQ(pylog_try_init(), PYLOG_ERR_ALREADY_INSTALLED);
    EXPECT_FALSE(PyErr_Occurred());
    pylog_config config;
    pylog_config_init(&config);
    EXPECT_EQ(pylog_install(&config), PYLOG_ERR_ALREADY_INSTALLED);
    EXPECT_FALSE(PyErr_Occurred());
}

TEST_F(InstallTest, InitTwiceRaisesRuntimeError) {
    ASSERT_EQ(pylog_init(), 0);
    EXPECT_EQ(pylog_init(), -1);
    ASSERT_TRUE(PyErr_Occurred());
    EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_RuntimeError));
    PyErr_Clear();
    // The first installation is untouched.
    PYLOG_WARN("still installed");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "getMessage()"), "still installed");
}

TEST_F(InstallTest, InstallWorksAgainAfterUninstall) {
    ASSERT_EQ(pylog_try_init(), 0);
    pylog_internal_uninstall();
    EXPECT_EQ(pylog_try_init(), 0);
}

// The threads of this process, as the kernel counts them.
static long ProcessThreads() {
    long n = 0;
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    while (status != nullptr && fgets(line, sizeof line, status) != nullptr) {
        if (sscanf(line, "Threads: %ld", &n) == 1) {
            break;
        }
    }
    if (status != nullptr) {
        fclose(status);
    }
    return n;
}

// pylog_install undoes every step it made when a later one fails: after a
// failure injected after each step, nothing is installed, no reference to
// logging's objects is kept, no thread runs, and installing again works.
TEST_F(InstallTest, FailureAfterEachStepLeavesNothingInstalled) {
    // Once, so that what stays for the process by design is in place
    // before the counts are taken: logging's reconfiguration hooks, the
    // exit hook of this interpreter, the fork handlers and the queue.
    ASSERT_EQ(pylog_try_init(), 0);
    pylog_internal_uninstall();
    Py("import sys\n"
       "refs = lambda: (sys.getrefcount(logging), "
       "sys.getrefcount(logging.LogRecord), "
       "sys.getrefcount(logging.Logger), len(logging._pylog_hooks))\n"
       "before = refs()");
    long threads = ProcessThreads();
    for (int step = 1; step <= PYLOG_INTERNAL_INSTALL_STEPS; step++) {
        SCOPED_TRACE("fault after step " + std::to_string(step));
        pylog_internal_install_fault = step;
        EXPECT_EQ(pylog_try_init(), PYLOG_ERR_PYTHON);
        ASSERT_TRUE(PyErr_Occurred());
        EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_RuntimeError));
        PyErr_Clear();
        EXPECT_EQ(pylog_internal_install_fault, 0);
        ExpectNotInstalled();
        EXPECT_EQ(Str("refs() == before"), "True") << Str("(refs(), before)");
        EXPECT_EQ(ProcessThreads(), threads);
        // The failed install left no configuration behind.
        ASSERT_EQ(pylog_set_filter(PYLOG_LEVEL_INFO), PYLOG_ERR_NOT_INSTALLED);
    }
    ASSERT_EQ(pylog_try_init(), 0);
    PYLOG_WARN("installed after the faults");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "getMessage()"), "installed after the faults");
}

TEST_F(InstallTest, NullConfigIsTypeError) {
    ExpectRejected(nullptr, "TypeError");
}

TEST_F(InstallTest, NegativeFilterIsValueError) {
    pylog_config config;
    pylog_config_init(&config);
    config.filter = -1;
    ExpectRejected(&config, "ValueError");
}

TEST_F(InstallTest, FilterAboveOffIsValueError) {
    pylog_config config;
    pylog_config_init(&config);
    config.filter = PYLOG_LEVEL_OFF + 1;
    ExpectRejected(&config, "ValueError");
}

TEST_F(InstallTest, UnknownCachingModeIsValueError) {
    pylog_config config;
    pylog_config_init(&config);
    config.caching = 7;
    ExpectRejected(&config, "ValueError");
    config.caching = -1;
    ExpectRejected(&config, "ValueError");
}

TEST_F(InstallTest, NullTargetInTargetFiltersIsTypeError) {
    pylog_target_filter rules[] = {{"ok", PYLOG_LEVEL_INFO},
                                   {nullptr, PYLOG_LEVEL_INFO}};
    pylog_config config;
    pylog_config_init(&config);
    config.target_filters = rules;
    config.n_target_filters = 2;
    ExpectRejected(&config, "TypeError");
}

TEST_F(InstallTest, NullTargetFiltersArrayWithCountIsTypeError) {
    pylog_config config;
    pylog_config_init(&config);
    config.n_target_filters = 3;
    ExpectRejected(&config, "TypeError");
}

TEST_F(InstallTest, EmptyTargetIsValueError) {
    pylog_target_filter rules[] = {{"", PYLOG_LEVEL_INFO}};
    pylog_config config;
    pylog_config_init(&config);
    config.target_filters = rules;
    config.n_target_filters = 1;
    ExpectRejected(&config, "ValueError");
}

TEST_F(InstallTest, TargetLevelOutOfRangeIsValueError) {
    pylog_target_filter rules[] = {{"a", -5}};
    pylog_config config;
    pylog_config_init(&config);
    config.target_filters = rules;
    config.n_target_filters = 1;
    ExpectRejected(&config, "ValueError");
}

TEST_F(InstallTest, InstallWithoutTheGilIsRefusedWithoutException) {
    int status;
    {
        GilReleased released;
        status = pylog_try_init();
    }
    EXPECT_EQ(status, PYLOG_ERR_INVALID_ARGUMENT);
    EXPECT_FALSE(PyErr_Occurred());
    ExpectNotInstalled();
}

TEST_F(InstallTest, ConfigStringsAreCopied) {
    char prefix[] = "copied.";
    pylog_config config;
    pylog_config_init(&config);
    config.prefix = prefix;
    Install(config);
    prefix[0] = 'X';
    PYLOG_WARN("w");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "name"), "copied.install_test");
}

TEST_F(InstallTest, TraceLevelIsNamedTrace) {
    Py("logging.addLevelName(5, 'Level 5')");  // as if never named
    ASSERT_EQ(pylog_try_init(), 0);
    EXPECT_EQ(Str("logging.getLevelName(5)"), "TRACE");
}

TEST_F(InstallTest, ExistingNameForLevelFiveIsKept) {
    Py("logging.addLevelName(5, 'VERBOSE')");
    ASSERT_EQ(pylog_try_init(), 0);
    EXPECT_EQ(Str("logging.getLevelName(5)"), "VERBOSE");
    Py("logging.addLevelName(5, 'TRACE')");
}

TEST_F(InstallTest, StatementsBeforeInstallAreSilentNoOps) {
    pylog_stats before, after;
    pylog_get_stats(&before);
    Py("logging.root.setLevel(1)");
    PYLOG_CRITICAL("before install");
    EXPECT_EQ(PYLOG_ENABLED(PYLOG_LEVEL_CRITICAL), 0);
    pylog_get_stats(&after);
    EXPECT_EQ(Count(), 0);
    EXPECT_EQ(after.errors, before.errors);
    EXPECT_EQ(after.emitted, before.emitted);
}

}  // namespace
}  // namespace pylog_testing
