// thread_test.cc: statements from threads that do not hold the GIL.
#define PYLOG_TARGET "threads"
#include "testing/embedded_python.h"

#include <atomic>
#include <thread>
#include <vector>

namespace pylog_testing {
namespace {

using ThreadTest = PylogTest;

TEST_F(ThreadTest, ThreadWithoutTheGilLogs) {
    InstallDefaults();
    {
        GilReleased released;
        std::thread([] { PYLOG_WARN("from a C thread %d", 7); }).join();
        ASSERT_EQ(pylog_flush(), 0);
    }
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "msg"), "from a C thread 7");
    EXPECT_EQ(Attr(0, "name"), "threads");
    EXPECT_NE(Attr(0, "thread"), Str("threading.main_thread().ident"));
    EXPECT_FALSE(PyErr_Occurred());
}

TEST_F(ThreadTest, ManyThreadsDeliverEveryMessageOnce) {
    InstallDefaults();
    const int kThreads = 4, kEach = 250;
    {
        GilReleased released;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; t++) {
            threads.emplace_back([t] {
                for (int i = 0; i < kEach; i++) {
                    PYLOG_WARN("%d:%d", t, i);
                }
            });
        }
        for (auto &thread : threads) {
            thread.join();
        }
        ASSERT_EQ(pylog_flush(), 0);
    }
    EXPECT_EQ(Count(), kThreads * kEach);
    EXPECT_EQ(Long("len(set(r.msg for r in capture.records))"),
              kThreads * kEach);
    // Per-thread order is kept.
    EXPECT_EQ(Long("sum(1 for t in range(4) if [int(r.msg.split(':')[1]) for "
                   "r in capture.records if r.msg.startswith(f'{t}:')] == "
                   "list(range(250)))"),
              kThreads);
}

TEST_F(ThreadTest, ResetsRacingWithLoggingThreadsAreSafe) {
    InstallDefaults();
    std::atomic<bool> stop(false);
    {
        GilReleased released;
        std::thread resetter([&stop] {
            while (!stop.load()) {
                pylog_reset();
            }
        });
        std::vector<std::thread> loggers;
        for (int t = 0; t < 2; t++) {
            loggers.emplace_back([] {
                for (int i = 0; i < 300; i++) {
                    PYLOG_WARN("w%d", i);
                    PYLOG_DEBUG("d%d", i);
                }
            });
        }
        for (auto &thread : loggers) {
            thread.join();
        }
        stop.store(true);
        resetter.join();
        ASSERT_EQ(pylog_flush(), 0);
    }
    EXPECT_EQ(Count(), 600);
    EXPECT_EQ(Unraisable(), 0);
}

TEST_F(ThreadTest, PendingExceptionOnThisThreadIsUntouchedByOthers) {
    InstallDefaults();
    PyErr_SetString(PyExc_OverflowError, "mine");
    {
        // Hold the exception aside while the GIL is released, as C code must.
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        {
            GilReleased released;
            std::thread([] { PYLOG_ERROR("other thread"); }).join();
        }
        PyErr_Restore(type, value, traceback);
    }
    // Delivers the queued record first, with this thread's exception aside.
    PYLOG_ERROR("this thread");
    ASSERT_TRUE(PyErr_ExceptionMatches(PyExc_OverflowError));
    PyErr_Clear();
    EXPECT_EQ(Count(), 2);
}

}  // namespace
}  // namespace pylog_testing
