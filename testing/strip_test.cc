// strip_test.cc: built with -DPYLOG_MAX_LEVEL=WARN, unoptimised (strip_test)
// and at -O2 (strip_test_opt). Statements below WARN must leave nothing in
// the binary and must not evaluate their arguments. The test reads its own
// executable: this translation unit is linked into it statically (as into
// an extension module), so any surviving format string would be there.
#include "testing/embedded_python.h"

#if PYLOG_INTERNAL_MAX_LEVEL != PYLOG_LEVEL_WARN
#error "strip_test must be built with -DPYLOG_MAX_LEVEL=WARN"
#endif

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

namespace pylog_testing {
namespace {

int evaluations = 0;
int Touch() { return ++evaluations; }

void EveryLevel() {
    PYLOG_TRACE("gone-trace-format %d", Touch());
    PYLOG_DEBUG("gone-debug-format %d", Touch());
    PYLOG_INFO("gone-info-format %d", Touch());
    PYLOG_LOG(PYLOG_LEVEL_DEBUG, "gone-log-format %d", Touch());
    PYLOG_LOG_TARGET("gone-target", PYLOG_LEVEL_INFO, "gone-lt-format %d",
                     Touch());
    PYLOG_WARN("kept-warn-format %d", Touch());
    PYLOG_ERROR("kept-error-format %d", Touch());
    PYLOG_CRITICAL("kept-critical-format %d", Touch());
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
}

TEST_F(StripTest, FormatsAtOrAboveMaxLevelAreKept) {
    EXPECT_TRUE(BinaryContains("d% tamrof-nraw-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-rorre-tpek"));
    EXPECT_TRUE(BinaryContains("d% tamrof-lacitirc-tpek"));
}

TEST_F(StripTest, StrippedArgumentsAreNeverEvaluated) {
    InstallDefaults(PYLOG_LEVEL_TRACE);
    Py("logging.root.setLevel(1)");
    evaluations = 0;
    EveryLevel();
    EXPECT_EQ(evaluations, 3);  // WARN, ERROR, CRITICAL only
    EXPECT_EQ(Str("[r.levelno for r in capture.records]"), "[30, 40, 50]");
}

TEST_F(StripTest, StrippedLevelIsNeverEnabled) {
    InstallDefaults(PYLOG_LEVEL_TRACE);
    Py("logging.root.setLevel(1)");
    EXPECT_FALSE(PYLOG_ENABLED(PYLOG_LEVEL_INFO));
    EXPECT_TRUE(PYLOG_ENABLED(PYLOG_LEVEL_WARN));
}

}  // namespace
}  // namespace pylog_testing
