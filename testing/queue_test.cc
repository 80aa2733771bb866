// queue_test.cc: queue_capacity as pylog_install takes it (the records a
// thread's buffer holds), through Python: every capacity holds exactly that
// many records (the smallest ones included, where the shared ring of an
// earlier design with one cell used to hang the process: issue 12 point 9),
// and a C thread logging through a tiny buffer while the delivery thread
// drains it finishes, with every statement delivered or counted as dropped.
// The buffer itself is tested without Python in spsc_ring_test.cc.
#define PYLOG_TARGET "queue"
#include "testing/embedded_python.h"
#include "testing/watchdog.h"

#include "pylog/internal/lifecycle.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace pylog_testing {
namespace {

// A C thread's statements: `n` WARNING records "<i>", without the GIL.
void LogFromCThread(int n) {
    for (int i = 0; i < n; i++) {
        PYLOG_WARN("%d", i);
    }
}

uint64_t Dropped() {
    pylog_stats stats;
    pylog_get_stats(&stats);
    return stats.dropped;
}

class QueueTest : public PylogTest {
  protected:
    void InstallQueue(size_t capacity) {
        pylog_config config;
        pylog_config_init(&config);
        config.queue_capacity = capacity;
        Install(config);
    }
};

// With the GIL held here nothing is delivered while the C thread logs, so
// the queue keeps exactly `capacity` records and drops the rest; they then
// arrive in order, after the drop notice.
TEST_F(QueueTest, EverySmallCapacityHoldsExactlyThatManyRecords) {
    const int kStatements = 12;
    for (size_t capacity : {1, 2, 3, 5, 8, 11}) {
        SCOPED_TRACE("queue_capacity = " + std::to_string(capacity));
        InstallQueue(capacity);
        Py("capture.records.clear()");
        uint64_t dropped_before = Dropped();
        {
            Watchdog watchdog(60);
            std::thread(LogFromCThread, kStatements).join();
            EXPECT_EQ(Dropped() - dropped_before, kStatements - capacity);
            ASSERT_EQ(pylog_flush(), 0);
        }
        ASSERT_EQ(Count(), (long)capacity + 1) << "the notice and the kept";
        EXPECT_EQ(Attr(0, "name"), "pylog");
        std::string kept = "[";
        for (size_t i = 0; i < capacity; i++) {
            kept += (i > 0 ? ", '" : "'") + std::to_string(i) + "'";
        }
        EXPECT_EQ(Str("[r.msg for r in capture.records[1:]]"), kept + "]");
        pylog_internal_uninstall();
    }
}

// Issue 12 point 9: with queue_capacity = 1 a C thread's statements hung the
// process. Here the delivery thread drains while the C thread logs (the GIL
// is released), so pushes meet a full, an empty and a just-emptied cell in
// every order; every statement must be delivered or counted as dropped.
TEST_F(QueueTest, CThreadLoggingThroughTinyQueuesFinishes) {
    const int kStatements = 20000;
    Py("class Tally(logging.Handler):\n"
       "    def __init__(self):\n"
       "        super().__init__()\n"
       "        self.delivered = 0\n"
       "        self.order_ok = True\n"
       "        self.last = -1\n"
       "    def emit(self, record):\n"
       "        if record.name == 'pylog':\n"
       "            return\n"
       "        i = int(record.msg)\n"
       "        self.order_ok = self.order_ok and i > self.last\n"
       "        self.last = i\n"
       "        self.delivered += 1\n"
       "logging.root.removeHandler(capture)");
    for (size_t capacity : {1, 2, 3}) {
        SCOPED_TRACE("queue_capacity = " + std::to_string(capacity));
        InstallQueue(capacity);
        Py("tally = Tally()\n"
           "logging.root.handlers[:] = [tally]");
        uint64_t dropped_before = Dropped();
        {
            Watchdog watchdog(120);
            GilReleased released;
            std::thread(LogFromCThread, kStatements).join();
            ASSERT_EQ(pylog_flush(), 0);
        }
        uint64_t dropped = Dropped() - dropped_before;
        EXPECT_EQ(Long("tally.delivered") + (long)dropped, kStatements);
        EXPECT_GT(Long("tally.delivered"), 0);
        EXPECT_EQ(Long("tally.order_ok"), 1) << "one thread's records in order";
        pylog_internal_uninstall();
    }
}

}  // namespace
}  // namespace pylog_testing
