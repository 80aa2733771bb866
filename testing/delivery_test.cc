// delivery_test.cc: how records from every kind of thread reach Python: the
// queue and the delivery thread (AUTO), SYNC, flush, the drop policy, nested
// statements, fork, and the deadlock scenarios of issue 5, each under a
// watchdog that fails the run instead of hanging CI.
#define PYLOG_TARGET "delivery"
#include "testing/embedded_python.h"
#include "testing/watchdog.h"

#include "pylog/internal/lifecycle.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace pylog_testing {
namespace {

// A C thread that logs `n` WARNING records "<tag>:<i>" without the GIL.
void LogFromCThread(int tag, int n) {
    for (int i = 0; i < n; i++) {
        PYLOG_WARN("%d:%d", tag, i);
    }
}

// `threads` threads log `each` records "<thread>:<i>": the even ones
// without the GIL, the odd ones holding it throughout (it passes between
// them as their handlers run). Call it without the GIL.
void LogFromMixedThreads(int threads, int each) {
    std::vector<std::thread> running;
    for (int t = 0; t < threads; t++) {
        running.emplace_back([t, each] {
            if (t % 2 == 0) {
                LogFromCThread(t, each);
                return;
            }
            PyGILState_STATE gil = PyGILState_Ensure();
            LogFromCThread(t, each);
            PyGILState_Release(gil);
        });
    }
    for (auto &thread : running) {
        thread.join();
    }
}

// Functions the Python side of a test calls into, as an extension would
// expose them: module `ext` in __main__.
PyObject *ExtLog(PyObject *, PyObject *args) {
    const char *text;
    if (!PyArg_ParseTuple(args, "s", &text)) {
        return nullptr;
    }
    PYLOG_WARN("%s", text);
    Py_RETURN_NONE;
}

// The statement of ExtLog with the GIL released around it.
PyObject *ExtLogWithoutGil(PyObject *, PyObject *args) {
    const char *text;
    if (!PyArg_ParseTuple(args, "s", &text)) {
        return nullptr;
    }
    PyThreadState *state = PyEval_SaveThread();
    PYLOG_WARN("%s", text);
    PyEval_RestoreThread(state);
    Py_RETURN_NONE;
}

// Runs n statements on a new C thread, joined with the GIL released.
PyObject *ExtLogFromThread(PyObject *, PyObject *args) {
    int tag, n;
    if (!PyArg_ParseTuple(args, "ii", &tag, &n)) {
        return nullptr;
    }
    PyThreadState *state = PyEval_SaveThread();
    std::thread(LogFromCThread, tag, n).join();
    PyEval_RestoreThread(state);
    Py_RETURN_NONE;
}

PyObject *ExtFlush(PyObject *, PyObject *) {
    return PyLong_FromLong(pylog_flush());
}

// pylog_flush() from a thread without the GIL (it waits for delivery).
PyObject *ExtFlushWithoutGil(PyObject *, PyObject *) {
    PyThreadState *state = PyEval_SaveThread();
    int status = pylog_flush();
    PyEval_RestoreThread(state);
    return PyLong_FromLong(status);
}

// Set by ext.mark(): a handler tells a C test that it is running.
std::atomic<int> marked(0);

PyObject *ExtMark(PyObject *, PyObject *) {
    marked++;
    Py_RETURN_NONE;
}

PyMethodDef ext_methods[] = {
    {"mark", ExtMark, METH_NOARGS, nullptr},
    {"log", ExtLog, METH_VARARGS, nullptr},
    {"log_without_gil", ExtLogWithoutGil, METH_VARARGS, nullptr},
    {"log_from_thread", ExtLogFromThread, METH_VARARGS, nullptr},
    {"flush", ExtFlush, METH_NOARGS, nullptr},
    {"flush_without_gil", ExtFlushWithoutGil, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef ext_module = {PyModuleDef_HEAD_INIT, "ext", nullptr, -1,
                          ext_methods, nullptr, nullptr, nullptr, nullptr};

uint64_t Dropped() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats.dropped;
}

class DeliveryTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        PyObject *ext = PyModule_Create(&ext_module);
        ASSERT_NE(ext, nullptr);
        ASSERT_EQ(PyObject_SetAttrString(PyImport_AddModule("__main__"),
                                         "ext", ext),
                  0);
        Py_DECREF(ext);
    }

    void InstallQueue(size_t capacity, int delivery = PYLOG_DELIVERY_AUTO) {
        pylog_config config;
        pylog_config_init(&config);
        config.queue_capacity = capacity;
        // Room for `capacity` records of these tests in bytes too.
        config.thread_buffer_bytes =
            std::min(PYLOG_THREAD_BUFFER_BYTES_MAX,
                     std::max(PYLOG_THREAD_BUFFER_BYTES_MIN, capacity * 128));
        config.delivery = delivery;
        Install(config);
    }
};

// The field failure: the main thread holds the GIL and waits for a worker
// that logs while holding a mutex the main thread needs next. A worker that
// waited for the GIL would never finish.
TEST_F(DeliveryTest, WorkerLoggingWhileGilHolderJoinsItDoesNotDeadlock) {
    InstallDefaults();
    Py("logging.root.setLevel(logging.INFO)");
    std::mutex shared;
    std::atomic<bool> finished(false);
    std::thread worker([&] {
        std::lock_guard<std::mutex> lock(shared);
        PYLOG_INFO("worker %d under the mutex", 1);
        finished = true;
    });
    // The GIL stays held here. Wait up to 10 s for the worker; if it is
    // stuck (on the GIL), let the GIL go so it can finish, then fail.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!finished && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    bool blocked = !finished;
    if (blocked) {
        GilReleased released;
        worker.join();
    }
    else {
        worker.join();
    }
    ASSERT_FALSE(blocked) << "the worker waited for the GIL";
    { std::lock_guard<std::mutex> lock(shared); }
    ASSERT_EQ(pylog_flush(), 0);
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "msg"), "worker 1 under the mutex");
}

TEST_F(DeliveryTest, SyncModeDeliversBeforeTheStatementReturns) {
    InstallQueue(8192, PYLOG_DELIVERY_SYNC);
    long seen_in_thread = -1;
    {
        GilReleased released;
        std::thread([&] {
            PYLOG_WARN("sync");
            PyGILState_STATE gil = PyGILState_Ensure();
            seen_in_thread = Long("len(capture.records)");
            PyGILState_Release(gil);
        }).join();
    }
    EXPECT_EQ(seen_in_thread, 1);
    EXPECT_NE(Attr(0, "threadName").find("pylog-"), std::string::npos)
        << "a thread Python does not know is not called Dummy-N";
}

TEST_F(DeliveryTest, DeliveryThreadDeliversWithoutAnyFlush) {
    InstallDefaults();
    Watchdog watchdog(30);
    {
        GilReleased released;
        std::thread(LogFromCThread, 0, 10).join();
    }
    // Let the delivery thread take the GIL until the records are in.
    Py("import time\n"
       "deadline = time.monotonic() + 20\n"
       "while len(capture.records) < 10 and time.monotonic() < deadline:\n"
       "    time.sleep(0.001)");
    EXPECT_EQ(Count(), 10);
    // makeRecord's threading.current_thread() may register the delivery
    // thread as a daemon "Dummy" thread; it never keeps Python from exiting.
    EXPECT_EQ(Str("[t for t in threading.enumerate() if not t.daemon] == "
                  "[threading.main_thread()]"),
              "True");
}

TEST_F(DeliveryTest, FlushWithoutTheGilWaitsForTheDeliveryThread) {
    InstallDefaults();
    Py("ext.log_from_thread(3, 50)\n"
       "status = ext.flush_without_gil()\n"
       "after_flush = len(capture.records)");
    EXPECT_EQ(Long("status"), 0);
    EXPECT_EQ(Long("after_flush"), 50);
}

TEST_F(DeliveryTest, GilHolderDeliversQueuedRecordsBeforeItsOwn) {
    InstallDefaults();
    // The main thread keeps the GIL, so the delivery thread cannot deliver.
    std::thread(LogFromCThread, 5, 3).join();
    PYLOG_WARN("own");
    ASSERT_EQ(Count(), 4);
    EXPECT_EQ(Str("[r.msg for r in capture.records]"),
              "['5:0', '5:1', '5:2', 'own']");
}

// Queued records are copied into the queue's blocks when they fit and onto
// the heap when they do not or when every block is taken: messages of every
// length, with structured fields, more of them than there are blocks, and
// twice over (blocks come back), all arrive whole and in order.
TEST_F(DeliveryTest, QueuedRecordsOfEverySizeArriveWhole) {
    InstallQueue(8192);
    pylog_stats before, after;
    pylog_get_stats(&before);
    const size_t lengths[] = {0, 1, 40, 100, 120, 200, 300, 4096, 100000};
    const int kRounds = 2, kPerLength = 300;
    for (int round = 0; round < kRounds; round++) {
        {
            GilReleased released;
            std::thread([&] {
                for (int i = 0; i < kPerLength; i++) {
                    for (size_t length : lengths) {
                        std::string text(length, static_cast<char>('a' + i % 26));
                        pylog_kv kvs[] = {PYLOG_KV_INT("n", i),
                                          PYLOG_KV_STR("tag", "queued")};
                        PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kvs, 2, "%s", text.c_str());
                    }
                }
            }).join();
            ASSERT_EQ(pylog_flush(), 0);
        }
        Py("expected = [(chr(ord('a') + i % 26) * n, i, 'queued')\n"
           "            for i in range(" + std::to_string(kPerLength) + ")\n"
           "            for n in (0, 1, 40, 100, 120, 200, 300, 4096, 100000)]\n"
           "got = [(r.msg, r.n, r.tag) for r in capture.records]\n"
           "del capture.records[:]\n");
        EXPECT_EQ(Str("got == expected"), "True") << "round " << round;
    }
    pylog_get_stats(&after);
    EXPECT_EQ(after.dropped, before.dropped);
}

TEST_F(DeliveryTest, QueuedRecordsKeepTheirCallsTimeAndThread) {
    InstallDefaults();
    Py("import time\nbefore = time.time()");
    std::thread(LogFromCThread, 1, 1).join();
    Py("time.sleep(0.05)\nafter_call = time.time() - 0.05");
    ASSERT_EQ(FlushWithoutGil(), 0);
    ASSERT_EQ(Count(), 1);
    Py("r = capture.records[0]");
    EXPECT_EQ(Str("before <= r.created <= after_call"), "True");
    EXPECT_EQ(Str("abs(r.relativeCreated - (r.created - logging._startTime "
                  "* (1e-9 if isinstance(logging._startTime, int) else 1)) "
                  "* 1000) < 1"),
              "True");
    EXPECT_EQ(Str("r.thread != threading.get_ident()"), "True");
    EXPECT_EQ(Str("r.threadName.startswith('pylog-')"), "True");
    EXPECT_EQ(Str("getattr(r, 'taskName', None)"), "None");
}

TEST_F(DeliveryTest, PythonThreadWithoutTheGilKeepsItsName) {
    InstallDefaults();
    // A Python thread that lets the GIL go around its statement, then
    // flushes while it still runs.
    Py("import threading\n"
       "def body():\n"
       "    ext.log_without_gil('x')\n"
       "    ext.flush()\n"
       "t = threading.Thread(target=body, name='worker-7')\n"
       "t.start(); t.join()");
    ASSERT_EQ(Count(), 1);
    EXPECT_EQ(Attr(0, "threadName"), "worker-7");
    EXPECT_EQ(Attr(0, "thread"), Str("t.ident"));
}

TEST_F(DeliveryTest, FullQueueDropsCountsAndAnnouncesTheLoss) {
    InstallQueue(4);
    uint64_t dropped_before = Dropped();
    // The GIL stays held: nothing is delivered while the thread logs.
    std::thread(LogFromCThread, 0, 100).join();
    EXPECT_EQ(Dropped() - dropped_before, 96u);
    ASSERT_EQ(pylog_flush(), 0);
    ASSERT_EQ(Count(), 5);
    EXPECT_EQ(Attr(0, "name"), "pylog");
    EXPECT_EQ(Attr(0, "levelname"), "WARNING");
    EXPECT_NE(Attr(0, "msg").find("dropped 96 record"), std::string::npos)
        << Attr(0, "msg");
    EXPECT_EQ(Str("[r.msg for r in capture.records[1:]]"),
              "['0:0', '0:1', '0:2', '0:3']");
    // One notice per loss: the next batch has none.
    std::thread(LogFromCThread, 1, 2).join();
    ASSERT_EQ(pylog_flush(), 0);
    EXPECT_EQ(Count(), 7);
}

TEST_F(DeliveryTest, InvalidDeliveryConfigFailsInstall) {
    pylog_config config;
    pylog_config_init(&config);
    config.delivery = 7;
    EXPECT_EQ(pylog_install(&config), -1);
    EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_ValueError));
    PyErr_Clear();
    pylog_config_init(&config);
    config.queue_capacity = 0;
    EXPECT_EQ(pylog_install(&config), -1);
    EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_ValueError));
    PyErr_Clear();
    EXPECT_EQ(pylog_try_init(), 0) << "nothing was installed";
}

TEST_F(DeliveryTest, FlushBeforeInstallSaysNotInstalled) {
    EXPECT_EQ(pylog_flush(), PYLOG_ERR_NOT_INSTALLED);
    GilReleased released;
    EXPECT_EQ(pylog_flush(), PYLOG_ERR_NOT_INSTALLED);
}

TEST_F(DeliveryTest, HandlerLoggingBackIsCutAtASmallDepth) {
    InstallDefaults();
    uint64_t dropped_before = Dropped();
    Py("class Echo(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        ext.log('again')\n"
       "logging.getLogger('delivery').addHandler(Echo())");
    PYLOG_WARN("first");
    EXPECT_EQ(Count(), 3) << "the statement and two nested ones";
    EXPECT_EQ(Dropped() - dropped_before, 1u);
    EXPECT_FALSE(PyErr_Occurred());
}

TEST_F(DeliveryTest, HandlerFlushingInsideADrainReturns) {
    InstallDefaults();
    Py("class Flusher(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        self.status = ext.flush()\n"
       "flusher = Flusher()\n"
       "logging.getLogger('delivery').addHandler(flusher)");
    std::thread(LogFromCThread, 0, 5).join();
    Watchdog watchdog(30);
    ASSERT_EQ(pylog_flush(), 0);
    EXPECT_EQ(Count(), 5);
    EXPECT_EQ(Long("flusher.status"), PYLOG_ERR_IN_HANDLER);
}

// A handler that lets the GIL go and flushes from C while more records are
// queued behind the one it handles: the flush returns at once (it would
// wait for this very delivery), nothing deadlocks, everything arrives.
TEST_F(DeliveryTest, HandlerFlushingWithoutTheGilWhileRecordsWaitReturns) {
    InstallDefaults();
    Py("class Flusher(logging.Handler):\n"
       "    statuses = []\n"
       "    def emit(self, record):\n"
       "        self.statuses.append(ext.flush_without_gil())\n"
       "logging.getLogger('delivery').addHandler(Flusher())");
    Watchdog watchdog(60);
    for (int round = 0; round < 3; round++) {
        std::thread(LogFromCThread, round, 20).join();
        ASSERT_EQ(FlushWithoutGil(), 0);  // the worker delivers them
        PYLOG_WARN("main %d", round);      // the GIL holder delivers it
    }
    EXPECT_EQ(Count(), 63);
    EXPECT_EQ(Long("len(Flusher.statuses)"), 63);
    EXPECT_EQ(Long("sum(s != " + std::to_string(PYLOG_ERR_IN_HANDLER) +
                   " for s in Flusher.statuses)"),
              0);
}

// The flush contract: a flush from a thread holding the GIL returns 0 only
// once every record queued before it reached the handlers, also while
// another thread is delivering them through a slow handler that lets the
// GIL go. Repeated: the interleavings differ from run to run.
TEST_F(DeliveryTest, FlushHoldingTheGilWaitsForAnotherThreadsDelivery) {
    InstallDefaults();
    Py("import time\n"
       "class Slow(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        time.sleep(0.002)\n"
       "logging.getLogger('delivery').addHandler(Slow())");
    Watchdog watchdog(120);
    for (int round = 0; round < 5; round++) {
        SCOPED_TRACE(round);
        Py("del capture.records[:]");
        {
            GilReleased released;
            std::thread(LogFromCThread, round, 40).join();
        }
        // The worker is delivering now, parked in Slow.emit's sleep.
        ASSERT_EQ(pylog_flush(), 0);
        EXPECT_EQ(Count(), 40);
    }
    EXPECT_EQ(Long("ext.flush()"), 0);
}

// The same from Python, as a user's test calls it.
TEST_F(DeliveryTest, ControlFlushFromPythonWaitsForEveryRecord) {
    InstallDefaults();
    ASSERT_EQ(pylog_add_control(PyImport_AddModule("__main__")), 0);
    Py("import time\n"
       "class Slow(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        time.sleep(0.001)\n"
       "logging.getLogger('delivery').addHandler(Slow())");
    Watchdog watchdog(120);
    for (int round = 0; round < 5; round++) {
        Py("del capture.records[:]\n"
           "ext.log_from_thread(1, 30)\n"
           "flushed = pylog.flush()\n"
           "seen = len(capture.records)");
        EXPECT_EQ(Str("flushed"), "True");
        EXPECT_EQ(Long("seen"), 30);
    }
}

// A handler that never finishes its record: flush gives up after the
// documented bound with a distinct status instead of waiting for ever.
TEST_F(DeliveryTest, FlushReportsAStalledDeliveryInsteadOfHanging) {
    pylog_config config;
    pylog_config_init(&config);
    config.flush_stall_ms = 300;
    Install(config);
    Py("import threading\n"
       "release = threading.Event()\n"
       "class Stuck(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        release.wait()\n"
       "logging.getLogger('delivery').addHandler(Stuck())");
    Watchdog watchdog(120);
    std::thread(LogFromCThread, 0, 3).join();
    EXPECT_EQ(FlushWithoutGil(), PYLOG_ERR_FLUSH_STALLED);
    EXPECT_EQ(pylog_flush(), PYLOG_ERR_FLUSH_STALLED);
    Py("release.set()");
    EXPECT_EQ(FlushWithoutGil(), 0);
    EXPECT_EQ(Count(), 3);
    pylog_internal_uninstall();
    config.flush_stall_ms = 0;
    EXPECT_EQ(pylog_install(&config), PYLOG_ERR_PYTHON);
    EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_ValueError));
    PyErr_Clear();
}

// 8 threads x 100k statements, half holding the GIL, half not: every record
// arrives exactly once and in its thread's order.
TEST_F(DeliveryTest, StressEveryRecordOnceInPerThreadOrder) {
    const int kThreads = 8, kEach = 100000;
    InstallQueue(1 << 20);
    Py("class Collect(logging.Handler):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.seen = {}\n"
       "        self.bad = 0\n"
       "    def emit(self, record):\n"
       "        tag, i = map(int, record.msg.split(':'))\n"
       "        if self.seen.get(tag, -1) + 1 != i:\n"
       "            self.bad += 1\n"
       "        self.seen[tag] = i\n"
       "collect = Collect()\n"
       "logging.root.removeHandler(capture)\n"
       "logging.root.addHandler(collect)");
    uint64_t dropped_before = Dropped();
    Watchdog watchdog(300);
    {
        GilReleased released;
        LogFromMixedThreads(kThreads, kEach);
        ASSERT_EQ(pylog_flush(), 0);
    }
    EXPECT_EQ(Dropped() - dropped_before, 0u);
    EXPECT_EQ(Long("collect.bad"), 0);
    EXPECT_EQ(Long("sum(i + 1 for i in collect.seen.values())"),
              kThreads * kEach);
}

// The same with a queue of 16: what is not delivered is counted, exactly,
// and announced.
TEST_F(DeliveryTest, StressWithATinyQueueAccountsForEveryRecord) {
    const int kThreads = 8, kEach = 20000;
    InstallQueue(16);
    Py("import re\n"
       "class Tally(logging.Handler):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.delivered = self.announced = 0\n"
       "    def emit(self, record):\n"
       "        if record.name == 'pylog':\n"
       "            self.announced += int(re.search(r'dropped (\\d+)',\n"
       "                                            record.msg).group(1))\n"
       "        else:\n"
       "            self.delivered += 1\n"
       "tally = Tally()\n"
       "logging.root.removeHandler(capture)\n"
       "logging.root.addHandler(tally)");
    uint64_t dropped_before = Dropped();
    Watchdog watchdog(300);
    {
        GilReleased released;
        LogFromMixedThreads(kThreads, kEach);
    }
    ASSERT_EQ(FlushWithoutGil(), 0);
    // A last drop may still await its notice: one more batch carries it.
    std::thread(LogFromCThread, 99, 1).join();
    ASSERT_EQ(FlushWithoutGil(), 0);
    uint64_t dropped = Dropped() - dropped_before;
    EXPECT_GT(dropped, 0u) << "16 slots cannot absorb 80k records";
    EXPECT_EQ(Long("tally.delivered") + (long)dropped, kThreads * kEach + 1);
    EXPECT_EQ(Long("tally.announced"), (long)dropped);
}

// The ABBA field failure: Python threads log through Python and call into
// the extension while C threads log without the GIL, against a handler that
// takes its own lock and flushes from inside emit. The lock is reentrant,
// like logging's own handler lock: a flush inside emit delivers to this same
// handler on this same thread, which a plain Lock would deadlock by itself.
TEST_F(DeliveryTest, LockingFlushingHandlerUnderMixedLoadFinishes) {
    // A Python thread's handler flushes while holding the lock that pylog's
    // worker, delivering through the same handler, waits for: that flush
    // can only end by the stall bound (PYLOG_ERR_FLUSH_STALLED), short here.
    pylog_config config;
    pylog_config_init(&config);
    config.flush_stall_ms = 100;
    Install(config);
    Py("import threading, time\n"
       "class Locking(logging.Handler):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.guard = threading.RLock()\n"
       "        self.pylog = self.python = 0\n"
       "    def emit(self, record):\n"
       "        with self.guard:\n"
       "            if record.name == 'delivery':\n"
       "                self.pylog += 1\n"
       "            elif record.name != 'pylog':  # not a drop notice\n"
       "                self.python += 1\n"
       "            ext.flush()\n"
       "locking = Locking()\n"
       "logging.root.removeHandler(capture)\n"
       "logging.root.addHandler(locking)\n"
       "stop = threading.Event()\n"
       "sent = [0] * 4\n"
       "def python_worker(k):\n"
       "    log = logging.getLogger('py%d' % k)\n"
       "    while not stop.is_set():\n"
       "        log.warning('py')\n"
       "        ext.log('ext')\n"
       "        sent[k] += 1\n"
       "workers = [threading.Thread(target=python_worker, args=(k,))\n"
       "           for k in range(4)]\n");
    uint64_t dropped_before = Dropped();
    std::atomic<bool> stop(false);
    std::atomic<long> c_sent(0);
    Watchdog watchdog(120);
    Py("for w in workers: w.start()");
    {
        GilReleased released;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; t++) {
            threads.emplace_back([&] {
                while (!stop) {
                    PYLOG_WARN("c");
                    c_sent++;
                }
            });
        }
        std::this_thread::sleep_for(std::chrono::seconds(3));
        stop = true;
        for (auto &thread : threads) {
            thread.join();
        }
    }
    Py("stop.set()\nfor w in workers: w.join()");
    // No lock cycle is left: the flush completes, though a loaded machine
    // may let 100 ms pass without a record finished now and then.
    int status;
    while ((status = FlushWithoutGil()) == PYLOG_ERR_FLUSH_STALLED) {
    }
    ASSERT_EQ(status, 0);
    long dropped = (long)(Dropped() - dropped_before);
    EXPECT_EQ(Long("locking.python"), Long("sum(sent)"));
    EXPECT_EQ(Long("locking.pylog") + dropped, Long("sum(sent)") + c_sent);
    EXPECT_EQ(Unraisable(), 0);
}

// logging reconfigured (dictConfig, shutdown: both hold logging's module
// lock) on a Python thread while C threads log.
TEST_F(DeliveryTest, ReconfigurationRacingWithCThreadsLosesNothingUncounted) {
    InstallDefaults();
    pylog_stats before;
    pylog_get_stats(&before);
    Py("import logging.config, threading\n"
       "def reconfigure():\n"
       "    for i in range(200):\n"
       "        logging.config.dictConfig({'version': 1,\n"
       "            'disable_existing_loggers': False,\n"
       "            'handlers': {'n': {'class': 'logging.NullHandler'}},\n"
       "            'root': {'level': 'DEBUG', 'handlers': ['n']}})\n"
       "        if i % 50 == 0:\n"
       "            logging.shutdown()\n"
       "reconfigurer = threading.Thread(target=reconfigure)\n"
       "reconfigurer.start()");
    const int kThreads = 4, kEach = 5000;
    Watchdog watchdog(120);
    {
        GilReleased released;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; t++) {
            threads.emplace_back(LogFromCThread, t, kEach);
        }
        for (auto &thread : threads) {
            thread.join();
        }
    }
    Py("reconfigurer.join()");
    ASSERT_EQ(FlushWithoutGil(), 0);
    pylog_stats after;
    pylog_get_stats(&after);
    EXPECT_EQ((after.emitted - before.emitted) +
                  (after.dropped - before.dropped),
              (uint64_t)(kThreads * kEach));
    EXPECT_EQ(after.errors, before.errors);
    EXPECT_EQ(Unraisable(), 0);
}

// After fork() the child logs from its main thread and from a C thread (its
// delivery thread restarted on demand); the parent goes on unaffected.
TEST_F(DeliveryTest, ForkedChildLogsAndParentIsUnaffected) {
    InstallDefaults();
    std::thread(LogFromCThread, 0, 1).join();  // parent: a delivery thread
    ASSERT_EQ(pylog_flush(), 0);
    Watchdog watchdog(60);
    Py("import os, time\n"
       "read_end, write_end = os.pipe()\n"
       "pid = os.fork()\n"
       "if pid == 0:\n"
       "    try:\n"
       "        del capture.records[:]\n"
       "        ext.log('child main')\n"
       "        ext.log_from_thread(7, 3)\n"
       "        deadline = time.monotonic() + 20\n"
       "        while len(capture.records) < 4 and "
       "time.monotonic() < deadline:\n"
       "            time.sleep(0.001)\n"
       "        os.write(write_end, ','.join(r.msg for r in "
       "capture.records).encode())\n"
       "    finally:\n"
       "        os._exit(0)\n"
       "os.close(write_end)\n"
       "child_said = os.read(read_end, 4096).decode()\n"
       "os.close(read_end)\n"
       "child_status = os.waitpid(pid, 0)[1]");
    EXPECT_EQ(Long("child_status"), 0);
    EXPECT_EQ(Str("child_said"), "child main,7:0,7:1,7:2");
    std::thread(LogFromCThread, 1, 2).join();
    ASSERT_EQ(FlushWithoutGil(), 0);
    EXPECT_EQ(Str("[r.msg for r in capture.records]"), "['0:0', '1:0', '1:1']");
}

// A thread holding the GIL whose record cannot queue behind another
// thread's drain (it carries a Python object, or the queue is full) waits
// for that drain instead of overtaking its own queued records.
TEST_F(DeliveryTest, GilHolderNeverOvertakesItsOwnQueuedRecords) {
    InstallQueue(4);
    Py("import time\n"
       "class Slow(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        ext.mark()\n"
       "        time.sleep(0.005)\n"
       "logging.getLogger('delivery').addHandler(Slow())");
    Watchdog watchdog(120);
    PyObject *obj = PyLong_FromLong(7);
    for (int round = 0; round < 4; round++) {
        {
            GilReleased released;
            marked = 0;
            for (int i = 0; i < 6; i++) {  // more than the queue holds
                PYLOG_WARN("%d:%d", round, i);
            }
            while (marked == 0) {  // the worker is inside a drain now
                std::this_thread::yield();
            }
        }
        pylog_kv kv[] = {PYLOG_KV_OBJ("obj", obj)};
        PYLOG_LOG_KV(PYLOG_LEVEL_WARN, kv, 1, "%d:objects", round);
        PYLOG_WARN("%d:last", round);
    }
    Py_DECREF(obj);
    ASSERT_EQ(FlushWithoutGil(), 0);
    // Per round: what arrived of the six, in order, then the two.
    for (int round = 0; round < 4; round++) {
        std::string prefix = std::to_string(round) + ":";
        std::string seen = Str("[r.msg for r in capture.records if "
                               "r.msg.startswith('" + prefix + "')]");
        EXPECT_EQ(Str("(lambda m: m[-2:] == ['" + prefix + "objects', '" +
                      prefix + "last'] and all(x.split(':')[1].isdigit() "
                      "for x in m[:-2]) and m[:-2] == sorted(m[:-2]))(" +
                      seen + ")"),
                  "True")
            << seen;
    }
}

// A fork inside a handler pylog is delivering to: the child's own flush
// delivers the child's record before it returns (the delivery the forking
// thread was inside is the parent's).
TEST_F(DeliveryTest, ChildForkedInsideAHandlerFlushesItsOwnRecords) {
    InstallDefaults();
    Watchdog watchdog(60);
    Py("import os\n"
       "class Forker(logging.Handler):\n"
       "    def emit(self, record):\n"
       "        if record.msg != 'fork here':\n"
       "            return\n"
       "        r, w = os.pipe()\n"
       "        pid = os.fork()\n"
       "        if pid == 0:\n"
       "            try:\n"
       "                del capture.records[:]\n"
       "                ext.log_from_thread(5, 2)\n"
       "                status = ext.flush()\n"
       "                os.write(w, ('%d:' % status + ','.join(\n"
       "                    x.msg for x in capture.records)).encode())\n"
       "            finally:\n"
       "                os._exit(0)\n"
       "        os.close(w)\n"
       "        self.child_said = os.read(r, 4096).decode()\n"
       "        os.close(r)\n"
       "        os.waitpid(pid, 0)\n"
       "forker = Forker()\n"
       "logging.getLogger('delivery').addHandler(forker)\n"
       "ext.log('fork here')");
    EXPECT_EQ(Str("forker.child_said"), "0:5:0,5:1");
}

}  // namespace
}  // namespace pylog_testing
