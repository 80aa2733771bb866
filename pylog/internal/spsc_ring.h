/*
 * internal/spsc_ring.h: a bounded ring of variable-size entries with one
 * producer and one consumer (spsc_ring.c): the per-thread buffer a thread
 * without the GIL writes its statements into. The producer's and the
 * consumer's operations are inline: a statement's reserve and commit are a
 * few loads and stores, no lock, no atomic read-modify-write, no call.
 * Needs no Python and no other pylog header: it builds and is tested
 * (testing/spsc_ring_test.cc, also under TSan) without an interpreter.
 * IWYU pragma: private
 *
 * Layout: `capacity` bytes (a power of two), positions counted in bytes
 * from 0 and never wrapped (64 bits do not overflow); an entry is an 8-byte
 * header (its size, a multiple of 8 including the header; and whether it
 * is padding) followed by its payload, contiguous in memory. An entry that
 * does not fit before the end of the memory is placed at its start, after a
 * padding entry the consumer skips.
 *
 * Memory order: the producer stores `tail` with release after writing an
 * entry; the consumer loads it with acquire before reading entries, so it
 * sees every byte of them. The consumer stores `head` with release after it
 * is done with an entry; the producer loads it with acquire before reusing
 * that memory. Each side caches the other's position and reloads it only
 * when the cache says the ring is full (producer) or empty (consumer).
 */
#ifndef PYLOG_INTERNAL_SPSC_RING_H_
#define PYLOG_INTERNAL_SPSC_RING_H_

#include <stddef.h>
#include <stdint.h>

#ifndef PYLOG_API
/* pylog.h defines the same: every pylog symbol is private to the extension
 * module that links it. Repeated here so this header stands alone. */
#define PYLOG_API __attribute__((visibility("hidden")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The smallest and largest capacities pylog_internal_spsc_ring_init
 * accepts (bytes; rounded up to a power of two). */
#define PYLOG_INTERNAL_SPSC_RING_MIN ((size_t)1 << 12)
#define PYLOG_INTERNAL_SPSC_RING_MAX ((size_t)1 << 30)

/* An entry's header; the payload follows it, 8-byte aligned. */
typedef struct pylog_internal_spsc_header {
    uint32_t size;    /* bytes of the entry, header included; multiple of 8 */
    uint32_t padding; /* nonzero: no payload, skipped by the consumer */
} pylog_internal_spsc_header;

typedef struct pylog_internal_spsc_ring {
    /* The producer's line: written by the producer only. */
    uint64_t tail __attribute__((aligned(64))); /* atomic: bytes committed */
    uint64_t head_seen;   /* producer's last load of `head` */
    uint64_t committed;   /* entries committed (padding not counted) */
    uint64_t released_seen; /* producer's last load of `released` */
    /* The consumer's line: written by the consumer only. */
    uint64_t head __attribute__((aligned(64))); /* atomic: bytes released */
    uint64_t released;    /* atomic: entries released */
    uint64_t tail_seen;   /* consumer's last load of `tail` */
    /* Fixed at init. */
    unsigned char *memory __attribute__((aligned(64)));
    uint64_t capacity;    /* bytes, a power of two */
    uint64_t max_entries; /* entries held at most (not padding) */
} pylog_internal_spsc_ring;

/* Make `ring` empty with `bytes` of memory (rounded up to a power of two,
 * at least PYLOG_INTERNAL_SPSC_RING_MIN) holding at most `max_entries`
 * entries (at least 1). 0, or -1 when `bytes` is above
 * PYLOG_INTERNAL_SPSC_RING_MAX, `max_entries` is 0, or memory is short
 * (then nothing needs releasing). */
PYLOG_API int pylog_internal_spsc_ring_init(pylog_internal_spsc_ring *ring,
                                            size_t bytes,
                                            uint64_t max_entries);

/* Free the memory of pylog_internal_spsc_ring_init. Nobody may use it
 * any more. */
PYLOG_API void
pylog_internal_spsc_ring_destroy(pylog_internal_spsc_ring *ring);

/* Producer: room for a payload of `size` bytes (size > 0), contiguous and
 * 8-byte aligned, or NULL when the ring is full (it holds max_entries
 * entries, or not enough bytes are free). Nothing is visible to the
 * consumer until pylog_internal_spsc_ring_commit; a reservation that is not
 * committed is forgotten by the next reserve. */
static inline void *
pylog_internal_spsc_ring_reserve(pylog_internal_spsc_ring *ring,
                                 size_t size);

/* Producer: publish the payload of the last reserve, `size` bytes of it
 * used (at most what was reserved). */
static inline void
pylog_internal_spsc_ring_commit(pylog_internal_spsc_ring *ring, size_t size);

/* Consumer: the oldest committed payload, with its size in *size (as
 * committed, rounded up to 8), or NULL when none. Stays valid until
 * pylog_internal_spsc_ring_release. */
static inline void *
pylog_internal_spsc_ring_peek(pylog_internal_spsc_ring *ring, size_t *size);

/* Consumer: done with the payload of the last peek. */
static inline void
pylog_internal_spsc_ring_release(pylog_internal_spsc_ring *ring);

/* Any thread: bytes committed so far (the producer's position), and
 * released so far (the consumer's). Acquire loads: an entry committed
 * before a position was read is visible to whoever read it. */
static inline uint64_t
pylog_internal_spsc_ring_tail(const pylog_internal_spsc_ring *ring)
{
    return __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
}

static inline uint64_t
pylog_internal_spsc_ring_head(const pylog_internal_spsc_ring *ring)
{
    return __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
}

/* Consumer (or any thread when neither side runs, e.g. in a child after
 * fork()): release every committed entry without reading it; returns how
 * many entries that was. */
PYLOG_API uint64_t
pylog_internal_spsc_ring_discard(pylog_internal_spsc_ring *ring);

/* TODO(helper): the inline definitions go here. */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_SPSC_RING_H_ */
