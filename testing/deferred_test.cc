// deferred_test.cc: statements of C threads without the GIL, deferred into
// their threads' buffers and formatted when delivered, through a real
// interpreter and the real `logging`: the text is what snprintf made at the
// call (many threads, random arguments, one site per conversion), `created`
// is the call's wall clock, records of different threads arrive in the
// order they were logged, every statement is emitted or dropped, strings
// may be freed right after the call, %m shows the call's errno, what
// cannot be deferred is formatted at the call, and a thread's buffer is
// freed after it ended. capture_test.cc compares the formatting alone on
// millions of random formats; spsc_ring_test.cc the buffer alone.
#define PYLOG_TARGET "deferred"
#include "testing/embedded_python.h"
#include "testing/watchdog.h"

#include "pylog/internal/lifecycle.h"
#include "pylog/internal/queue.h"
#include "pylog/internal/sites.h"
#include "pylog/internal/thread_buffer.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <wchar.h>

namespace pylog_testing {
namespace {

int64_t RealtimeNs() {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

uint64_t Dropped() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats.dropped;
}

uint64_t Emitted() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats.emitted;
}

// Buffers in pylog's list (white box: the GIL, held here, keeps it whole).
int Buffers() {
    int n = 0;
    for (thread_buffer *b = pylog_internal_thread_buffers_first(); b != NULL;
         b = pylog_internal_thread_buffer_next(b)) {
        n++;
    }
    return n;
}

// The capture plan of this binary's statement whose format is `format`
// (NULL when it never deferred a statement); fails the test when there is
// no such statement.
const void *PlanOf(const char *format) {
    sites_list list;
    const void *plan = nullptr;
    bool found = false;
    EXPECT_EQ(pylog_internal_sites_list(&list), 0);
    for (size_t i = 0; i < list.n_sites; i++) {
        const pylog_internal_site *site = list.sites[i];
        if (site->format != NULL && strcmp(site->format, format) == 0) {
            plan = site->capture;
            found = true;
        }
    }
    pylog_internal_sites_list_clear(&list);
    EXPECT_TRUE(found) << format;
    return plan;
}

// One statement of site `which` with random arguments; its text as
// snprintf makes it at the call is appended to `expected`.
#define DEFERRED_SITE(FMT, ...)                                           \
    do {                                                                  \
        char text_[2048];                                                 \
        snprintf(text_, sizeof text_, FMT, __VA_ARGS__);                  \
        expected->push_back(text_);                                       \
        PYLOG_INFO(FMT, __VA_ARGS__);                                     \
    } while (0)

void RandomStatement(std::mt19937_64 &random, int which,
                     std::vector<std::string> *expected) {
    long long big = (long long)random();
    int small = (int)(random() % 2001) - 1000;
    double real = std::ldexp((double)(int64_t)random(),
                             (int)(random() % 80) - 70);
    char word[40];
    size_t length = random() % (sizeof word - 1);
    for (size_t i = 0; i < length; i++) {
        word[i] = (char)('a' + random() % 26);
    }
    word[length] = '\0';
    // Every argument evaluated once: the macro uses each twice.
    int width = (int)(random() % 30), precision = (int)(random() % 12);
    int cut = (int)(random() % 10), letter = 'A' + (int)(random() % 26);
    switch (which) {
    case 0:
        DEFERRED_SITE("value %d ratio %f name %s", small, real, word);
        break;
    case 1:
        DEFERRED_SITE("%lld|%llx|%llo|%llu", big, big, big,
                      (unsigned long long)big);
        break;
    case 2:
        DEFERRED_SITE("[%-*d] [%0*.*f] [%.*s]", small % 20, small, width,
                      precision, real, cut, word);
        break;
    case 3:
        DEFERRED_SITE("%hhd %hu %zu %jd %td %c", (signed char)small,
                      (unsigned short)big, (size_t)big, (intmax_t)big,
                      (ptrdiff_t)small, letter);
        break;
    case 4:
        DEFERRED_SITE("%e %G %a %+.3Lf %p", real, real, real,
                      (long double)real, (void *)(uintptr_t)big);
        break;
    case 5:
        DEFERRED_SITE("%#x %#o % d %+i %%s %5s|%-5s|", (unsigned)small,
                      (unsigned)small, small, small, word, word);
        break;
    default:
        DEFERRED_SITE("%s%s%s", word, length % 2 ? "" : "-",
                      length % 3 ? (const char *)NULL : word);
        break;
    }
}

class DeferredTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        Py("logging.getLogger('deferred').setLevel(logging.DEBUG)");
    }

    void InstallBuffers(size_t records, size_t bytes) {
        pylog_config config;
        pylog_config_init(&config);
        config.queue_capacity = records;
        config.thread_buffer_bytes = bytes;
        Install(config);
    }
};

// Four C threads, 7 sites, random arguments: every delivered message is the
// text snprintf made at the call, in each thread's order, and `created`
// lies within the call's clock readings.
TEST_F(DeferredTest, StressDeliveredTextIsWhatSnprintfMadeAtTheCall) {
    const int kThreads = 4, kStatements = 20000;
    InstallBuffers(1 << 20, 64 << 20);
    Py("import threading\n"
       "class ByThread(logging.Handler):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.got = {}\n"
       "    def emit(self, record):\n"
       "        self.got.setdefault(record.thread, []).append(\n"
       "            (record.getMessage(), record.created))\n"
       "by_thread = ByThread()\n"
       "logging.root.handlers[:] = [by_thread]");
    std::vector<std::vector<std::string>> expected(kThreads);
    std::vector<unsigned long> idents(kThreads);
    std::vector<std::vector<std::pair<int64_t, int64_t>>> clocks(kThreads);
    uint64_t dropped_before = Dropped();
    {
        Watchdog watchdog(300);
        GilReleased released;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; t++) {
            threads.emplace_back([&, t] {
                std::mt19937_64 random(1234 + t);
                idents[t] = (unsigned long)pthread_self();
                for (int i = 0; i < kStatements; i++) {
                    int64_t before = RealtimeNs();
                    RandomStatement(random, (int)(random() % 7),
                                    &expected[t]);
                    clocks[t].emplace_back(before, RealtimeNs());
                }
            });
        }
        for (std::thread &thread : threads) {
            thread.join();
        }
        ASSERT_EQ(pylog_flush(), 0);
    }
    ASSERT_EQ(Dropped(), dropped_before) << "the buffers hold them all";
    for (int t = 0; t < kThreads; t++) {
        std::string key = "by_thread.got[" + std::to_string(idents[t]) + "]";
        ASSERT_EQ(Long("len(" + key + ")"), kStatements);
        PyObject *main = PyImport_AddModule("__main__");
        PyObject *got = PyRun_String(key.c_str(), Py_eval_input,
                                     PyModule_GetDict(main),
                                     PyModule_GetDict(main));
        ASSERT_NE(got, nullptr);
        for (int i = 0; i < kStatements; i++) {
            PyObject *pair = PyList_GET_ITEM(got, i);
            const char *text = PyUnicode_AsUTF8(PyTuple_GET_ITEM(pair, 0));
            double created = PyFloat_AsDouble(PyTuple_GET_ITEM(pair, 1));
            ASSERT_STREQ(text, expected[t][i].c_str())
                << "thread " << t << " statement " << i;
            // created is a double: about 0.25 us apart at today's epoch.
            ASSERT_GE(created * 1e9, (double)clocks[t][i].first - 1000);
            ASSERT_LE(created * 1e9, (double)clocks[t][i].second + 1000);
        }
        Py_DECREF(got);
    }
}

// A chain of C threads each logging after the previous one logged (a
// happens-before edge, no clock involved) while nothing is delivered (the
// GIL is held here): delivered in the order they were logged.
TEST_F(DeferredTest, RecordsOfThreadsArriveInTheOrderTheyWereLogged) {
    const int kThreads = 3, kRounds = 300;
    InstallDefaults();
    std::mutex lock;
    std::condition_variable turn_changed;
    int turn = 0;
    {
        Watchdog watchdog(120);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; t++) {
            threads.emplace_back([&, t] {
                for (int round = 0; round < kRounds; round++) {
                    std::unique_lock<std::mutex> held(lock);
                    turn_changed.wait(held, [&] {
                        return turn == round * kThreads + t;
                    });
                    PYLOG_INFO("step %d", turn);
                    turn++;
                    turn_changed.notify_all();
                }
            });
        }
        for (std::thread &thread : threads) {
            thread.join();
        }
    }
    ASSERT_EQ(pylog_flush(), 0);
    ASSERT_EQ(Count(), kThreads * kRounds);
    EXPECT_EQ(Long("all(r.getMessage() == 'step %d' % i "
                   "for i, r in enumerate(capture.records))"),
              1);
    EXPECT_EQ(Long("len({r.thread for r in capture.records})"), kThreads);
}

// Small buffers, delivery running, several threads: every statement is
// emitted or dropped, none lost and none counted twice.
TEST_F(DeferredTest, StressEveryStatementIsEmittedOrDropped) {
    const int kThreads = 4, kStatements = 50000;
    InstallBuffers(64, 4096);
    Py("class Tally(logging.Handler):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.n = 0\n"
       "    def emit(self, record):\n"
       "        if record.name != 'pylog':\n"
       "            self.n += 1\n"
       "tally = Tally()\n"
       "logging.root.handlers[:] = [tally]");
    uint64_t emitted_before = Emitted(), dropped_before = Dropped();
    {
        Watchdog watchdog(300);
        GilReleased released;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; t++) {
            threads.emplace_back([] {
                for (int i = 0; i < kStatements; i++) {
                    PYLOG_INFO("n %d of %s", i, "stress");
                }
            });
        }
        for (std::thread &thread : threads) {
            thread.join();
        }
        ASSERT_EQ(pylog_flush(), 0);
    }
    uint64_t dropped = Dropped() - dropped_before;
    uint64_t emitted = Emitted() - emitted_before;
    long delivered = Long("tally.n");
    // The drop notices are emitted records too (logger `pylog`).
    EXPECT_EQ((uint64_t)delivered + dropped, (uint64_t)kThreads * kStatements);
    EXPECT_GE(emitted, (uint64_t)delivered);
    EXPECT_GT(delivered, 0);
}

// A full buffer's drops are counted per thread and named in the notice.
TEST_F(DeferredTest, DropNoticeNamesTheThreadAndItsCount) {
    InstallBuffers(5, 4096);
    unsigned long ident = 0;
    uint64_t dropped_before = Dropped();
    {
        Watchdog watchdog(60);
        std::thread([&ident] {
            ident = (unsigned long)pthread_self();
            for (int i = 0; i < 12; i++) {
                PYLOG_INFO("n %d", i);
            }
        }).join();
    }
    EXPECT_EQ(Dropped() - dropped_before, 7u);
    ASSERT_EQ(pylog_flush(), 0);
    ASSERT_EQ(Count(), 6);
    EXPECT_EQ(Attr(0, "name"), "pylog");
    EXPECT_EQ(Attr(0, "getMessage()"),
              "pylog dropped 7 record(s): the buffer of a thread without the "
              "GIL was full (thread " + std::to_string(ident) + " '" +
                  Attr(1, "threadName") + "' 7)");
}

// The caller may free or change a %s argument right after the statement.
TEST_F(DeferredTest, StringsAreCopiedAtTheCall) {
    InstallDefaults();
    {
        Watchdog watchdog(60);
        std::thread([] {
            char *text = strdup("before");
            PYLOG_INFO("text %s!", text);
            strcpy(text, "AFTER!");
            free(text);
            std::string longer(300, 'x');
            PYLOG_INFO("long %s.", longer.c_str());
            longer.assign(300, 'y');
        }).join();
    }
    ASSERT_EQ(pylog_flush(), 0);
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "getMessage()"), "text before!");
    EXPECT_NE(PlanOf("text %s!"), nullptr) << "the statement was deferred";
    EXPECT_EQ(Attr(1, "getMessage()"), "long " + std::string(300, 'x') + ".");
}

// %m shows errno as it was at the call, which the statement leaves as it
// found it.
TEST_F(DeferredTest, PercentMShowsTheErrnoOfTheCall) {
    InstallDefaults();
    int after = -1;
    {
        Watchdog watchdog(60);
        std::thread([&after] {
            errno = ENOENT;
            PYLOG_WARN("open: %m (%d)", 7);
            after = errno;
            errno = EACCES;
        }).join();
    }
    ASSERT_EQ(pylog_flush(), 0);
    EXPECT_EQ(after, ENOENT);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "getMessage()"),
              std::string("open: ") + strerror(ENOENT) + " (7)");
}

// What is not deferred is formatted at the call: a wide string, and a %s
// longer than the copy bound.
TEST_F(DeferredTest, WhatCannotBeDeferredIsFormattedAtTheCall) {
    InstallDefaults();
    std::string huge(5000, 'z');
    {
        Watchdog watchdog(60);
        std::thread([&huge] {
            wchar_t wide[8];
            wcscpy(wide, L"wide");
            PYLOG_INFO("%ls and %d", wide, 3);
            wcscpy(wide, L"WIDE");
            char *copy = strdup(huge.c_str());
            PYLOG_INFO("huge %s", copy);
            memset(copy, 'q', huge.size());
            free(copy);
        }).join();
    }
    ASSERT_EQ(pylog_flush(), 0);
    ASSERT_EQ(Count(), 2);
    EXPECT_EQ(Attr(0, "getMessage()"), "wide and 3");
    EXPECT_EQ(Attr(1, "getMessage()"), "huge " + huge);
}

// A thread's buffer goes once the thread has ended and its records are
// delivered; a reinstall with another size gives threads new buffers.
TEST_F(DeferredTest, BufferOfAnEndedThreadIsFreedOnceDrained) {
    InstallBuffers(100, 8192);
    ASSERT_EQ(pylog_flush(), 0); // frees buffers of threads ended before
    int before = Buffers();
    std::thread([] { PYLOG_INFO("one %d", 1); }).join();
    EXPECT_EQ(Buffers(), before + 1) << "not delivered yet";
    ASSERT_EQ(pylog_flush(), 0);
    EXPECT_EQ(Buffers(), before) << "delivered and its thread ended";
    EXPECT_EQ(Count(), 1);
}

// A site's plan is made once, for its own constant format only, and a
// format that cannot be deferred is parsed once too.
TEST(DeferredPlanTest, MadeOncePerSiteForItsConstantFormat) {
    static const char kFormat[] = "a %d b %s";
    static const char kWide[] = "w %ls";
    static const char kSame[] = "a %d b %s"; // equal text, another pointer
    pylog_internal_site site = PYLOG_INTERNAL_SITE_INIT;
    site.format = kFormat;
    const pylog_internal_capture_plan *plan =
        pylog_internal_queue_plan(&site, kFormat);
    ASSERT_NE(plan, nullptr);
    EXPECT_EQ(pylog_internal_queue_plan(&site, kFormat), plan);
    EXPECT_EQ(pylog_internal_capture_plan_format(plan), kFormat);
    EXPECT_EQ(pylog_internal_queue_plan(&site, kSame), nullptr);

    pylog_internal_site wide = PYLOG_INTERNAL_SITE_INIT;
    wide.format = kWide;
    EXPECT_EQ(pylog_internal_queue_plan(&wide, kWide), nullptr);
    EXPECT_NE(wide.capture, nullptr) << "the refusal is remembered";
    EXPECT_EQ(pylog_internal_queue_plan(&wide, kWide), nullptr);

    pylog_internal_site unnamed = PYLOG_INTERNAL_SITE_INIT; // format NULL
    EXPECT_EQ(pylog_internal_queue_plan(&unnamed, kFormat), nullptr);
    EXPECT_EQ(unnamed.capture, nullptr);
    // A statement's slot keeps its plan for the process; this one's goes.
    pylog_internal_capture_plan_free(
        (pylog_internal_capture_plan *)site.capture);
}

TEST_F(DeferredTest, ThreadBufferBytesOutOfRangeIsValueError) {
    for (size_t bytes : {(size_t)0, PYLOG_THREAD_BUFFER_BYTES_MIN - 1,
                         PYLOG_THREAD_BUFFER_BYTES_MAX + 1}) {
        pylog_config config;
        pylog_config_init(&config);
        config.thread_buffer_bytes = bytes;
        EXPECT_EQ(pylog_install(&config), PYLOG_ERR_PYTHON);
        ASSERT_TRUE(PyErr_ExceptionMatches(PyExc_ValueError));
        PyErr_Clear();
    }
}

}  // namespace
}  // namespace pylog_testing
