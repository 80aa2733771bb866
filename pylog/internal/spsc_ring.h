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
    uint64_t committed;   /* atomic: entries committed (padding not
                             counted) */
    uint64_t released_seen; /* producer's last load of `released` */
    uint64_t reserved;    /* position of the reserved entry's header */
    uint64_t reserved_bound; /* payload bytes reserved + 1; 0: none */
    /* The consumer's line: written by the consumer only. */
    uint64_t head __attribute__((aligned(64))); /* atomic: bytes released */
    uint64_t released;    /* atomic: entries released */
    uint64_t tail_seen;   /* consumer's last load of `tail` */
    uint64_t peeked;      /* position after the entry of the last peek; not
                             above `head`: no peek to release */
    /* Fixed at init. */
    unsigned char *memory __attribute__((aligned(64)));
    uint64_t capacity;    /* bytes, a power of two */
    uint64_t max_entries; /* entries held at most (not padding) */
    uint64_t payload_max; /* largest payload reserve accepts: capacity / 2
                             - 8 (an entry of half the memory) */
    void *block;          /* what malloc returned (memory is aligned in it) */
} pylog_internal_spsc_ring;

/* Make `ring` (the caller's struct, not in use) empty with `bytes` of
 * memory (rounded up to a power of two, at least
 * PYLOG_INTERNAL_SPSC_RING_MIN) holding at most `max_entries` entries (at
 * least 1). 0, or -1 when `bytes` is above PYLOG_INTERNAL_SPSC_RING_MAX,
 * `max_entries` is 0, or memory is short (then nothing needs releasing,
 * and pylog_internal_spsc_ring_destroy does nothing). errno is kept.
 * Nothing is shared yet: whatever hands the ring to the producer and the
 * consumer threads must order these stores before their first use (a
 * thread's start, a mutex, a release store). */
PYLOG_API int pylog_internal_spsc_ring_init(pylog_internal_spsc_ring *ring,
                                            size_t bytes,
                                            uint64_t max_entries);

/* Free the memory of pylog_internal_spsc_ring_init. Nobody may use it
 * any more. Does nothing after a failed init or a destroy. */
PYLOG_API void
pylog_internal_spsc_ring_destroy(pylog_internal_spsc_ring *ring);

/* Producer: room for a payload of `size` bytes (size > 0), contiguous and
 * 8-byte aligned, or NULL when the ring is full (it holds max_entries
 * entries, or not enough bytes are free). Nothing is visible to the
 * consumer until pylog_internal_spsc_ring_commit; a reservation that is not
 * committed is forgotten by the next reserve.
 * A payload of 0 bytes, or of more than capacity / 2 - 8 (`payload_max`:
 * its entry would take more than half the memory), is always refused
 * (NULL), even by an empty ring. Up to that size, an empty ring always
 * has room: a producer that retries while the consumer releases gets in. */
static inline void *
pylog_internal_spsc_ring_reserve(pylog_internal_spsc_ring *ring,
                                 size_t size);

/* Producer: publish the payload of the last reserve, `size` bytes of it
 * used (at most what was reserved; 0 is an entry with an empty payload).
 * Without a reservation (none, or already committed), or with `size` above
 * the reserved size, it does nothing: nothing is published. */
static inline void
pylog_internal_spsc_ring_commit(pylog_internal_spsc_ring *ring, size_t size);

/* Consumer: the oldest committed payload, with its size in *size (as
 * committed, rounded up to 8), or NULL when none (*size untouched). Stays
 * valid until pylog_internal_spsc_ring_release; peeking again before it
 * returns the same entry. */
static inline void *
pylog_internal_spsc_ring_peek(pylog_internal_spsc_ring *ring, size_t *size);

/* Consumer: done with the payload of the last peek (its memory goes back
 * to the producer). Without a peek since the last release (or discard),
 * it does nothing. */
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
 * fork()): release every committed entry without reading its payload (an
 * entry of the last peek included); returns how many entries that was
 * (padding not counted). A reservation of the producer is left as it is. */
PYLOG_API uint64_t
pylog_internal_spsc_ring_discard(pylog_internal_spsc_ring *ring);

/*
 * The inline definitions. Positions only grow; a position p is at byte
 * p & (capacity - 1) of `memory`. The producer owns [tail, head + capacity)
 * and the consumer [head, tail): each side reads its own position with a
 * relaxed load (only it stores that field) and the other's through its
 * cache, which is never ahead of the truth, so a stale cache can only say
 * "full" or "empty" too early, and then it is reloaded.
 */

/* An entry's bytes for a payload of SIZE bytes: the header, then the
 * payload rounded up to 8. #undef'd after the definitions. */
#define PYLOG_INTERNAL_SPSC_ENTRY(SIZE) \
    (((uint64_t)(SIZE) + 15) & ~(uint64_t)7)

static inline void *
pylog_internal_spsc_ring_reserve(pylog_internal_spsc_ring *ring,
                                 size_t size)
{
    /* Relaxed: only this thread stores `tail`. */
    uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
    uint64_t offset = tail & (ring->capacity - 1);
    uint64_t need = PYLOG_INTERNAL_SPSC_ENTRY(size);
    uint64_t at = tail;
    pylog_internal_spsc_header *header;

    /* size - 1 wraps around for 0: one compare refuses 0 and too big. An
       entry of at most capacity / 2 plus its padding (less than the entry,
       or it would have fit) is at most `capacity`, so an empty ring takes
       it. */
    if ((uint64_t)size - 1 >= ring->payload_max) {
        return NULL;
    }
    /* Entries: `released_seen` is never ahead of `released`, so the count
       is never below the truth. Relaxed is enough for `released`: it only
       counts; the memory of a released entry is handed back by `head`
       (acquire below), never by this count. */
    if (ring->committed - ring->released_seen >= ring->max_entries) {
        ring->released_seen =
            __atomic_load_n(&ring->released, __ATOMIC_RELAXED);
        if (ring->committed - ring->released_seen >= ring->max_entries) {
            return NULL;
        }
    }
    /* No room before the end of the memory: a padding entry to the end,
       then the entry at the start. */
    if (offset + need > ring->capacity) {
        at = tail + (ring->capacity - offset);
    }
    /* Bytes: [tail, at + need) must be free, that is at + need - head <=
       capacity. Acquire on `head`: the consumer stored it with release
       after its last read of the bytes below it, so those reads happen
       before our writes into them (no entry is overwritten while read). A
       cached value was loaded the same way, earlier in this thread. */
    if (at + need - ring->head_seen > ring->capacity) {
        ring->head_seen = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
        if (at + need - ring->head_seen > ring->capacity) {
            return NULL;
        }
    }
    if (at != tail) {
        /* Plain stores: the consumer reads this header only after the
           commit's release of a tail past it. A forgotten reservation's
           padding is never read (the tail never passes it) and is
           written again by the next reserve that needs it. */
        header =
            (pylog_internal_spsc_header *)(void *)(ring->memory + offset);
        header->size = (uint32_t)(ring->capacity - offset);
        header->padding = 1;
    }
    ring->reserved = at;
    ring->reserved_bound = (uint64_t)size + 1;
    /* The lines the next entries will take, asked for now (for writing):
       the consumer has usually read them since the last lap, so they are
       in its cache, and fetching them is what a statement would otherwise
       wait for. A hint: never faults, even past the memory's end. */
    __builtin_prefetch(ring->memory + ((at + need + 128) & (ring->capacity - 1)),
                       1);
    return ring->memory + (at & (ring->capacity - 1)) +
           sizeof(pylog_internal_spsc_header);
}

static inline void
pylog_internal_spsc_ring_commit(pylog_internal_spsc_ring *ring, size_t size)
{
    uint64_t at = ring->reserved;
    uint64_t need = PYLOG_INTERNAL_SPSC_ENTRY(size);
    pylog_internal_spsc_header *header;

    /* One compare refuses both a size above the reservation and no
       reservation (a bound of 0). The entry, no longer than reserved,
       fits where the reservation was. */
    if ((uint64_t)size >= ring->reserved_bound) {
        return;
    }
    header = (pylog_internal_spsc_header *)(void *)(
        ring->memory + (at & (ring->capacity - 1)));
    header->size = (uint32_t)need;
    header->padding = 0;
    /* Relaxed store, no RMW: only this thread writes `committed`; other
       threads read it (relaxed) as a count of entries held. */
    __atomic_store_n(&ring->committed, ring->committed + 1, __ATOMIC_RELAXED);
    ring->reserved_bound = 0;
    /* Release: the header, the payload and any padding header before them
       are written before the consumer can see a tail past them (it loads
       `tail` with acquire). */
    __atomic_store_n(&ring->tail, at + need, __ATOMIC_RELEASE);
}

static inline void *
pylog_internal_spsc_ring_peek(pylog_internal_spsc_ring *ring, size_t *size)
{
    /* Relaxed: only this thread stores `head`. */
    uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    uint64_t offset = head & (ring->capacity - 1);
    pylog_internal_spsc_header *header;

    /* Acquire on `tail`: every byte below it was written before the
       producer's release store of it, so the entries read below are
       complete. A cached value was loaded the same way, earlier in this
       thread; it is never ahead of `tail`. */
    if (head == ring->tail_seen) {
        ring->tail_seen = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
        if (head == ring->tail_seen) {
            return NULL;
        }
    }
    header = (pylog_internal_spsc_header *)(void *)(ring->memory + offset);
    if (header->padding) {
        /* A padding entry is committed together with the entry after it
           (one tail store past both), so that entry is below the tail
           too: at the start of the memory. */
        head += header->size;
        offset = 0;
        header = (pylog_internal_spsc_header *)(void *)ring->memory;
    }
    ring->peeked = head + header->size;
    *size = (size_t)(header->size - sizeof(pylog_internal_spsc_header));
    return ring->memory + offset + sizeof(pylog_internal_spsc_header);
}

static inline void
pylog_internal_spsc_ring_release(pylog_internal_spsc_ring *ring)
{
    /* Relaxed: only this thread stores `head` and `released`. */
    uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    uint64_t released = __atomic_load_n(&ring->released, __ATOMIC_RELAXED);

    if (ring->peeked <= head) {
        return;
    }
    /* Relaxed: a count (see reserve); stored before `head`, so a thread
       that loads `head` with acquire sees a count at least as new. */
    __atomic_store_n(&ring->released, released + 1, __ATOMIC_RELAXED);
    /* Release: our reads of the entry (and of its padding) happen before
       the producer, after its acquire load of `head`, writes there. */
    __atomic_store_n(&ring->head, ring->peeked, __ATOMIC_RELEASE);
}

#undef PYLOG_INTERNAL_SPSC_ENTRY

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_SPSC_RING_H_ */
