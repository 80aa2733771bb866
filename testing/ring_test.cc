// ring_test.cc: the lock-free MPMC ring of pylog/ring.c on its own, with no
// Python: full and empty exactly at capacity for small, odd and
// non-power-of-two capacities (1 included, which Vyukov's numbering could
// not hold: issue 12 point 9), many laps around the ring against a model,
// and many producers and consumers at once (every item out exactly once, in
// each producer's order for every consumer), also passing blocks between two
// rings as queue.c's pool does. Built plain, with --config=asan and with
// --config=tsan: TSan sees the item's data handed over only through the
// ring's own acquire and release.
#include "pylog/internal/ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace {

// TSan runs atomics and thread switches an order of magnitude slower; the
// threaded tests do a twentieth of the work there (still thousands of laps),
// so the binary stays within seconds on two busy cores.
#if defined(__SANITIZE_THREAD__)
constexpr int kScale = 20;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr int kScale = 20;
#else
constexpr int kScale = 1;
#endif
#else
constexpr int kScale = 1;
#endif

struct RingDeleter {
    void operator()(pylog_internal_ring *ring) const {
        pylog_internal_ring_free(ring);
    }
};
using Ring = std::unique_ptr<pylog_internal_ring, RingDeleter>;

Ring NewRing(size_t capacity) {
    return Ring(pylog_internal_ring_new(capacity));
}

// Items are small integers made into non-NULL pointers (never dereferenced).
void *Item(uintptr_t value) { return reinterpret_cast<void *>(value + 1); }

const size_t kCapacities[] = {1, 2, 3, 4, 5, 7, 8, 100, 1000};

TEST(RingTest, NewRejectsCapacitiesOutOfRange) {
    EXPECT_EQ(pylog_internal_ring_new(0), nullptr);
    EXPECT_EQ(pylog_internal_ring_new(PYLOG_INTERNAL_RING_CAPACITY_MAX + 1),
              nullptr);
    EXPECT_EQ(pylog_internal_ring_new(SIZE_MAX), nullptr);
    pylog_internal_ring_free(nullptr);  // nothing, like free(NULL)
    Ring ring = NewRing(1);
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(pylog_internal_ring_capacity(ring.get()), 1u);
}

TEST(RingTest, NullItemIsRefusedAndChangesNothing) {
    Ring ring = NewRing(2);
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(pylog_internal_ring_push(ring.get(), nullptr), -1);
    EXPECT_EQ(pylog_internal_ring_pushed(ring.get()), 0u);
    EXPECT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
    ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(7)), 0);
    EXPECT_EQ(pylog_internal_ring_push(ring.get(), nullptr), -1);
    EXPECT_EQ(pylog_internal_ring_pushed(ring.get()), 1u);
    EXPECT_EQ(pylog_internal_ring_pop(ring.get()), Item(7));
}

// The bug of issue 12: a second push into a ring of one took the cell of
// the first, and the pop then never found its item (the process hung).
TEST(RingTest, CapacityOneHoldsOneItem) {
    Ring ring = NewRing(1);
    ASSERT_NE(ring, nullptr);
    for (uintptr_t i = 0; i < 1000; i++) {
        EXPECT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
        ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(i)), 0);
        ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(i + 5000)), -1)
            << "full at one item, lap " << i;
        ASSERT_EQ(pylog_internal_ring_pop(ring.get()), Item(i));
    }
    EXPECT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
    EXPECT_EQ(pylog_internal_ring_pushed(ring.get()), 1000u);
    EXPECT_EQ(pylog_internal_ring_popped(ring.get()), 1000u);
}

// Fill to exactly `capacity`, one more fails; pop one, one more fits; drain
// in order; empty. Each round starts at another offset, so the full and the
// empty edges fall on every cell of the ring (the first 100 of the largest).
TEST(RingTest, FullAndEmptyExactlyAtCapacity) {
    for (size_t capacity : kCapacities) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        Ring ring = NewRing(capacity);
        ASSERT_NE(ring, nullptr);
        uintptr_t next_in = 0, next_out = 0;
        for (size_t round = 0; round < std::min<size_t>(capacity, 100) + 3;
             round++) {
            ASSERT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
            for (size_t i = 0; i < capacity; i++) {
                ASSERT_EQ(pylog_internal_ring_push(ring.get(),
                                                   Item(next_in++)),
                          0)
                    << "item " << i << " of " << capacity;
            }
            ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(999999)), -1);
            ASSERT_EQ(pylog_internal_ring_pushed(ring.get()) -
                          pylog_internal_ring_popped(ring.get()),
                      capacity);
            ASSERT_EQ(pylog_internal_ring_pop(ring.get()), Item(next_out++));
            ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(next_in++)),
                      0);
            ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(999999)), -1);
            for (size_t i = 0; i < capacity; i++) {
                ASSERT_EQ(pylog_internal_ring_pop(ring.get()),
                          Item(next_out++));
            }
            ASSERT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
            ASSERT_EQ(pylog_internal_ring_pushed(ring.get()),
                      pylog_internal_ring_popped(ring.get()));
            // Leave round % capacity items behind: the next round's edges
            // fall on other cells.
            for (size_t i = 0; i < round % capacity; i++) {
                ASSERT_EQ(pylog_internal_ring_push(ring.get(),
                                                   Item(next_in++)),
                          0);
                ASSERT_EQ(pylog_internal_ring_pop(ring.get()),
                          Item(next_out++));
            }
        }
    }
}

// Random pushes and pops, one thread, against a std::deque: every answer
// (full, empty, which item) matches, over at least 50 laps of each ring.
TEST(RingTest, ManyLapsMatchAModelQueue) {
    std::mt19937 random(12345);
    for (size_t capacity : kCapacities) {
        SCOPED_TRACE("capacity " + std::to_string(capacity));
        Ring ring = NewRing(capacity);
        ASSERT_NE(ring, nullptr);
        std::deque<uintptr_t> model;
        uintptr_t next = 0;
        const size_t steps = std::max<size_t>(capacity * 250, 20000);
        for (size_t step = 0; step < steps; step++) {
            // Drift towards full for a while, then towards empty.
            bool filling = (step / (capacity * 3 + 7)) % 2 == 0;
            bool push = random() % 4 < (filling ? 3u : 1u);
            if (push) {
                int pushed = pylog_internal_ring_push(ring.get(), Item(next));
                if (model.size() < capacity) {
                    ASSERT_EQ(pushed, 0) << "step " << step;
                    model.push_back(next);
                }
                else {
                    ASSERT_EQ(pushed, -1) << "step " << step;
                }
                next++;
            }
            else {
                void *item = pylog_internal_ring_pop(ring.get());
                if (model.empty()) {
                    ASSERT_EQ(item, nullptr) << "step " << step;
                }
                else {
                    ASSERT_EQ(item, Item(model.front())) << "step " << step;
                    model.pop_front();
                }
            }
            ASSERT_EQ(pylog_internal_ring_pushed(ring.get()) -
                          pylog_internal_ring_popped(ring.get()),
                      model.size());
        }
        EXPECT_GT(pylog_internal_ring_popped(ring.get()), capacity * 50)
            << "many laps";
    }
}

TEST(RingTest, ResetEmptiesAndStartsTheCountsOver) {
    for (size_t capacity : {1, 3, 8}) {
        Ring ring = NewRing(capacity);
        ASSERT_NE(ring, nullptr);
        for (uintptr_t i = 0; i < capacity + capacity / 2; i++) {
            ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(i)), 0);
            if (i % 2 == 0) {
                ASSERT_EQ(pylog_internal_ring_pop(ring.get()), Item(i / 2));
            }
        }
        pylog_internal_ring_reset(ring.get());
        EXPECT_EQ(pylog_internal_ring_pushed(ring.get()), 0u);
        EXPECT_EQ(pylog_internal_ring_popped(ring.get()), 0u);
        EXPECT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
        for (uintptr_t i = 0; i < capacity; i++) {
            ASSERT_EQ(pylog_internal_ring_push(ring.get(), Item(100 + i)), 0);
        }
        EXPECT_EQ(pylog_internal_ring_push(ring.get(), Item(0)), -1);
        for (uintptr_t i = 0; i < capacity; i++) {
            ASSERT_EQ(pylog_internal_ring_pop(ring.get()), Item(100 + i));
        }
    }
}

// What a producer hands over: written plainly before the push, read plainly
// after the pop. TSan reports a race if the ring's release and acquire do
// not order the two.
struct Payload {
    uint32_t producer;
    uint32_t sequence;
    uint64_t check;  // derived from both: a torn or stale read shows
};

uint64_t Check(uint32_t producer, uint32_t sequence) {
    return (uint64_t{producer} << 32 | sequence) * 0x9E3779B97F4A7C15u;
}

// `producers` threads push `each` payloads each; `consumers` threads pop
// until all are out. Every payload comes out once, intact, and each
// consumer sees each producer's payloads in the order they were pushed.
// Nobody sleeps: a full or empty ring means yield and try again.
void RunProducersAndConsumers(size_t capacity, int producers, int consumers,
                              uint32_t each) {
    SCOPED_TRACE("capacity " + std::to_string(capacity) + ", " +
                 std::to_string(producers) + " producers, " +
                 std::to_string(consumers) + " consumers");
    Ring ring = NewRing(capacity);
    ASSERT_NE(ring, nullptr);
    const uint64_t total = uint64_t{each} * producers;
    std::vector<std::vector<Payload>> payloads(producers,
                                               std::vector<Payload>(each));
    std::vector<std::vector<const Payload *>> seen(consumers);
    std::atomic<uint64_t> popped(0);
    std::vector<std::thread> threads;

    for (int p = 0; p < producers; p++) {
        threads.emplace_back([&, p] {
            for (uint32_t i = 0; i < each; i++) {
                Payload &payload = payloads[p][i];
                payload.producer = static_cast<uint32_t>(p);
                payload.sequence = i;
                payload.check = Check(payload.producer, i);
                while (pylog_internal_ring_push(ring.get(), &payload) != 0) {
                    std::this_thread::yield();
                }
            }
        });
    }
    for (int c = 0; c < consumers; c++) {
        threads.emplace_back([&, c] {
            std::vector<const Payload *> &mine = seen[c];
            mine.reserve(total / consumers + 1);
            // relaxed: only counts the work left; the items' data comes
            // through the ring
            while (popped.load(std::memory_order_relaxed) < total) {
                void *item = pylog_internal_ring_pop(ring.get());
                if (item == nullptr) {
                    std::this_thread::yield();
                    continue;
                }
                popped.fetch_add(1, std::memory_order_relaxed);
                mine.push_back(static_cast<const Payload *>(item));
            }
        });
    }
    for (auto &thread : threads) {
        thread.join();
    }

    EXPECT_EQ(pylog_internal_ring_pop(ring.get()), nullptr);
    EXPECT_EQ(pylog_internal_ring_pushed(ring.get()), total);
    EXPECT_EQ(pylog_internal_ring_popped(ring.get()), total);
    std::vector<std::vector<char>> out(producers, std::vector<char>(each, 0));
    uint64_t count = 0, bad = 0, duplicated = 0, disordered = 0;
    for (int c = 0; c < consumers; c++) {
        std::vector<int64_t> last(producers, -1);
        for (const Payload *payload : seen[c]) {
            count++;
            uint32_t p = payload->producer, i = payload->sequence;
            if (p >= static_cast<uint32_t>(producers) || i >= each ||
                payload != &payloads[p][i] || payload->check != Check(p, i)) {
                bad++;
                continue;
            }
            duplicated += out[p][i]++ > 0;
            disordered += static_cast<int64_t>(i) <= last[p];
            last[p] = i;
        }
    }
    EXPECT_EQ(count, total);
    EXPECT_EQ(bad, 0u);
    EXPECT_EQ(duplicated, 0u);
    EXPECT_EQ(disordered, 0u) << "a consumer saw a producer's items reordered";
    uint64_t missing = 0;
    for (auto &marks : out) {
        missing += std::count(marks.begin(), marks.end(), 0);
    }
    EXPECT_EQ(missing, 0u);
}

TEST(RingTest, FourProducersFourConsumers) {
    RunProducersAndConsumers(64, 4, 4, 500000 / kScale);
}

// Odd, non-power-of-two capacity: the cell index is a real modulo.
TEST(RingTest, FourProducersFourConsumersOddCapacity) {
    RunProducersAndConsumers(37, 4, 4, 250000 / kScale);
}

// One consumer sees every producer's items in exactly the pushed order.
TEST(RingTest, FourProducersOneConsumerKeepEachProducersOrder) {
    RunProducersAndConsumers(100, 4, 1, 250000 / kScale);
}

// The smallest rings, where a producer and a consumer fight over each cell
// (capacity 1 lost items and hung with Vyukov's numbering).
TEST(RingTest, TinyRingsUnderContention) {
    for (size_t capacity : {1, 2, 3}) {
        RunProducersAndConsumers(capacity, 3, 3, 20000 / kScale);
    }
}

// queue.c's pool: blocks go from a ring of free ones to a ring of full
// ones and back. Each side writes the block plainly between a pop and a
// push; TSan checks that the rings order those writes in both directions.
// Each ring has a cell for every block, yet a push may be refused for a
// moment: with two consumers, one preempted inside its pop keeps its cell
// (internal/ring.h). So a refused push is retried, and the test ends only
// if every block comes back.
TEST(RingTest, BlocksCirculatingBetweenTwoRings) {
    const size_t kBlocks = 16;
    const uint32_t kRounds = 400000 / kScale;
    const int kThreads = 2;  // per side
    Ring free_ring = NewRing(kBlocks), full_ring = NewRing(kBlocks);
    ASSERT_NE(free_ring, nullptr);
    ASSERT_NE(full_ring, nullptr);
    std::vector<Payload> blocks(kBlocks);
    for (Payload &block : blocks) {
        ASSERT_EQ(pylog_internal_ring_push(free_ring.get(), &block), 0);
    }
    ASSERT_EQ(pylog_internal_ring_push(free_ring.get(), &blocks[0]), -1);
    std::atomic<uint32_t> filled(0), emptied(0);
    std::atomic<uint64_t> bad(0);
    std::vector<std::thread> threads;

    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([&, t] {
            // relaxed (both counters): tickets that share out the work;
            // the blocks' contents travel through the rings
            for (uint32_t n; (n = filled.fetch_add(
                                  1, std::memory_order_relaxed)) < kRounds;) {
                Payload *block;
                while ((block = static_cast<Payload *>(pylog_internal_ring_pop(
                            free_ring.get()))) == nullptr) {
                    std::this_thread::yield();
                }
                if (block->check != 0) {
                    bad++;  // still full: handed out twice
                }
                block->producer = static_cast<uint32_t>(t);
                block->sequence = n;
                block->check = Check(block->producer, n);
                while (pylog_internal_ring_push(full_ring.get(), block) != 0) {
                    std::this_thread::yield();
                }
            }
        });
        threads.emplace_back([&] {
            while (emptied.fetch_add(1, std::memory_order_relaxed) <
                   kRounds) {
                Payload *block;
                while ((block = static_cast<Payload *>(pylog_internal_ring_pop(
                            full_ring.get()))) == nullptr) {
                    std::this_thread::yield();
                }
                if (block->check != Check(block->producer, block->sequence)) {
                    bad++;
                }
                block->check = 0;
                while (pylog_internal_ring_push(free_ring.get(), block) != 0) {
                    std::this_thread::yield();
                }
            }
        });
    }
    for (auto &thread : threads) {
        thread.join();
    }
    EXPECT_EQ(bad.load(), 0u);
    EXPECT_EQ(pylog_internal_ring_pushed(full_ring.get()), kRounds);
    EXPECT_EQ(pylog_internal_ring_popped(full_ring.get()), kRounds);
    EXPECT_EQ(pylog_internal_ring_pushed(free_ring.get()) -
                  pylog_internal_ring_popped(free_ring.get()),
              kBlocks)
        << "every block back in the free ring";
}

}  // namespace
