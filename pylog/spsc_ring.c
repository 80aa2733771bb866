/*
 * spsc_ring.c: the out-of-line part of the single-producer single-consumer
 * ring of variable-size entries (internal/spsc_ring.h): making one,
 * freeing it, and discarding what it holds. Reserve, commit, peek and
 * release are inline in the header (a statement's hot path).
 * No globals, no lock, no Python, no other pylog file: built and tested on
 * its own (testing/spsc_ring_test.cc).
 *
 * The memory is malloc'd and aligned to SPSC_RING_LINE by hand, as ring.c
 * does: posix_memalign is not declared under -std=c99 without a feature
 * macro before the first include, which the amalgamation
 * (tools/amalgamate.sh) refuses.
 */
#include "internal/spsc_ring.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Cache line size the memory is aligned to. */
#define SPSC_RING_LINE 64

int
pylog_internal_spsc_ring_init(pylog_internal_spsc_ring *ring, size_t bytes,
                              uint64_t max_entries)
{
    uint64_t capacity = PYLOG_INTERNAL_SPSC_RING_MIN;
    int saved_errno = errno;
    void *block;

    /* memory NULL: a destroy after a failed init does nothing. */
    ring->memory = NULL;
    ring->block = NULL;
    if (bytes > PYLOG_INTERNAL_SPSC_RING_MAX || max_entries == 0) {
        return -1;
    }
    while (capacity < bytes) {
        capacity <<= 1;
    }
    block = malloc((size_t)capacity + SPSC_RING_LINE - 1);
    errno = saved_errno; /* malloc may set it, even when it succeeds */
    if (block == NULL) {
        return -1;
    }
    ring->block = block;
    ring->memory = (unsigned char *)(((uintptr_t)block + SPSC_RING_LINE - 1) &
                                     ~(uintptr_t)(SPSC_RING_LINE - 1));
    ring->capacity = capacity;
    ring->max_entries = max_entries;
    ring->payload_max = capacity / 2 - sizeof(pylog_internal_spsc_header);
    /* Plain stores: the ring is not shared yet (the header says what must
       order them before the producer's and the consumer's first use). */
    ring->tail = 0;
    ring->head_seen = 0;
    ring->committed = 0;
    ring->released_seen = 0;
    ring->reserved = 0;
    ring->reserved_bound = 0; /* no reservation */
    ring->head = 0;
    ring->released = 0;
    ring->tail_seen = 0;
    ring->peeked = 0; /* not above head: no peek */
    return 0;
}

void
pylog_internal_spsc_ring_destroy(pylog_internal_spsc_ring *ring)
{
    free(ring->block);
    ring->block = NULL;
    ring->memory = NULL;
}

uint64_t
pylog_internal_spsc_ring_discard(pylog_internal_spsc_ring *ring)
{
    /* Acquire: the headers below the tail are complete (see peek). */
    uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
    /* Relaxed: only the consumer stores `head` and `released`, and this
       is the consumer (or nobody else runs). */
    uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    uint64_t released = __atomic_load_n(&ring->released, __ATOMIC_RELAXED);
    uint64_t count = 0;

    /* Headers only: their sizes lead from head to exactly tail, since
       every commit moves the tail past whole entries. */
    while (head != tail) {
        const pylog_internal_spsc_header *header =
            (const pylog_internal_spsc_header *)(const void *)(
                ring->memory + (head & (ring->capacity - 1)));

        count += header->padding ? 0 : 1;
        head += header->size;
    }
    ring->tail_seen = tail;
    ring->peeked = tail; /* a peek before is released with the rest */
    /* The same orders as release: `released` relaxed (a count) before
       `head`, and `head` with release (the producer's writes to this
       memory come after its acquire load of it). */
    __atomic_store_n(&ring->released, released + count, __ATOMIC_RELAXED);
    __atomic_store_n(&ring->head, tail, __ATOMIC_RELEASE);
    return count;
}

#undef SPSC_RING_LINE
