// spsc_ring_test.cc: the single-producer single-consumer ring of
// pylog/spsc_ring.c (internal/spsc_ring.h, the per-thread buffer) on its
// own, with no Python: init's bounds and rounding; empty, FIFO order of
// variable sizes; wrap-around through padding entries over many laps with
// sizes that do not divide the capacity; full by bytes and by max_entries,
// and room again after a release; an uncommitted reserve forgotten, a
// commit shorter than its reserve, bad calls doing nothing; discard's
// count; the positions; and a producer and a consumer thread handing over
// entries of pseudo-random sizes (sequence number and checksum checked).
// Built plain, with --config=asan and with --config=tsan: TSan sees the
// payloads handed over only through the ring's own acquire and release.
// One test prints the cost of a reserve+commit (no assertion on it).
#include "pylog/internal/spsc_ring.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <thread>
#include <vector>

namespace {

// TSan runs atomics and thread switches an order of magnitude slower; the
// threaded test does a twentieth of the work there, so the binary stays
// within seconds on two busy cores.
#if defined(__SANITIZE_THREAD__)
constexpr uint64_t kScale = 20;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr uint64_t kScale = 20;
#else
constexpr uint64_t kScale = 1;
#endif
#else
constexpr uint64_t kScale = 1;
#endif

constexpr size_t kMin = PYLOG_INTERNAL_SPSC_RING_MIN;
constexpr size_t kHeader = sizeof(pylog_internal_spsc_header);

// An initialised ring, destroyed at the end of the test.
class Ring {
  public:
    Ring(size_t bytes, uint64_t max_entries) {
        ok_ = pylog_internal_spsc_ring_init(&ring_, bytes, max_entries) == 0;
    }
    ~Ring() {
        if (ok_) {
            pylog_internal_spsc_ring_destroy(&ring_);
        }
    }
    Ring(const Ring &) = delete;
    Ring &operator=(const Ring &) = delete;
    bool ok() const { return ok_; }
    pylog_internal_spsc_ring *get() { return &ring_; }

  private:
    pylog_internal_spsc_ring ring_;
    bool ok_;
};

// The bytes an entry of `size` payload bytes takes.
uint64_t Entry(size_t size) { return kHeader + ((size + 7) & ~size_t{7}); }

// Writes `size` bytes derived from `seed` (a payload the test can check).
void Fill(void *out, size_t size, uint64_t seed) {
    unsigned char *bytes = static_cast<unsigned char *>(out);
    for (size_t i = 0; i < size; i++) {
        bytes[i] = static_cast<unsigned char>(seed * 131 + i * 7);
    }
}

bool Check(const void *in, size_t size, uint64_t seed) {
    const unsigned char *bytes = static_cast<const unsigned char *>(in);
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] != static_cast<unsigned char>(seed * 131 + i * 7)) {
            return false;
        }
    }
    return true;
}

// Reserve, fill and commit `size` bytes for `seed`; false when full.
bool Push(pylog_internal_spsc_ring *ring, size_t size, uint64_t seed) {
    void *p = pylog_internal_spsc_ring_reserve(ring, size);
    if (p == nullptr) {
        return false;
    }
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
    Fill(p, size, seed);
    pylog_internal_spsc_ring_commit(ring, size);
    return true;
}

// Peek, check and release the entry of `size` bytes for `seed`.
void Pop(pylog_internal_spsc_ring *ring, size_t size, uint64_t seed) {
    size_t got = 12345;
    void *p = pylog_internal_spsc_ring_peek(ring, &got);
    ASSERT_NE(p, nullptr) << "seed " << seed;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
    EXPECT_EQ(got, (size + 7) & ~size_t{7});
    EXPECT_TRUE(Check(p, size, seed)) << "seed " << seed;
    pylog_internal_spsc_ring_release(ring);
}

bool Empty(pylog_internal_spsc_ring *ring) {
    size_t got = 12345;
    bool empty = pylog_internal_spsc_ring_peek(ring, &got) == nullptr;
    if (empty) {
        EXPECT_EQ(got, 12345u);  // untouched when empty
    }
    return empty;
}

// Moves an empty ring's positions to `target` (in the tail's lap, 16 bytes
// or more ahead, a multiple of 8) with entries pushed and popped at once.
void AdvanceTo(pylog_internal_spsc_ring *ring, uint64_t target) {
    uint64_t tail = pylog_internal_spsc_ring_tail(ring);
    ASSERT_TRUE(target - tail >= 16 && target % 8 == 0 &&
                (target - 1) / kMin == tail / kMin);
    while (tail < target) {
        uint64_t left = target - tail;
        uint64_t entry = left <= kMin / 2 ? left
                         : left - kMin / 2 >= 16 ? kMin / 2
                                                 : kMin / 4;
        size_t payload = static_cast<size_t>(entry - kHeader);
        ASSERT_TRUE(Push(ring, payload, 0));
        Pop(ring, payload, 0);
        tail += entry;
    }
    ASSERT_EQ(pylog_internal_spsc_ring_tail(ring), target);
}

TEST(SpscRingTest, InitRejectsBadArguments) {
    pylog_internal_spsc_ring ring;
    errno = 4242;
    EXPECT_EQ(pylog_internal_spsc_ring_init(
                  &ring, PYLOG_INTERNAL_SPSC_RING_MAX + 1, 10),
              -1);
    pylog_internal_spsc_ring_destroy(&ring);  // nothing after a failure
    EXPECT_EQ(pylog_internal_spsc_ring_init(&ring, SIZE_MAX, 10), -1);
    EXPECT_EQ(pylog_internal_spsc_ring_init(&ring, kMin, 0), -1);
    pylog_internal_spsc_ring_destroy(&ring);
    EXPECT_EQ(errno, 4242);
}

TEST(SpscRingTest, InitRoundsCapacityUpToPowerOfTwoAtLeastMin) {
    struct Case {
        size_t bytes;
        uint64_t capacity;
    } cases[] = {
        {0, kMin},
        {1, kMin},
        {kMin - 1, kMin},
        {kMin, kMin},
        {kMin + 1, 2 * kMin},
        {3 * kMin, 4 * kMin},
        {100000, 131072},
    };
    for (const Case &c : cases) {
        Ring ring(c.bytes, 1);
        ASSERT_TRUE(ring.ok()) << c.bytes;
        EXPECT_EQ(ring.get()->capacity, c.capacity) << c.bytes;
        EXPECT_EQ(reinterpret_cast<uintptr_t>(ring.get()->memory) % 64, 0u);
        EXPECT_EQ(pylog_internal_spsc_ring_tail(ring.get()), 0u);
        EXPECT_EQ(pylog_internal_spsc_ring_head(ring.get()), 0u);
        EXPECT_TRUE(Empty(ring.get()));
    }
    // The largest accepted, and destroy twice is harmless.
    pylog_internal_spsc_ring ring;
    errno = 4242;
    ASSERT_EQ(pylog_internal_spsc_ring_init(
                  &ring, PYLOG_INTERNAL_SPSC_RING_MAX, UINT64_MAX),
              0);
    EXPECT_EQ(ring.capacity, PYLOG_INTERNAL_SPSC_RING_MAX);
    EXPECT_EQ(errno, 4242);
    pylog_internal_spsc_ring_destroy(&ring);
    pylog_internal_spsc_ring_destroy(&ring);
}

TEST(SpscRingTest, EmptyRingHasNothingToPeekOrRelease) {
    Ring ring(kMin, 8);
    ASSERT_TRUE(ring.ok());
    EXPECT_TRUE(Empty(ring.get()));
    pylog_internal_spsc_ring_release(ring.get());  // no peek: nothing
    EXPECT_EQ(pylog_internal_spsc_ring_head(ring.get()), 0u);
    EXPECT_EQ(pylog_internal_spsc_ring_discard(ring.get()), 0u);
    EXPECT_TRUE(Empty(ring.get()));
}

TEST(SpscRingTest, FifoWithVariableSizesAndPositions) {
    Ring ring(kMin, 100);
    ASSERT_TRUE(ring.ok());
    const size_t sizes[] = {1, 7, 8, 9, 16, 100, 3, 255, 64, 2};
    uint64_t tail = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        ASSERT_TRUE(Push(ring.get(), sizes[i], i));
        tail += Entry(sizes[i]);
        EXPECT_EQ(pylog_internal_spsc_ring_tail(ring.get()), tail);
    }
    EXPECT_EQ(pylog_internal_spsc_ring_head(ring.get()), 0u);
    uint64_t head = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        // Peeking twice gives the same entry.
        size_t got;
        void *first = pylog_internal_spsc_ring_peek(ring.get(), &got);
        EXPECT_EQ(pylog_internal_spsc_ring_peek(ring.get(), &got), first);
        Pop(ring.get(), sizes[i], i);
        head += Entry(sizes[i]);
        EXPECT_EQ(pylog_internal_spsc_ring_head(ring.get()), head);
        pylog_internal_spsc_ring_release(ring.get());  // again: nothing
        EXPECT_EQ(pylog_internal_spsc_ring_head(ring.get()), head);
    }
    EXPECT_EQ(head, tail);
    EXPECT_TRUE(Empty(ring.get()));
}

TEST(SpscRingTest, SizeBoundsOfReserve) {
    Ring ring(kMin, 100);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    EXPECT_EQ(pylog_internal_spsc_ring_reserve(r, 0), nullptr);
    EXPECT_EQ(pylog_internal_spsc_ring_reserve(r, kMin / 2 - kHeader + 1),
              nullptr);
    EXPECT_EQ(pylog_internal_spsc_ring_reserve(r, kMin), nullptr);
    EXPECT_EQ(pylog_internal_spsc_ring_reserve(r, SIZE_MAX), nullptr);
    // A refused reserve leaves no reservation to commit.
    pylog_internal_spsc_ring_commit(r, 0);
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), 0u);
    // The largest payload fits, at any offset, into an empty ring: here
    // after an entry that leaves less than half the memory at the end.
    const size_t biggest = kMin / 2 - kHeader;
    ASSERT_TRUE(Push(r, kMin / 2, 1) == false);
    ASSERT_TRUE(Push(r, 1000, 1));
    Pop(r, 1000, 1);
    ASSERT_TRUE(Push(r, biggest, 2));  // fits before the end
    Pop(r, biggest, 2);
    ASSERT_TRUE(Push(r, biggest, 3));  // needs a padding entry
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), kMin + kMin / 2);
    Pop(r, biggest, 3);
    EXPECT_TRUE(Empty(r));
}

TEST(SpscRingTest, WrapAroundWithPaddingOverManyLaps) {
    // Sizes that do not divide the capacity, checked against a model of
    // the positions (padding to the end when an entry does not fit).
    Ring ring(kMin, 1000);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    const size_t sizes[] = {1, 13, 200, 24, 511, 77, 1000, 8, 333, 1500};
    const size_t n = sizeof sizes / sizeof *sizes;
    std::deque<std::pair<size_t, uint64_t>> model;  // size, seed
    uint64_t tail = 0, head = 0, paddings = 0, seed = 0;
    for (int step = 0; step < 20000; step++) {
        size_t size = sizes[(step * 7 + step / 3) % n];
        uint64_t need = Entry(size);
        uint64_t at = tail;
        if ((tail % kMin) + need > kMin) {
            at = tail + (kMin - tail % kMin);
        }
        bool fits = at + need - head <= kMin;
        ASSERT_EQ(Push(r, size, seed), fits) << "step " << step;
        if (fits) {
            paddings += at != tail;
            tail = at + need;
            model.emplace_back(size, seed++);
        }
        ASSERT_EQ(pylog_internal_spsc_ring_tail(r), tail);
        // Pop one every step, and a second one when full, so the ring
        // runs between nearly full and nearly empty.
        for (int k = 0; k < (fits ? 1 : 2) && !model.empty(); k++) {
            if (step % 3 == 0 && fits) {
                break;
            }
            Pop(r, model.front().first, model.front().second);
            size_t popped = model.front().first;
            model.pop_front();
            uint64_t h = pylog_internal_spsc_ring_head(r);
            // The head passed the entry, and any padding before it.
            EXPECT_TRUE(h == head + Entry(popped) ||
                        (h - Entry(popped)) % kMin == 0);
            head = h;
        }
    }
    while (!model.empty()) {
        Pop(r, model.front().first, model.front().second);
        model.pop_front();
    }
    EXPECT_TRUE(Empty(r));
    EXPECT_EQ(pylog_internal_spsc_ring_head(r), tail);
    EXPECT_GT(tail / kMin, 100u);  // laps
    EXPECT_GT(paddings, 100u);
}

TEST(SpscRingTest, FullByBytesAndReleaseMakesRoom) {
    Ring ring(kMin, 1000);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    // 64-byte entries (56-byte payloads) fill the memory exactly.
    const size_t payload = 64 - kHeader;
    const uint64_t fit = kMin / 64;
    for (uint64_t i = 0; i < fit; i++) {
        ASSERT_TRUE(Push(r, payload, i)) << i;
    }
    EXPECT_FALSE(Push(r, payload, fit));
    EXPECT_FALSE(Push(r, 1, fit));
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), kMin);
    // A peek alone frees nothing; its release frees one entry's bytes.
    size_t got;
    ASSERT_NE(pylog_internal_spsc_ring_peek(r, &got), nullptr);
    EXPECT_FALSE(Push(r, payload, fit));
    pylog_internal_spsc_ring_release(r);
    EXPECT_FALSE(Push(r, payload + 1, fit));  // 72 bytes: one more than free
    ASSERT_TRUE(Push(r, payload, fit));
    EXPECT_FALSE(Push(r, 1, fit + 1));
    for (uint64_t i = 1; i <= fit; i++) {
        Pop(r, payload, i);
    }
    EXPECT_TRUE(Empty(r));
}

TEST(SpscRingTest, FullByMaxEntriesPaddingNotCounted) {
    Ring ring(kMin, 3);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    ASSERT_TRUE(Push(r, 8, 0));
    ASSERT_TRUE(Push(r, 8, 1));
    ASSERT_TRUE(Push(r, 8, 2));
    EXPECT_FALSE(Push(r, 8, 3));  // 3 entries, bytes to spare
    Pop(r, 8, 0);
    ASSERT_TRUE(Push(r, 8, 3));
    EXPECT_FALSE(Push(r, 8, 4));
    Pop(r, 8, 1);
    Pop(r, 8, 2);
    Pop(r, 8, 3);
    // An entry that needs padding still counts as one: take the tail near
    // the end of the memory, then three entries, the first after padding.
    AdvanceTo(r, kMin - 8);
    ASSERT_TRUE(Push(r, 100, 6));  // padding of 8, then the entry
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), kMin + Entry(100));
    ASSERT_TRUE(Push(r, 100, 7));
    ASSERT_TRUE(Push(r, 100, 8));
    EXPECT_FALSE(Push(r, 100, 9));
    Pop(r, 100, 6);
    Pop(r, 100, 7);
    Pop(r, 100, 8);
    EXPECT_TRUE(Empty(r));
}

TEST(SpscRingTest, UncommittedReserveIsForgotten) {
    Ring ring(kMin, 10);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    void *first = pylog_internal_spsc_ring_reserve(r, 100);
    ASSERT_NE(first, nullptr);
    Fill(first, 100, 99);
    EXPECT_TRUE(Empty(r));  // nothing visible before a commit
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), 0u);
    // The next reserve takes the same place; only its commit is seen.
    void *second = pylog_internal_spsc_ring_reserve(r, 40);
    EXPECT_EQ(second, first);
    Fill(second, 40, 1);
    pylog_internal_spsc_ring_commit(r, 40);
    pylog_internal_spsc_ring_commit(r, 40);  // no reservation: nothing
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), Entry(40));
    Pop(r, 40, 1);
    EXPECT_TRUE(Empty(r));

    // A forgotten reservation that needed padding leaves no trace either.
    AdvanceTo(r, kMin - 16);
    ASSERT_NE(pylog_internal_spsc_ring_reserve(r, 100), nullptr);  // wraps
    ASSERT_TRUE(Push(r, 8, 3));  // fits in the 16 bytes at the end
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), kMin - 16 + Entry(8));
    Pop(r, 8, 3);
    EXPECT_TRUE(Empty(r));
}

TEST(SpscRingTest, CommitOfFewerBytesThanReserved) {
    Ring ring(kMin, 10);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    void *p = pylog_internal_spsc_ring_reserve(r, 500);
    ASSERT_NE(p, nullptr);
    Fill(p, 500, 4);
    pylog_internal_spsc_ring_commit(r, 501);  // more than reserved: nothing
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), 0u);
    pylog_internal_spsc_ring_commit(r, 13);
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), Entry(13));
    // An empty payload is an entry too.
    ASSERT_NE(pylog_internal_spsc_ring_reserve(r, 64), nullptr);
    pylog_internal_spsc_ring_commit(r, 0);
    EXPECT_EQ(pylog_internal_spsc_ring_tail(r), Entry(13) + kHeader);
    ASSERT_TRUE(Push(r, 5, 6));
    Pop(r, 13, 4);
    size_t got = 12345;
    EXPECT_NE(pylog_internal_spsc_ring_peek(r, &got), nullptr);
    EXPECT_EQ(got, 0u);
    pylog_internal_spsc_ring_release(r);
    Pop(r, 5, 6);
    EXPECT_TRUE(Empty(r));
}

TEST(SpscRingTest, DiscardCountsEntriesNotPadding) {
    Ring ring(kMin, 100);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    EXPECT_EQ(pylog_internal_spsc_ring_discard(r), 0u);
    // Entries across the end of the memory (one padding entry among them),
    // a peeked one first.
    uint64_t seed = 0;
    while (pylog_internal_spsc_ring_tail(r) < kMin - 600) {
        ASSERT_TRUE(Push(r, 300, seed++));
    }
    while (seed > 0 && !Empty(r)) {
        size_t got;
        pylog_internal_spsc_ring_peek(r, &got);
        pylog_internal_spsc_ring_release(r);
    }
    for (int i = 0; i < 5; i++) {
        ASSERT_TRUE(Push(r, 300, seed++));
    }
    EXPECT_GT(pylog_internal_spsc_ring_tail(r), kMin);  // wrapped
    size_t got;
    ASSERT_NE(pylog_internal_spsc_ring_peek(r, &got), nullptr);
    // The reservation under way is not the consumer's to discard.
    void *p = pylog_internal_spsc_ring_reserve(r, 48);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(pylog_internal_spsc_ring_discard(r), 5u);
    EXPECT_EQ(pylog_internal_spsc_ring_head(r),
              pylog_internal_spsc_ring_tail(r));
    EXPECT_TRUE(Empty(r));
    uint64_t head = pylog_internal_spsc_ring_head(r);
    pylog_internal_spsc_ring_release(r);  // the peek went with the rest
    EXPECT_EQ(pylog_internal_spsc_ring_head(r), head);
    Fill(p, 48, 7);
    pylog_internal_spsc_ring_commit(r, 48);
    Pop(r, 48, 7);
    // The entry count is back to zero: max_entries entries fit again.
    for (int i = 0; i < 100; i++) {
        ASSERT_TRUE(Push(r, 1, 8)) << i;
    }
    EXPECT_FALSE(Push(r, 1, 8));
    EXPECT_EQ(pylog_internal_spsc_ring_discard(r), 100u);
    EXPECT_TRUE(Push(r, 1, 8));
}

// The stress test's entries: a header the consumer checks, then bytes.
struct StressEntry {
    uint64_t sequence;
    uint64_t size;      // payload bytes, this struct included
    uint64_t checksum;  // of the bytes after this struct
};

uint64_t Checksum(const unsigned char *bytes, size_t n) {
    uint64_t sum = 1469598103934665603u;  // FNV-1a
    for (size_t i = 0; i < n; i++) {
        sum = (sum ^ bytes[i]) * 1099511628211u;
    }
    return sum;
}

// One producer and one consumer thread. The producer retries when full,
// the consumer when empty (yielding: no sleep, no timing); both run until
// every entry went through, so the result does not depend on the
// schedule. `max_size` above the ring's half makes some sizes refused
// forever: the producer then writes the biggest allowed instead.
void Stress(size_t bytes, uint64_t max_entries, size_t max_size,
            uint64_t count) {
    Ring ring(bytes, max_entries);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    uint64_t consumer_errors = 0, consumed = 0, produced_bytes = 0;

    std::thread consumer([&] {
        uint64_t expect = 0;
        while (expect < count) {
            size_t got;
            const void *p = pylog_internal_spsc_ring_peek(r, &got);
            if (p == nullptr) {
                std::this_thread::yield();
                continue;
            }
            StressEntry e;
            std::memcpy(&e, p, sizeof e);
            const unsigned char *rest =
                static_cast<const unsigned char *>(p) + sizeof e;
            if (e.sequence != expect ||
                got != ((e.size + 7) & ~uint64_t{7}) ||
                e.checksum != Checksum(rest, e.size - sizeof e)) {
                consumer_errors++;
            }
            expect++;
            consumed++;
            pylog_internal_spsc_ring_release(r);
        }
    });

    std::mt19937_64 random(12345);
    const size_t payload_max = r->capacity / 2 - kHeader;
    for (uint64_t i = 0; i < count; i++) {
        size_t size = sizeof(StressEntry) +
                      static_cast<size_t>(random() % (max_size - 24));
        if (size > payload_max) {
            // EXPECT: an ASSERT would return with the consumer running.
            EXPECT_EQ(pylog_internal_spsc_ring_reserve(r, size), nullptr);
            size = payload_max;
        }
        void *p;
        while ((p = pylog_internal_spsc_ring_reserve(r, size)) == nullptr) {
            std::this_thread::yield();
        }
        unsigned char *out = static_cast<unsigned char *>(p);
        size_t n = size - sizeof(StressEntry);
        uint64_t word = random();
        for (size_t k = 0; k < n; k++) {
            out[sizeof(StressEntry) + k] =
                static_cast<unsigned char>(word >> (8 * (k % 8)));
            if (k % 8 == 7) {
                word = word * 6364136223846793005u + 1442695040888963407u;
            }
        }
        StressEntry e = {i, size, Checksum(out + sizeof(StressEntry), n)};
        std::memcpy(out, &e, sizeof e);
        pylog_internal_spsc_ring_commit(r, size);
        produced_bytes += Entry(size);
    }
    consumer.join();
    EXPECT_EQ(consumer_errors, 0u);
    EXPECT_EQ(consumed, count);
    EXPECT_TRUE(Empty(r));
    // Every entry's bytes, plus the padding entries.
    EXPECT_GE(pylog_internal_spsc_ring_tail(r), produced_bytes);
    EXPECT_EQ(pylog_internal_spsc_ring_head(r),
              pylog_internal_spsc_ring_tail(r));
    EXPECT_GT(pylog_internal_spsc_ring_tail(r) / r->capacity, count / 1000);
}

TEST(SpscRingTest, TwoThreadsSmallRingManyLaps) {
    // Small entries and a small ring: full by bytes and by entries often.
    Stress(kMin, 50, 200, 2000000 / kScale);
}

TEST(SpscRingTest, TwoThreadsLargeEntries) {
    // Entries up to and above half the ring (the latter refused, then
    // written at the largest size allowed).
    Stress(2 * kMin, 1000, kMin + 100, 200000 / kScale);
}

// The cost of a reserve+commit of a 32-byte payload, printed, not
// asserted (timing depends on the machine and its load). The consumer's
// releases are in the same thread, outside the timed loop.
TEST(SpscRingTest, CostOfReserveAndCommit) {
    Ring ring(1 << 20, 1 << 20);
    ASSERT_TRUE(ring.ok());
    pylog_internal_spsc_ring *r = ring.get();
    const int batch = 16384;  // 40-byte entries: 640 KiB, fits
    std::chrono::nanoseconds total{0};
    uint64_t done = 0;
    for (int round = 0; round < 100 / static_cast<int>(kScale) + 1;
         round++) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < batch; i++) {
            void *p = pylog_internal_spsc_ring_reserve(r, 32);
            if (p == nullptr) {
                break;
            }
            std::memcpy(p, &i, sizeof i);
            pylog_internal_spsc_ring_commit(r, 32);
            done++;
        }
        total += std::chrono::steady_clock::now() - start;
        EXPECT_EQ(pylog_internal_spsc_ring_discard(r),
                  static_cast<uint64_t>(batch));
    }
    EXPECT_EQ(done % batch, 0u);
    std::printf("reserve+commit of 32 bytes: %.2f ns (%llu entries)\n",
                static_cast<double>(total.count()) / static_cast<double>(done),
                static_cast<unsigned long long>(done));
}

}  // namespace
