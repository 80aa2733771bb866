// filter_test.cc: the global and per-target level filters (pyo3-log's own
// cases, the sorted rule table against a linear reference, the work
// installing and resolving 100,000 rules costs), target names and the
// file-stem default target.
#include "testing/embedded_python.h"

#include "pylog/internal/filter.h"
#include "pylog/internal/name.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

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
    RuleTable(const RuleTable &) = delete;
    RuleTable &operator=(const RuleTable &) = delete;
    int For(const char *target) {
        return pylog_internal_filter_threshold(&table_, target);
    }
    int Set(const std::string &target, int level) {
        return pylog_internal_filter_rules_set(&table_, target.data(),
                                               target.size(), level);
    }
    size_t Size() const { return table_.n_rules; }
    // The table's invariant: strictly ascending targets, no NOTSET rule.
    ::testing::AssertionResult Sorted() const {
        for (size_t i = 0; i < table_.n_rules; i++) {
            if (table_.rules[i].level == PYLOG_LEVEL_NOTSET) {
                return ::testing::AssertionFailure()
                       << "NOTSET rule kept for " << table_.rules[i].target;
            }
            if (i > 0 && std::strcmp(table_.rules[i - 1].target,
                                     table_.rules[i].target) >= 0) {
                return ::testing::AssertionFailure()
                       << "'" << table_.rules[i - 1].target << "' before '"
                       << table_.rules[i].target << "'";
            }
        }
        return ::testing::AssertionSuccess();
    }

  private:
    filter_rules table_;
};

// The rules as a list applied in order, answered by a linear scan: the
// documented meaning, written independently of filter.c's sorted table.
class ReferenceRules {
  public:
    explicit ReferenceRules(int level) : level_(level) {}
    void Set(std::string target, int level) {
        for (size_t at; (at = target.find("::")) != std::string::npos;) {
            target.replace(at, 2, ".");
        }
        for (size_t i = 0; i < rules_.size(); i++) {
            if (rules_[i].first == target) {
                rules_.erase(rules_.begin() + static_cast<long>(i));
                break;
            }
        }
        if (level != PYLOG_LEVEL_NOTSET) {
            rules_.emplace_back(target, level);
        }
    }
    int For(const std::string &target) const {
        int level = level_;
        size_t best = 0;
        bool found = false;
        for (const auto &rule : rules_) {
            const std::string &name = rule.first;
            bool covers = target.compare(0, name.size(), name) == 0 &&
                          (target.size() == name.size() ||
                           target[name.size()] == '.');
            if (covers && (!found || name.size() > best)) {
                found = true;
                best = name.size();
                level = rule.second;
            }
        }
        return level;
    }
    size_t Size() const { return rules_.size(); }

  private:
    int level_;
    std::vector<std::pair<std::string, int>> rules_;
};

// A short random name over an alphabet with dots, colons and a prefix
// relation between letters, so covers, near-misses and `::` all occur.
std::string RandomName(std::mt19937 &random) {
    static const char alphabet[] = {'a', 'b', '.', ':', 'a', '.'};
    std::uniform_int_distribution<int> length(0, 5), pick(0, 5);
    std::string name;
    for (int i = length(random); i > 0; i--) {
        name += alphabet[pick(random)];
    }
    return name;
}

size_t CeilLog2(size_t n) {
    size_t bits = 0;
    while ((size_t{1} << bits) < n) {
        bits++;
    }
    return bits;
}

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

TEST(FilterRules, LaterDuplicateWinsAfterNormalising) {
    pylog_target_filter rules[] = {{"a::b", PYLOG_LEVEL_DEBUG},
                                   {"c", PYLOG_LEVEL_INFO},
                                   {"a.b", PYLOG_LEVEL_ERROR},
                                   {"c", PYLOG_LEVEL_TRACE},
                                   {"a::b", PYLOG_LEVEL_CRITICAL}};
    RuleTable table(PYLOG_LEVEL_WARN, rules, 5);
    EXPECT_EQ(table.Size(), 2u);
    EXPECT_TRUE(table.Sorted());
    EXPECT_EQ(table.For("a.b"), PYLOG_LEVEL_CRITICAL);
    EXPECT_EQ(table.For("a.b.c"), PYLOG_LEVEL_CRITICAL);
    EXPECT_EQ(table.For("c"), PYLOG_LEVEL_TRACE);
    EXPECT_EQ(table.For("a"), PYLOG_LEVEL_WARN);
}

TEST(FilterRules, LaterNotsetRemovesAndLaterLevelRestores) {
    pylog_target_filter rules[] = {
        {"gone", PYLOG_LEVEL_DEBUG},  {"gone", PYLOG_LEVEL_NOTSET},
        {"back", PYLOG_LEVEL_DEBUG},  {"back", PYLOG_LEVEL_NOTSET},
        {"back", PYLOG_LEVEL_ERROR},  {"never", PYLOG_LEVEL_NOTSET},
        {"gone::x", PYLOG_LEVEL_TRACE}};
    RuleTable table(PYLOG_LEVEL_INFO, rules, 7);
    EXPECT_EQ(table.Size(), 2u);
    EXPECT_TRUE(table.Sorted());
    EXPECT_EQ(table.For("gone"), PYLOG_LEVEL_INFO);
    EXPECT_EQ(table.For("gone.x.y"), PYLOG_LEVEL_TRACE);
    EXPECT_EQ(table.For("back"), PYLOG_LEVEL_ERROR);
    EXPECT_EQ(table.For("never"), PYLOG_LEVEL_INFO);
}

// A child rule beats its parent's whatever the order they are given in.
TEST(FilterRules, MostSpecificWinsInEveryOrder) {
    std::vector<pylog_target_filter> rules = {{"a", PYLOG_LEVEL_ERROR},
                                              {"a.b", PYLOG_LEVEL_DEBUG},
                                              {"a::b::c", PYLOG_LEVEL_TRACE},
                                              {"a.bc", PYLOG_LEVEL_INFO}};
    std::sort(rules.begin(), rules.end(),
              [](const pylog_target_filter &x, const pylog_target_filter &y) {
                  return std::strcmp(x.target, y.target) < 0;
              });
    int orders = 0;
    do {
        SCOPED_TRACE("order " + std::to_string(orders));
        RuleTable table(PYLOG_LEVEL_WARN, rules.data(), rules.size());
        EXPECT_TRUE(table.Sorted());
        EXPECT_EQ(table.For("a"), PYLOG_LEVEL_ERROR);
        EXPECT_EQ(table.For("a.x"), PYLOG_LEVEL_ERROR);
        EXPECT_EQ(table.For("a.b"), PYLOG_LEVEL_DEBUG);
        EXPECT_EQ(table.For("a.b.x"), PYLOG_LEVEL_DEBUG);
        EXPECT_EQ(table.For("a.b.c"), PYLOG_LEVEL_TRACE);
        EXPECT_EQ(table.For("a.b.c.d.e"), PYLOG_LEVEL_TRACE);
        EXPECT_EQ(table.For("a.b.cd"), PYLOG_LEVEL_DEBUG);
        EXPECT_EQ(table.For("a.bc"), PYLOG_LEVEL_INFO);
        EXPECT_EQ(table.For("a.bc.d"), PYLOG_LEVEL_INFO);
        EXPECT_EQ(table.For("a.bcd"), PYLOG_LEVEL_ERROR);
        EXPECT_EQ(table.For("ab"), PYLOG_LEVEL_WARN);
        EXPECT_EQ(table.For(""), PYLOG_LEVEL_WARN);
        orders++;
    } while (std::next_permutation(
        rules.begin(), rules.end(),
        [](const pylog_target_filter &x, const pylog_target_filter &y) {
            return std::strcmp(x.target, y.target) < 0;
        }));
    EXPECT_EQ(orders, 24);
}

TEST(FilterRules, SetAddsReplacesAndRemoves) {
    RuleTable table(PYLOG_LEVEL_WARN, nullptr, 0);
    EXPECT_EQ(table.Set("m::n", PYLOG_LEVEL_DEBUG), 0);
    EXPECT_EQ(table.Set("z", PYLOG_LEVEL_ERROR), 0);
    EXPECT_EQ(table.Set("a", PYLOG_LEVEL_INFO), 0);
    EXPECT_EQ(table.Set("m", PYLOG_LEVEL_TRACE), 0);
    EXPECT_EQ(table.Size(), 4u);
    EXPECT_TRUE(table.Sorted());
    EXPECT_EQ(table.For("m.n.o"), PYLOG_LEVEL_DEBUG);
    EXPECT_EQ(table.For("m.o"), PYLOG_LEVEL_TRACE);
    EXPECT_EQ(table.Set("m.n", PYLOG_LEVEL_CRITICAL), 0);  // replaces m::n
    EXPECT_EQ(table.Size(), 4u);
    EXPECT_EQ(table.For("m.n.o"), PYLOG_LEVEL_CRITICAL);
    EXPECT_EQ(table.Set("m", PYLOG_LEVEL_NOTSET), 0);
    EXPECT_EQ(table.Set("absent", PYLOG_LEVEL_NOTSET), 0);
    EXPECT_EQ(table.Size(), 3u);
    EXPECT_TRUE(table.Sorted());
    EXPECT_EQ(table.For("m.o"), PYLOG_LEVEL_WARN);
    EXPECT_EQ(table.For("m.n"), PYLOG_LEVEL_CRITICAL);
    EXPECT_EQ(table.For("a.b"), PYLOG_LEVEL_INFO);
    EXPECT_EQ(table.For("z"), PYLOG_LEVEL_ERROR);
}

// Random rule lists (duplicates, NOTSET, `::`, empty and dotted names)
// installed at once and then changed one by one: every answer matches the
// linear reference.
TEST(FilterRules, AgreesWithTheLinearReference) {
    static const int levels[] = {PYLOG_LEVEL_NOTSET, PYLOG_LEVEL_TRACE,
                                 PYLOG_LEVEL_DEBUG,  PYLOG_LEVEL_INFO,
                                 PYLOG_LEVEL_WARN,   PYLOG_LEVEL_OFF};
    std::mt19937 random(12);
    std::uniform_int_distribution<int> pick_level(0, 5), pick_count(0, 40);
    for (int round = 0; round < 300; round++) {
        SCOPED_TRACE("round " + std::to_string(round));
        std::vector<std::string> names;
        std::vector<pylog_target_filter> rules;
        ReferenceRules reference(PYLOG_LEVEL_ERROR);
        for (int i = pick_count(random); i > 0; i--) {
            names.push_back(RandomName(random));
        }
        for (const std::string &name : names) {
            int level = levels[pick_level(random)];
            rules.push_back({name.c_str(), level});
            reference.Set(name, level);
        }
        RuleTable table(PYLOG_LEVEL_ERROR, rules.data(), rules.size());
        ASSERT_TRUE(table.Sorted());
        EXPECT_EQ(table.Size(), reference.Size());
        for (int i = 0; i < 30; i++) {
            std::string changed = RandomName(random);
            int level = levels[pick_level(random)];
            ASSERT_EQ(table.Set(changed, level), 0);
            reference.Set(changed, level);
            ASSERT_TRUE(table.Sorted());
            EXPECT_EQ(table.Size(), reference.Size());
            for (int j = 0; j < 10; j++) {
                // lookups take dotted names, as config.c passes them
                std::string target = RandomName(random);
                for (size_t at; (at = target.find("::")) !=
                                std::string::npos;) {
                    target.replace(at, 2, ".");
                }
                ASSERT_EQ(table.For(target.c_str()), reference.For(target))
                    << "target '" << target << "'";
            }
        }
    }
}

// Installing n rules costs O(n log n) comparisons, not O(n^2); a lookup
// costs one binary search per dotted prefix of its target, not one
// comparison per rule. Counted, not timed: the bounds hold on any machine.
TEST(FilterRules, ManyRulesInstallAndResolveInLogarithmicWork) {
    const size_t n = 100000;
    std::vector<std::string> names;
    for (size_t i = 0; i < n; i++) {
        names.push_back("pkg" + std::to_string(i % 97) + "::mod" +
                        std::to_string(i));
    }
    std::shuffle(names.begin(), names.end(), std::mt19937(3));
    std::vector<pylog_target_filter> rules;
    for (size_t i = 0; i < n; i++) {
        rules.push_back({names[i].c_str(), 1 + static_cast<int>(i % 99)});
    }
    const size_t log_n = CeilLog2(n);

    size_t before = pylog_internal_filter_comparisons();
    RuleTable table(PYLOG_LEVEL_WARN, rules.data(), n);
    size_t init = pylog_internal_filter_comparisons() - before;
    EXPECT_EQ(table.Size(), n);
    EXPECT_TRUE(table.Sorted());
    // merge sort: at most n * ceil(log2 n); the duplicate pass: n - 1
    EXPECT_LE(init, n * log_n + n) << "init made " << init << " comparisons";

    // Each target has three covering candidates at most ("pkgK.modI.sub",
    // "pkgK.modI", "pkgK"), so at most three binary searches.
    before = pylog_internal_filter_comparisons();
    for (size_t i = 0; i < n; i++) {
        std::string dotted = names[i];
        dotted.replace(dotted.find("::"), 2, ".");
        ASSERT_EQ(table.For((dotted + ".sub").c_str()), rules[i].level);
    }
    EXPECT_EQ(table.For("pkg1.none"), PYLOG_LEVEL_WARN);
    size_t lookups = pylog_internal_filter_comparisons() - before;
    EXPECT_LE(lookups, (n + 1) * 3 * (log_n + 1))
        << "lookups made " << lookups << " comparisons";

    // Copying a table rule by rule (config.c's pylog_internal_config_filters
    // does so, in the table's sorted order) is one binary search each.
    RuleTable copy(PYLOG_LEVEL_WARN, nullptr, 0);
    before = pylog_internal_filter_comparisons();
    std::vector<std::string> sorted_names;
    for (size_t i = 0; i < n; i++) {
        std::string dotted = names[i];
        dotted.replace(dotted.find("::"), 2, ".");
        sorted_names.push_back(dotted);
    }
    std::sort(sorted_names.begin(), sorted_names.end());
    for (const std::string &name : sorted_names) {
        ASSERT_EQ(copy.Set(name, PYLOG_LEVEL_INFO), 0);
    }
    size_t sets = pylog_internal_filter_comparisons() - before;
    EXPECT_EQ(copy.Size(), n);
    EXPECT_TRUE(copy.Sorted());
    EXPECT_LE(sets, n * (log_n + 1)) << "sets made " << sets << " comparisons";
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
