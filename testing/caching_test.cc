// caching_test.cc: the three caching modes, pylog_reset, PYLOG_ENABLED, the
// promise that a decided-disabled statement never needs the GIL, and invalid
// levels counted once whatever the slot holds.
#define PYLOG_TARGET "caching"
#include "testing/embedded_python.h"

#include <chrono>
#include <climits>
#include <future>
#include <string>
#include <thread>

namespace pylog_testing {
namespace {

// One site each, so a test can hit the same slot again.
void InfoSite() { PYLOG_INFO("info"); }
void DebugSite() { PYLOG_DEBUG("debug"); }
// A level the compiler cannot see: not stripped, checked at run time.
void LevelSite(int level) { PYLOG_LOG(level, "level %d", level); }
int EnabledAt(int level) { return PYLOG_ENABLED(level); }

class CachingTest : public PylogTest {
  protected:
    void InstallCaching(int caching) {
        pylog_config config;
        pylog_config_init(&config);
        config.caching = caching;
        Install(config);
    }
};

TEST_F(CachingTest, NothingSeesSetLevelImmediately) {
    InstallCaching(PYLOG_CACHE_NOTHING);
    InfoSite();
    Py("logging.getLogger('caching').setLevel(logging.INFO)");
    InfoSite();
    Py("logging.getLogger('caching').setLevel(logging.ERROR)");
    InfoSite();
    EXPECT_EQ(Count(), 1);
}

TEST_F(CachingTest, LoggersSeesSetLevelImmediately) {
    InstallCaching(PYLOG_CACHE_LOGGERS);
    InfoSite();
    Py("logging.getLogger('caching').setLevel(logging.INFO)");
    InfoSite();
    Py("logging.getLogger('caching').setLevel(logging.ERROR)");
    InfoSite();
    EXPECT_EQ(Count(), 1);
}

// A direct assignment is the one change logging does not announce.
TEST_F(CachingTest, LoggersAndLevelsKeepsADirectlyAssignedLevelUntilReset) {
    InstallCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS);
    InfoSite();  // decided off at WARNING and cached
    Py("logging.getLogger('caching').level = logging.INFO");
    InfoSite();
    EXPECT_EQ(Count(), 0);
    pylog_reset();
    InfoSite();
    EXPECT_EQ(Count(), 1);
}

TEST_F(CachingTest, CachedLoggerIsReusedUntilReset) {
    InstallCaching(PYLOG_CACHE_LOGGERS);
    Py("logging.getLogger('caching').setLevel(logging.INFO)");
    InfoSite();
    Py("_real_getLogger = logging.getLogger\nlogging.getLogger = None");
    InfoSite();  // cached logger: getLogger is not called
    EXPECT_EQ(Count(), 2);
    EXPECT_EQ(Unraisable(), 0);
    pylog_reset();
    InfoSite();  // looks the logger up again and fails, reported
    Py("logging.getLogger = _real_getLogger");
    EXPECT_EQ(Count(), 2);
    EXPECT_EQ(Unraisable(), 1);
}

TEST_F(CachingTest, NothingLooksTheLoggerUpEveryCall) {
    InstallCaching(PYLOG_CACHE_NOTHING);
    Py("logging.getLogger('caching').setLevel(logging.INFO)");
    InfoSite();
    Py("_real_getLogger = logging.getLogger\nlogging.getLogger = None");
    InfoSite();
    Py("logging.getLogger = _real_getLogger");
    EXPECT_EQ(Count(), 1);
    EXPECT_EQ(Unraisable(), 1);
}

TEST_F(CachingTest, ResetFromAThreadWithoutTheGil) {
    InstallCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS);
    InfoSite();
    Py("logging.getLogger('caching').level = logging.INFO");
    {
        GilReleased released;
        std::thread([] { pylog_reset(); }).join();
    }
    InfoSite();
    EXPECT_EQ(Count(), 1);
}

TEST_F(CachingTest, ResetBeforeInstallIsHarmless) {
    pylog_reset();
    ASSERT_EQ(pylog_try_init(), 0);
    InfoSite();
    Py("logging.root.level = logging.INFO");
    pylog_reset();
    InfoSite();
    EXPECT_EQ(Count(), 1);
}

// logging does not announce `disabled = True`, but Logger.handle() checks
// it on every record, so it holds even while pylog's decision is cached.
TEST_F(CachingTest, DirectlySetDisabledIsHonouredByHandle) {
    InstallCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS);
    Py("logging.root.setLevel(1)");
    InfoSite();
    Py("logging.getLogger('caching').disabled = True");
    InfoSite();
    Py("logging.getLogger('caching').disabled = False");
    EXPECT_EQ(Count(), 1);
}

TEST_F(CachingTest, EnabledFollowsTheSameGates) {
    InstallCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS);
    EXPECT_FALSE(PYLOG_ENABLED(PYLOG_LEVEL_INFO));
    EXPECT_TRUE(PYLOG_ENABLED(PYLOG_LEVEL_WARN));
    EXPECT_FALSE(PYLOG_ENABLED(PYLOG_LEVEL_TRACE));
    Py("logging.root.setLevel(1)");
    pylog_reset();
    EXPECT_TRUE(PYLOG_ENABLED(PYLOG_LEVEL_DEBUG));
    EXPECT_FALSE(PYLOG_ENABLED(PYLOG_LEVEL_TRACE));  // pylog's DEBUG filter
    EXPECT_EQ(Count(), 0);
}

TEST_F(CachingTest, EnabledAsksPythonEachTimeWithoutLevelCaching) {
    InstallCaching(PYLOG_CACHE_LOGGERS);
    EXPECT_FALSE(PYLOG_ENABLED(PYLOG_LEVEL_INFO));
    Py("logging.root.setLevel(logging.INFO)");
    EXPECT_TRUE(PYLOG_ENABLED(PYLOG_LEVEL_INFO));
}

// The slot decided DEBUG is off; another thread then runs the same statement
// while this thread keeps the GIL. Needing the GIL would hang; the watchdog
// turns that into a failure instead.
TEST_F(CachingTest, DecidedDisabledStatementNeverTakesTheGil) {
    InstallCaching(PYLOG_CACHE_LOGGERS_AND_LEVELS);
    DebugSite();
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    std::thread worker([&done] {
        for (int i = 0; i < 1000; i++) {
            DebugSite();
        }
        done.set_value();
    });
    bool in_time =
        finished.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    if (!in_time) {
        GilReleased released;  // let it finish, then fail
        worker.join();
    }
    else {
        worker.join();
    }
    EXPECT_TRUE(in_time) << "a disabled statement waited for the GIL";
    EXPECT_EQ(Count(), 0);
}

// Levels outside 1..99 are dropped and counted once in `errors`, by
// PYLOG_LOG and PYLOG_ENABLED alike, whatever the slot holds: a stale slot,
// or one filled in this generation that lets everything, some or nothing
// through (then the inline test must not skip them, or they go uncounted),
// from a thread with the GIL or without it, in every caching mode.
class BadLevelTest : public PylogTest,
                     public ::testing::WithParamInterface<int> {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        pylog_config config;
        pylog_config_init(&config);
        config.caching = GetParam();
        config.filter = PYLOG_LEVEL_TRACE;
        Install(config);
    }
    // How the slot is left before each bad level (GIL held).
    void Prepare(const std::string &slot) {
        Py("logging.disable(logging.NOTSET)\nlogging.root.setLevel(1)");
        ASSERT_EQ(pylog_set_filter(PYLOG_LEVEL_TRACE), 0);
        if (slot == "python says nothing") {
            Py("logging.disable(2**70)");
        }
        else if (slot == "python says critical") {
            Py("logging.root.setLevel(logging.CRITICAL)");
        }
        else if (slot == "pylog says nothing") {
            ASSERT_EQ(pylog_set_filter(PYLOG_LEVEL_OFF), 0);
        }
        if (slot != "stale") {
            LevelSite(PYLOG_LEVEL_WARN);
            LevelSite(PYLOG_LEVEL_WARN);  // resolved by now, if it ever is
            EnabledAt(PYLOG_LEVEL_WARN);
            EnabledAt(PYLOG_LEVEL_WARN);
        }
        records_ = Count();
    }
    // One bad level through both statements, with or without the GIL:
    // each adds exactly 1 to `errors`, no record, and ENABLED says 0.
    void Check(int level, bool with_gil) {
        pylog_stats before, middle, after;
        int enabled;
        pylog_get_stats(&before);
        if (with_gil) {
            LevelSite(level);
            pylog_get_stats(&middle);
            enabled = EnabledAt(level);
        }
        else {
            GilReleased released;
            LevelSite(level);
            pylog_get_stats(&middle);
            enabled = EnabledAt(level);
        }
        pylog_get_stats(&after);
        EXPECT_EQ(middle.errors, before.errors + 1) << "PYLOG_LOG";
        EXPECT_EQ(after.errors, middle.errors + 1) << "PYLOG_ENABLED";
        EXPECT_EQ(enabled, 0);
        EXPECT_EQ(after.emitted, before.emitted);
        EXPECT_EQ(after.dropped, before.dropped);
        EXPECT_EQ(FlushWithoutGil(), 0);
        EXPECT_EQ(Count(), records_);
        EXPECT_EQ(Unraisable(), 0);
    }

  private:
    long records_ = 0;
};

TEST_P(BadLevelTest, CountedOnceAndNeverEmitted) {
    for (const char *slot : {"stale", "python says everything",
                             "python says critical", "python says nothing",
                             "pylog says nothing"}) {
        for (int level :
             {0, -1, PYLOG_LEVEL_OFF, 1000, INT_MIN, INT_MAX}) {
            for (bool with_gil : {true, false}) {
                SCOPED_TRACE(std::string(slot) + ", level " +
                             std::to_string(level) +
                             (with_gil ? ", GIL held" : ", without the GIL"));
                Prepare(slot);
                if (std::string(slot) == "stale") {
                    pylog_reset();
                }
                Check(level, with_gil);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(EveryCachingMode, BadLevelTest,
                         ::testing::Values(PYLOG_CACHE_NOTHING,
                                           PYLOG_CACHE_LOGGERS,
                                           PYLOG_CACHE_LOGGERS_AND_LEVELS));

}  // namespace
}  // namespace pylog_testing
