// deferred_alloc_test.cc: a deferred statement allocates nothing after its
// thread's first (issue 14: no malloc on a statement after the thread's
// first), counted by the logging thread's own allocations: alloc_counter's
// malloc in plain builds, the sanitizer's allocation hook under ASan and
// TSan (whose runtime owns malloc).
#define PYLOG_TARGET "deferred"
#include "testing/benchmarks/alloc_counter.h"
#include "testing/embedded_python.h"
#include "testing/watchdog.h"

#include <atomic>
#include <thread>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DEFERRED_SANITIZER 1
// The sanitizer runtime's hook (sanitizer/allocator_interface.h, which gcc
// does not install): called on every allocation, on the allocating thread.
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t),
    void (*free_hook)(const volatile void *));
#endif

namespace pylog_testing {
namespace {

#ifdef DEFERRED_SANITIZER
thread_local uint64_t sanitizer_mallocs = 0;

void OnMalloc(const volatile void *, size_t) { sanitizer_mallocs++; }
void OnFree(const volatile void *) {}

uint64_t Mallocs() { return sanitizer_mallocs; }
#else
uint64_t Mallocs() { return alloc_counter_thread_mallocs(); }
#endif

class DeferredAllocTest : public PylogTest {};

// The main thread holds the GIL: nothing is delivered while the C thread
// logs, so its buffer only fills.
TEST_F(DeferredAllocTest, StatementsAfterTheThreadsFirstAllocateNothing) {
#ifdef DEFERRED_SANITIZER
    ASSERT_NE(__sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree), 0);
#else
    ASSERT_TRUE(alloc_counter_mallocs_counted());
#endif
    InstallDefaults();
    Py("logging.getLogger('deferred').setLevel(logging.DEBUG)");
    uint64_t during = ~(uint64_t)0, first = 0;
    {
        Watchdog watchdog(60);
        std::thread([&during, &first] {
            const char *name = "name-of-16-bytes";
            uint64_t before = Mallocs();
            for (int i = 0; i <= 1000; i++) {
                if (i == 1) {
                    // The thread's first statement made its buffer, and the
                    // site's first its capture plan: the rest allocate
                    // nothing.
                    first = Mallocs() - before;
                    before = Mallocs();
                }
                PYLOG_INFO("value %d ratio %f name %s", i, 3.25, name);
            }
            during = Mallocs() - before;
        }).join();
    }
    EXPECT_GT(first, 0u) << "the first makes the buffer and the plan: the "
                            "count must see allocations";
    EXPECT_EQ(during, 0u);
    ASSERT_EQ(pylog_flush(), 0);
    EXPECT_EQ(Count(), 1001);
}

}  // namespace
}  // namespace pylog_testing
