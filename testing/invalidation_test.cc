// invalidation_test.cc: every change made through Python's logging API is
// seen by the next statement, in every caching mode, without pylog_reset().
#define PYLOG_TARGET "inval::child"
#include "testing/embedded_python.h"

#include "pylog/internal/lifecycle.h"

#include <string>

namespace pylog_testing {
namespace {

void InfoSite() { PYLOG_INFO("info"); }

class InvalidationTest : public PylogTest,
                         public ::testing::WithParamInterface<int> {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        pylog_config config;
        pylog_config_init(&config);
        config.caching = GetParam();
        Install(config);
        InfoSite();  // warm the slot: INFO is off under the root's WARNING
        ASSERT_EQ(Count(), 0);
    }
    // The site's record count after one more statement.
    long After() {
        InfoSite();
        return Count();
    }
};

TEST_P(InvalidationTest, SetLevelOnTheLogger) {
    Py("logging.getLogger('inval.child').setLevel(logging.INFO)");
    EXPECT_EQ(After(), 1);
    Py("logging.getLogger('inval.child').setLevel(logging.ERROR)");
    EXPECT_EQ(After(), 1);
}

TEST_P(InvalidationTest, SetLevelOnAnAncestor) {
    Py("logging.getLogger('inval').setLevel(logging.INFO)");
    EXPECT_EQ(After(), 1);
}

TEST_P(InvalidationTest, SetLevelOnTheRoot) {
    Py("logging.root.setLevel(logging.DEBUG)");
    EXPECT_EQ(After(), 1);
}

TEST_P(InvalidationTest, DisableAndReEnable) {
    Py("logging.root.setLevel(logging.DEBUG)");
    EXPECT_EQ(After(), 1);
    Py("logging.disable(logging.INFO)");
    EXPECT_EQ(After(), 1);
    Py("logging.disable(logging.NOTSET)");
    EXPECT_EQ(After(), 2);
}

TEST_P(InvalidationTest, DictConfigLevels) {
    Py("import logging.config\n"
       "logging.config.dictConfig({'version': 1, 'incremental': True,\n"
       "    'loggers': {'inval': {'level': 'INFO'}}})");
    EXPECT_EQ(After(), 1);
}

TEST_P(InvalidationTest, DictConfigDisablesExistingLoggers) {
    Py("logging.getLogger('inval.child').setLevel(logging.INFO)");
    EXPECT_EQ(After(), 1);
    Py("import logging.config\n"
       "logging.config.dictConfig({'version': 1,\n"
       "    'disable_existing_loggers': True,\n"
       "    'root': {'level': 'DEBUG', 'handlers': []}})\n"
       "logging.root.addHandler(capture)");
    EXPECT_EQ(Str("logging.getLogger('inval.child').disabled"), "True");
    EXPECT_EQ(After(), 1);
}

TEST_P(InvalidationTest, FileConfig) {
    Py("import logging.config, tempfile, os\n"
       "_ini = tempfile.NamedTemporaryFile('w', suffix='.ini', delete=False)\n"
       "_ini.write('[loggers]\\nkeys=root,inval\\n[handlers]\\nkeys=\\n'\n"
       "           '[formatters]\\nkeys=\\n[logger_root]\\nlevel=WARNING\\n'\n"
       "           'handlers=\\n[logger_inval]\\nlevel=INFO\\nhandlers=\\n'\n"
       "           'qualname=inval\\n')\n"
       "_ini.close()\n"
       "logging.config.fileConfig(_ini.name, disable_existing_loggers=False)\n"
       "os.unlink(_ini.name)\n"
       "logging.root.addHandler(capture)");
    EXPECT_EQ(After(), 1);
}

// What pylog cannot see: direct assignments. A direct `level` assignment
// is seen after pylog_reset() when caching levels; the other modes ask
// logger.isEnabledFor(), whose own cache (warmed by SetUp's statement) such
// an assignment leaves stale in Python too, until setLevel().
TEST_P(InvalidationTest, DirectLevelAssignmentNeedsResetWhenCachingLevels) {
    Py("child = logging.getLogger('inval.child')\n"
       "child.level = logging.INFO\n");
    EXPECT_EQ(After(), 0);
    EXPECT_EQ(Str("child.isEnabledFor(logging.INFO)"),
              GetParam() == PYLOG_CACHE_LOGGERS_AND_LEVELS ? "True" : "False");
    pylog_reset();
    const long expected = GetParam() == PYLOG_CACHE_LOGGERS_AND_LEVELS ? 1 : 0;
    EXPECT_EQ(After(), expected);
    Py("child.setLevel(logging.INFO)");
    EXPECT_EQ(After(), expected + 1);
}

TEST_P(InvalidationTest, DirectDisabledAssignments) {
    Py("child = logging.getLogger('inval.child')\n"
       "child.setLevel(logging.INFO)\n"
       "child.disabled = True\n");
    // Logger.handle() checks `disabled` itself: never a record.
    EXPECT_EQ(After(), 0);
    Py("child.disabled = False");
    const long expected = GetParam() == PYLOG_CACHE_LOGGERS_AND_LEVELS ? 0 : 1;
    EXPECT_EQ(After(), expected);
    pylog_reset();
    EXPECT_EQ(After(), expected + 1);
}

// One site per caching mode, so each starts under a fresh placeholder.
void FreshSite(int caching) {
    switch (caching) {
    case PYLOG_CACHE_NOTHING:
        PYLOG_LOG_TARGET("fresh0::a::b", PYLOG_LEVEL_INFO, "fresh");
        break;
    case PYLOG_CACHE_LOGGERS:
        PYLOG_LOG_TARGET("fresh1::a::b", PYLOG_LEVEL_INFO, "fresh");
        break;
    default:
        PYLOG_LOG_TARGET("fresh2::a::b", PYLOG_LEVEL_INFO, "fresh");
        break;
    }
}

// The site's logger "freshN.a.b" hangs under a placeholder for "freshN.a".
// A logger created there later, with a level from its constructor (no
// setLevel), must reach the site.
TEST_P(InvalidationTest, NewLoggerReplacesThePlaceholderAbove) {
    FreshSite(GetParam());
    ASSERT_EQ(Count(), 0);
    Py("class _Preset(logging.Logger):\n"
       "    def __init__(self, name, level=0):\n"
       "        logging.Logger.__init__(self, name, logging.INFO)\n"
       "logging.setLoggerClass(_Preset)\n"
       "logging.getLogger('fresh" + std::to_string(GetParam()) + ".a')\n"
       "logging.setLoggerClass(logging.Logger)");
    FreshSite(GetParam());
    EXPECT_EQ(Count(), 1);
}

INSTANTIATE_TEST_SUITE_P(EveryCachingMode, InvalidationTest,
                         ::testing::Values(PYLOG_CACHE_NOTHING,
                                           PYLOG_CACHE_LOGGERS,
                                           PYLOG_CACHE_LOGGERS_AND_LEVELS));

using HookTest = PylogTest;

TEST_F(HookTest, LoggingIsWrappedOnceAndHookedOnce) {
    for (int i = 0; i < 3; i++) {
        pylog_internal_uninstall();
        ASSERT_EQ(pylog_try_init(), 0);
    }
    EXPECT_EQ(Long("len(logging._pylog_hooks)"), 1);
    EXPECT_EQ(Str("hasattr(logging.Manager._clear_cache.__wrapped__, "
                  "'__wrapped__')"),
              "False");
    EXPECT_EQ(Str("logging.Manager._clear_cache.__name__"), "_clear_cache");
}

}  // namespace
}  // namespace pylog_testing
