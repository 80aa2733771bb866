// sites_test.cc: the site registry in one embedding binary with C++
// statements (registered when the program loads: inline functions,
// templates, lambdas) and C statements (sites_c.c, through the pylog_sites
// section): listing, switching while threads log with and without the GIL,
// and rate-limited statements counted exactly under threads, here where
// ASan and TSan see pylog's side (bazel test --config=tsan
// //testing:sites_test).
#define PYLOG_TARGET "sites::cpp"
#include "testing/embedded_python.h"

#include "pylog/internal/lifecycle.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

extern "C" {
void sites_c_never_called(void);
void sites_c_debug(int i);
void sites_c_every_n(int i);
}

namespace pylog_testing {
namespace {

// Never called: listed all the same (registered when the program loads).
inline void InlineNeverCalled() { PYLOG_INFO("cpp inline never run"); }

template <typename T>
void TemplateSite(T value) {
    PYLOG_INFO("cpp template %d", static_cast<int>(value));
}

// Two instantiations, neither run: two sites.
void (*const kInstantiated[])(double) = {&TemplateSite<double>};
void (*const kInstantiatedInt[])(int) = {&TemplateSite<int>};

void SpinSite(int thread, int i) { PYLOG_DEBUG("spin %d:%d", thread, i); }

enum Kind { kEveryN, kFirstN, kEveryPow2, kEveryNSec };

void RateSite(Kind kind, int i, double seconds) {
    switch (kind) {
    case kEveryN:
        PYLOG_WARN_EVERY_N(7, "cpp every_n %d", i);
        break;
    case kFirstN:
        PYLOG_WARN_FIRST_N(10, "cpp first_n %d", i);
        break;
    case kEveryPow2:
        PYLOG_WARN_EVERY_POW_2("cpp every_pow_2 %d", i);
        break;
    case kEveryNSec:
        PYLOG_WARN_EVERY_N_SEC(seconds, "cpp every_n_sec %d", i);
        break;
    }
}

class SitesTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        InstallDefaults();
        // The control object of a module made here: m.pylog.
        PyObject *module = PyModule_New("sitesmod");
        ASSERT_NE(module, nullptr);
        ASSERT_EQ(pylog_add_control(module), 0);
        ASSERT_EQ(PyObject_SetAttrString(PyImport_AddModule("__main__"), "m",
                                         module),
                  0);
        Py_DECREF(module);
        Py("def site(fmt):\n"
           "    found = [s for s in m.pylog.sites() if s['format'] == fmt]\n"
           "    assert len(found) == 1, found\n"
           "    return found[0]\n");
    }

    void Control(const std::string &query) {
        Py("m.pylog.control('" + query + "')");
    }

    // Runs `body(thread, i)` `each` times on `n` threads without the GIL
    // and on `n` threads that take the GIL around each call. Meanwhile this
    // thread calls `meanwhile()` (with the GIL) `times` times, and the
    // threads go on past `each` until it has: so every call overlaps them,
    // however the threads are scheduled.
    template <typename Body, typename Meanwhile>
    void OnThreads(int n, int each, Body body, Meanwhile meanwhile,
                   int times = 0) {
        std::atomic<bool> done(times == 0);
        std::vector<std::thread> threads;
        {
            GilReleased released;
            for (int t = 0; t < n; t++) {
                threads.emplace_back([&done, &body, t, each] {
                    for (int i = 0; i < each || !done.load(); i++) {
                        body(100 + t, i);
                    }
                });
                threads.emplace_back([&done, &body, t, each] {
                    for (int i = 0; i < each || !done.load(); i++) {
                        PyGILState_STATE gil = PyGILState_Ensure();
                        body(t, i);
                        PyGILState_Release(gil);
                    }
                });
            }
        }
        for (int called = 0; called < times; called++) {
            meanwhile();
            GilReleased released;
            std::this_thread::yield();
        }
        done.store(true);
        {
            GilReleased released;
            for (auto &thread : threads) {
                thread.join();
            }
        }
        ASSERT_EQ(FlushWithoutGil(), 0);
    }
};

TEST_F(SitesTest, CAndCppStatementsAreListedRunOrNot) {
    EXPECT_EQ(Str("site('c never run')['function']"), "sites_c_never_called");
    EXPECT_EQ(Str("site('c never run')['file']"), "testing/sites_c.c");
    EXPECT_EQ(Str("site('c never run')['target']"), "sites.c");
    EXPECT_EQ(Str("site('cpp inline never run')['function']"),
              "InlineNeverCalled");
    EXPECT_EQ(Str("site('cpp inline never run')['target']"), "sites.cpp");
    EXPECT_EQ(Long("site('cpp inline never run')['emitted']"), 0);
    EXPECT_EQ(Long("len([s for s in m.pylog.sites() "
                   "if s['format'] == 'cpp template %d'])"),
              2);
    EXPECT_EQ(Str("site('c every_n %d')['kind']"), "every_n");
    EXPECT_EQ(Long("site('c every_n %d')['param']"), 3);
    // A statement appears once, whatever registered it.
    EXPECT_EQ(Long("len(m.pylog.sites())"),
              Long("len({(s['file'], s['line'], s['function']) "
                   "for s in m.pylog.sites()}) + 1"));  // the template's
    EXPECT_EQ(Long("len([s for s in m.pylog.sites() "
                   "if s['file'] == 'testing/sites_test.cc'])"),
              Long("len(m.pylog.sites()) - 3"));  // all but sites_c.c's
    EXPECT_NE(kInstantiated[0], nullptr);
    EXPECT_NE(kInstantiatedInt[0], nullptr);
}

TEST_F(SitesTest, SwitchedOnUnderALoggerAtWarning) {
    Py("logging.getLogger('sites').setLevel(logging.WARNING)");
    sites_c_debug(1);
    SpinSite(0, 1);
    ASSERT_EQ(Count(), 0);
    Control("format \"c debug\" on");
    Control("format spin on");
    sites_c_debug(2);
    SpinSite(0, 2);
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "msg"), "c debug 2");
    EXPECT_EQ(Attr(0, "name"), "sites.c");
    EXPECT_EQ(Attr(1, "msg"), "spin 0:2");
    EXPECT_EQ(Attr(1, "levelname"), "DEBUG");
    Control("on");  // every site
    Control("format spin off");
    SpinSite(0, 3);
    EXPECT_EQ(Count(), 2);
    EXPECT_EQ(Str("site('spin %d:%d')['state']"), "off");
    Control("default");
}

TEST_F(SitesTest, SwitchedOnInEveryCachingModeAndFromAThreadWithoutTheGil) {
    for (int caching : {PYLOG_CACHE_NOTHING, PYLOG_CACHE_LOGGERS,
                        PYLOG_CACHE_LOGGERS_AND_LEVELS}) {
        pylog_internal_uninstall();
        pylog_config config;
        pylog_config_init(&config);
        config.caching = caching;
        config.site_control = "format \"c debug\" on";
        Install(config);
        Py("capture.records.clear()\n"
           "logging.getLogger('sites.c').setLevel(logging.ERROR)");
        sites_c_debug(1);
        {
            GilReleased released;
            std::thread([] { sites_c_debug(2); }).join();
            ASSERT_EQ(pylog_flush(), 0);
        }
        EXPECT_EQ(Str("[r.msg for r in capture.records]"),
                  "['c debug 1', 'c debug 2']")
            << "caching " << caching;
        Py("logging.getLogger('sites.c').setLevel(logging.NOTSET)");
    }
}

TEST_F(SitesTest, SwitchingWhileThreadsLogWithAndWithoutTheGil) {
    long emitted = Long("site('spin %d:%d')['emitted']");
    int switches = 0;
    OnThreads(
        4, 500, [](int thread, int i) { SpinSite(thread, i); },
        [this, &switches] {
            Control(switches++ % 2 == 0 ? "format spin on"
                                        : "format spin off");
        },
        40);
    EXPECT_EQ(switches, 40);
    Py("spins = [r.msg for r in capture.records if r.msg.startswith('spin')]");
    EXPECT_EQ(Long("len(spins) - len(set(spins))"), 0);
    EXPECT_EQ(Long("site('spin %d:%d')['emitted']"),
              emitted + Long("len(spins)"));
    EXPECT_EQ(Unraisable(), 0);
    // After the switch, every statement on every thread follows it.
    Py("capture.records.clear()");
    Control("format spin on");
    OnThreads(4, 100, [](int thread, int i) { SpinSite(thread, i); }, [] {});
    EXPECT_EQ(Long("len([r for r in capture.records "
                   "if r.msg.startswith('spin')])"),
              800);
    Control("format spin off");
    OnThreads(4, 100, [](int thread, int i) { SpinSite(thread, i); }, [] {});
    EXPECT_EQ(Long("len([r for r in capture.records "
                   "if r.msg.startswith('spin')])"),
              800);
    Control("default");
}

TEST_F(SitesTest, RateLimitedCountsAreExactUnderThreads) {
    // The pylog_count values of occurrences b+1 .. b+8000 (b: before).
    struct Case {
        Kind kind;
        const char *format;
        const char *expected;
    } cases[] = {
        {kEveryN, "cpp every_n %d",
         "[k for k in range(b + 1, b + 8001) if (k - 1) % 7 == 0]"},
        {kFirstN, "cpp first_n %d", "list(range(b + 1, 11))"},
        {kEveryPow2, "cpp every_pow_2 %d",
         "[k for k in range(b + 1, b + 8001) if k & (k - 1) == 0]"},
        {kEveryNSec, "cpp every_n_sec %d", "[b + 1]"},
    };
    RateSite(kEveryNSec, 0, 0.0);  // no interval: the next time is now
    for (const Case &c : cases) {
        std::string fmt = c.format;
        Py("capture.records.clear()\n"
           "b = site('" + fmt + "')['occurrences']");
        Kind kind = c.kind;
        OnThreads(
            4, 1000, [kind](int, int i) { RateSite(kind, i, 1e9); }, [] {});
        EXPECT_EQ(Long("site('" + fmt + "')['occurrences'] - b"), 8000)
            << fmt;
        EXPECT_EQ(Str("sorted(r.pylog_count for r in capture.records)"),
                  Str(c.expected))
            << fmt;
        EXPECT_GT(Count(), 0) << fmt;
    }
    // The C statement: every third occurrence.
    Py("capture.records.clear()\n"
       "b = site('c every_n %d')['occurrences']");
    OnThreads(4, 300, [](int, int i) { sites_c_every_n(i); }, [] {});
    EXPECT_EQ(Str("sorted(r.pylog_count for r in capture.records)"),
              Str("[k for k in range(b + 1, b + 2401) if (k - 1) % 3 == 0]"));
}

TEST_F(SitesTest, EveryNSecInTime) {
    // No interval: every occurrence, and the next time is now.
    RateSite(kEveryNSec, 0, 0.0);
    Py("capture.records.clear()");
    // 2 ms apart at least, against a 1 ms interval: each one is sent.
    for (int i = 0; i < 10; i++) {
        {
            GilReleased released;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        RateSite(kEveryNSec, i, 0.001);
    }
    EXPECT_EQ(Count(), 10);
    // At most one per 50 ms, the first at once.
    RateSite(kEveryNSec, 0, 0.0);
    Py("capture.records.clear()");
    auto start = std::chrono::steady_clock::now();
    auto elapsed = std::chrono::steady_clock::duration::zero();
    int calls = 0;
    while (elapsed < std::chrono::milliseconds(300) || calls < 10000) {
        RateSite(kEveryNSec, calls++, 0.05);
        elapsed = std::chrono::steady_clock::now() - start;
    }
    long most = static_cast<long>(elapsed / std::chrono::milliseconds(50)) + 1;
    EXPECT_GE(Count(), 1);
    EXPECT_LE(Count(), most);
}

}  // namespace
}  // namespace pylog_testing
