// strip_test.cc: built with -DPYLOG_MAX_LEVEL=WARN, unoptimised (strip_test)
// and at -O2 (strip_test_opt), with strip_c.c (C statements, the same
// options). Statements below WARN must leave nothing in the binary, must
// not evaluate their arguments, and are not listed by the site registry.
// The test reads its own executable: this translation unit is linked into
// it statically (as into an extension module), so any surviving format
// string would be there.
#include "testing/embedded_python.h"

#include "pylog/internal/sites.h"

extern "C" int strip_c_every_level(int (*touch)(void));

#if PYLOG_INTERNAL_MAX_LEVEL != PYLOG_LEVEL_WARN
#error "strip_test must be built with -DPYLOG_MAX_LEVEL=WARN"
#endif

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace pylog_testing {
namespace {

int evaluations = 0;
int Touch() { return ++evaluations; }
extern "C" int TouchC() { return ++evaluations; }

void EveryLevel() {
    PYLOG_TRACE("gone-trace-format %d", Touch());
    PYLOG_DEBUG("gone-debug-format %d", Touch());
    PYLOG_INFO("gone-info-format %d", Touch());
    PYLOG_LOG(PYLOG_LEVEL_DEBUG, "gone-log-format %d", Touch());
    PYLOG_LOG_TARGET("gone-target", PYLOG_LEVEL_INFO, "gone-lt-format %d",
                     Touch());
    PYLOG_DEBUG_EVERY_N(Touch(), "gone-rate-format %d", Touch());
    PYLOG_LOG_EVERY_N_SEC(PYLOG_LEVEL_INFO, Touch(), "gone-lograte-format %d",
                          Touch());
    PYLOG_WARN("kept-warn-format %d", Touch());
    PYLOG_ERROR("kept-error-format %d", Touch());
    PYLOG_CRITICAL("kept-critical-format %d", Touch());
    PYLOG_WARN_FIRST_N(5, "kept-rate-format %d", Touch());
    strip_c_every_level(TouchC);
}

// The needles are stored reversed so that they are not themselves in the
// binary; the search reverses them at run time.
bool BinaryContains(std::string reversed) {
    std::reverse(reversed.begin(), reversed.end());
    std::ifstream self("/proc/self/exe", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(self)),
                      std::istreambuf_iterator<char>());
    EXPECT_GT(bytes.size(), 0u);
    return bytes.find(reversed) != std::string::npos;
}

using StripTest = PylogTest;

TEST_F(StripTest, FormatsBelowMaxLevelAreNotInTheBinary) {
    EXPECT_FALSE(BinaryContains("d% tamrof-ecart-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-gubed-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-ofni-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-gol-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-tl-enog"));
    EXPECT_FALSE(BinaryContains("tegrat-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-etar-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-etargol-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-gubed-c-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-gol-c-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-etar-c-enog"));
    EXPECT_FALSE(BinaryContains("d% tamrof-etargol-c-enog"));
}

TEST_F(StripTest, FormatsAtOrAboveMaxLevelAreKept) {
    EXPECT_TRUE(BinaryContains("d% tamrof-nraw-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-rorre-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-lacitirc-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-etar-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-nraw-c-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-etar-c-tpek"));
}

TEST_F(StripTest, OnlyKeptStatementsAreListed) {
    sites_list list;
    std::vector<std::string> formats;
    ASSERT_EQ(pylog_internal_sites_list(&list), 0);
    for (size_t i = 0; i < list.n_sites; i++) {
        formats.push_back(list.sites[i]->format != nullptr
                              ? list.sites[i]->format
                              : "(none)");
    }
    pylog_internal_sites_list_clear(&list);
    std::sort(formats.begin(), formats.end());
    EXPECT_EQ(formats, (std::vector<std::string>{
                           "kept-c-rate-format %d", "kept-c-warn-format %d",
                           "kept-critical-format %d", "kept-error-format %d",
                           "kept-rate-format %d", "kept-warn-format %d"}));
}

TEST_F(StripTest, StrippedArgumentsAreNeverEvaluated) {
    InstallDefaults(PYLOG_LEVEL_TRACE);
    Py("logging.root.setLevel(1)");
    evaluations = 0;
    EveryLevel();
    EXPECT_EQ(evaluations, 6);  // WARN, ERROR, CRITICAL, FIRST_N; C: 2
    EXPECT_EQ(Str("[r.levelno for r in capture.records]"),
              "[30, 40, 50, 30, 30, 40]");
}

TEST_F(StripTest, StrippedLevelIsNeverEnabled) {
    InstallDefaults(PYLOG_LEVEL_TRACE);
    Py("logging.root.setLevel(1)");
    EXPECT_FALSE(PYLOG_ENABLED(PYLOG_LEVEL_INFO));
    EXPECT_TRUE(PYLOG_ENABLED(PYLOG_LEVEL_WARN));
}

}  // namespace
}  // namespace pylog_testing
