// filter_test.cc: the global and per-target level filters (pyo3-log's own
// cases), target names and the file-stem default target.
#include "testing/embedded_python.h"

#include "pylog/internal/filter.h"
#include "pylog/internal/name.h"

#include <cstdlib>
#include <string>

namespace pylog_testing {
namespace {

// filter.c alone: no Python involved.
class RuleTable {
  public:
    RuleTable(int level, const pylog_target_filter *rules, size_t n) {
        EXPECT_EQ(pylog_internal_filter_rules_init(&table_, level, rules, n),
                  0);
    }
    ~RuleTable() { pylog_internal_filter_rules_clear(&table_); }
    int For(const char *target) {
        return pylog_internal_filter_threshold(&table_, target);
    }

  private:
    filter_rules table_;
};

TEST(FilterRules, MostSpecificDottedPrefixWins) {
    pylog_target_filter rules[] = {{"xy", PYLOG_LEVEL_DEBUG},
                                   {"xy::aa", PYLOG_LEVEL_TRACE}};
    RuleTable table(PYLOG_LEVEL_WARN, rules, 2);
    EXPECT_EQ(table.For("xy"), PYLOG_LEVEL_DEBUG);
    EXPECT_EQ(table.For("xy.aa"), PYLOG_LEVEL_TRACE);
    EXPECT_EQ(table.For("xy.aabb"), PYLOG_LEVEL_DEBUG);
    EXPECT_EQ(table.For("xy.aa.b"), PYLOG_LEVEL_TRACE);
    EXPECT_EQ(table.For("other"), PYLOG_LEVEL_WARN);
    EXPECT_EQ(table.For("xyz"), PYLOG_LEVEL_WARN);
    EXPECT_EQ(table.For("x"), PYLOG_LEVEL_WARN);
}

TEST(FilterRules, RuleOrderDoesNotMatterButLaterDuplicateWins) {
    pylog_target_filter rules[] = {{"xy.aa", PYLOG_LEVEL_TRACE},
                                   {"xy", PYLOG_LEVEL_DEBUG},
                                   {"xy", PYLOG_LEVEL_ERROR}};
    RuleTable table(PYLOG_LEVEL_WARN, rules, 3);
    EXPECT_EQ(table.For("xy.aa.b"), PYLOG_LEVEL_TRACE);
    EXPECT_EQ(table.For("xy.b"), PYLOG_LEVEL_ERROR);
}

TEST(FilterRules, NotsetRuleIsIgnored) {
    pylog_target_filter rules[] = {{"xy", PYLOG_LEVEL_NOTSET}};
    RuleTable table(PYLOG_LEVEL_INFO, rules, 1);
    EXPECT_EQ(table.For("xy"), PYLOG_LEVEL_INFO);
}

std::string Built(const char *prefix, const char *target,
                  const char *default_target, const char *file) {
    char *name =
        pylog_internal_name_build(prefix, target, default_target, file);
    std::string out = name != nullptr ? name : "<null>";
    std::free(name);
    return out;
}

TEST(Names, TargetDefaultTargetAndFileStem) {
    EXPECT_EQ(Built(nullptr, "a::b", "ignored", "f.c"), "a.b");
    EXPECT_EQ(Built(nullptr, nullptr, "d::t", "f.c"), "d.t");
    EXPECT_EQ(Built(nullptr, nullptr, nullptr, "src/io_util.c"), "io_util");
    EXPECT_EQ(Built(nullptr, nullptr, nullptr, "noext"), "noext");
    EXPECT_EQ(Built(nullptr, nullptr, nullptr, "dir.d/x.pb.cc"), "x.pb");
    EXPECT_EQ(Built("pkg.", "a::b.c", nullptr, "f.c"), "pkg.a.b.c");
    EXPECT_EQ(Built(nullptr, "a:b", nullptr, "f.c"), "a:b");
}

// The same rules, end to end through real records.
class TargetFilterTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        static const pylog_target_filter rules[] = {
            {"xy", PYLOG_LEVEL_DEBUG}, {"xy::aa", PYLOG_LEVEL_TRACE}};
        pylog_config config;
        pylog_config_init(&config);
        config.filter = PYLOG_LEVEL_WARN;
        config.target_filters = rules;
        config.n_target_filters = 2;
        Install(config);
        Py("logging.root.setLevel(1)");
    }
};

TEST_F(TargetFilterTest, TraceOnlyUnderTheTraceRule) {
    PYLOG_LOG_TARGET("xy::aa", PYLOG_LEVEL_TRACE, "1");
    PYLOG_LOG_TARGET("xy::aa::b", PYLOG_LEVEL_TRACE, "2");
    PYLOG_LOG_TARGET("xy::aabb", PYLOG_LEVEL_TRACE, "dropped");
    PYLOG_LOG_TARGET("xy", PYLOG_LEVEL_TRACE, "dropped");
    EXPECT_EQ(Str("[r.msg for r in capture.records]"), "['1', '2']");
}

TEST_F(TargetFilterTest, DebugUnderTheDebugRule) {
    PYLOG_LOG_TARGET("xy::aabb", PYLOG_LEVEL_DEBUG, "1");
    PYLOG_LOG_TARGET("xy", PYLOG_LEVEL_DEBUG, "2");
    PYLOG_LOG_TARGET("other", PYLOG_LEVEL_DEBUG, "dropped");
    PYLOG_LOG_TARGET("other", PYLOG_LEVEL_INFO, "dropped");
    PYLOG_LOG_TARGET("other", PYLOG_LEVEL_WARN, "3");
    EXPECT_EQ(Str("[r.msg for r in capture.records]"), "['1', '2', '3']");
}

using GlobalFilterTest = PylogTest;

TEST_F(GlobalFilterTest, DefaultFilterIsDebugSoTraceIsNotSent) {
    ASSERT_EQ(pylog_try_init(), 0);
    Py("logging.root.setLevel(1)");
    PYLOG_TRACE("not sent");
    PYLOG_DEBUG("sent");
    EXPECT_EQ(Str("[r.msg for r in capture.records]"), "['sent']");
}

TEST_F(GlobalFilterTest, OffDropsEverything) {
    InstallDefaults(PYLOG_LEVEL_OFF);
    Py("logging.root.setLevel(1)");
    PYLOG_CRITICAL("dropped");
    EXPECT_EQ(PYLOG_ENABLED(PYLOG_LEVEL_CRITICAL), 0);
    EXPECT_EQ(Count(), 0);
}

TEST_F(GlobalFilterTest, PythonLevelStillAppliesAfterPylogsFilter) {
    InstallDefaults(PYLOG_LEVEL_TRACE);
    PYLOG_INFO("below Python's WARNING");
    PYLOG_WARN("kept");
    EXPECT_EQ(Str("[r.msg for r in capture.records]"), "['kept']");
}

TEST_F(GlobalFilterTest, DefaultTargetReplacesTheFileStem) {
    pylog_config config;
    pylog_config_init(&config);
    config.default_target = "mypkg::native";
    Install(config);
    PYLOG_WARN("w");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "name"), "mypkg.native");
}

TEST_F(GlobalFilterTest, WithoutTargetTheFileStemNamesTheLogger) {
    InstallDefaults();
    PYLOG_WARN("w");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "name"), "filter_test");
}

TEST_F(GlobalFilterTest, TargetRulesApplyToTheTargetNotThePrefix) {
    static const pylog_target_filter rules[] = {{"quiet", PYLOG_LEVEL_OFF}};
    pylog_config config;
    pylog_config_init(&config);
    config.prefix = "pkg.";
    config.target_filters = rules;
    config.n_target_filters = 1;
    Install(config);
    PYLOG_LOG_TARGET("quiet::part", PYLOG_LEVEL_CRITICAL, "dropped");
    PYLOG_LOG_TARGET("loud", PYLOG_LEVEL_CRITICAL, "kept");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "name"), "pkg.loud");
}

}  // namespace
}  // namespace pylog_testing
