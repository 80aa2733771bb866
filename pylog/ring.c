/*
 * ring.c: the bounded lock-free MPMC ring of pointers (internal/ring.h),
 * after Dmitry Vyukov's bounded queue: one CAS per push or pop, no lock.
 * No Python, no other pylog file: the ring is built and tested on its own.
 *
 * Positions: every push takes the next position from `head`, every pop the
 * next from `tail`; both only grow. Position p lives in cell p % capacity,
 * which serves positions p, p + capacity, p + 2 * capacity, ... in turn.
 * A cell's `sequence` says which of them it is ready for, and for what:
 *
 *   2p        empty, for the push of position p
 *   2p + 1    holds the item of position p, for its pop
 *
 * so a push of position p that finds 2p takes the cell, a pop of position p
 * that finds 2p + 1 takes the item, and a pop hands the cell on to position
 * p + capacity by storing 2(p + capacity). Vyukov's own numbering (p, then
 * p + 1, then p + capacity) cannot tell "holds the item of p" from "empty
 * for p + 1" when the capacity is 1: a second push then overwrote the first
 * item, and the pop of p waited forever for a sequence it would never see
 * (a queue_capacity of 1 hung the process). Twice the position keeps "full"
 * odd and "empty" even, so every capacity from 1 up works.
 *
 * A cell serves its positions strictly in turn: a push of p that has taken
 * its position but not yet stored the cell's new sequence (preempted there)
 * holds up the pop of p, and a pop of p likewise the push of p + capacity,
 * until it finishes (internal/ring.h says what callers see).
 *
 * Positions are 64-bit: they would wrap after 2^64 pushes (centuries at one
 * push a nanosecond). A sequence and twice the position a thread works on
 * differ by far less than 2^63, so they are compared as a signed 64-bit
 * difference.
 */
#include "internal/ring.h"

#include <stdint.h>
#include <stdlib.h>

/* Cache line size assumed for keeping writers of different fields apart. */
#define RING_LINE 64

typedef struct ring_cell {
    uint64_t sequence; /* atomic: what the cell is ready for (see above) */
    void *item;        /* written before `sequence` is released */
} ring_cell;

struct pylog_internal_ring {
    size_t capacity; /* read-only after creation: a line all threads share */
    /* Producers' and consumers' positions on lines of their own, so a push
       and a pop do not contend on one line, nor on the cells' first line. */
    uint64_t head __attribute__((aligned(RING_LINE))); /* atomic: next push */
    uint64_t tail __attribute__((aligned(RING_LINE))); /* atomic: next pop */
    ring_cell cells[] __attribute__((aligned(RING_LINE)));
};

pylog_internal_ring *
pylog_internal_ring_new(size_t capacity)
{
    size_t extra = RING_LINE + sizeof(void *); /* to align, and the block */
    pylog_internal_ring *ring;
    char *block;

    /* The second bound matters only where size_t is 32 bits. */
    if (capacity < 1 || capacity > PYLOG_INTERNAL_RING_CAPACITY_MAX ||
        capacity > (SIZE_MAX - sizeof(pylog_internal_ring) - extra) /
                       sizeof(ring_cell)) {
        return NULL;
    }
    /* malloc, aligned by hand to RING_LINE (C99 has no aligned
       allocation); the block's address is kept in the word before. */
    block = (char *)malloc(sizeof(pylog_internal_ring) +
                           capacity * sizeof(ring_cell) + extra);
    if (block == NULL) {
        return NULL;
    }
    ring = (pylog_internal_ring *)(((uintptr_t)block + extra) &
                                   ~(uintptr_t)(RING_LINE - 1));
    ((void **)ring)[-1] = block;
    ring->capacity = capacity;
    pylog_internal_ring_reset(ring);
    return ring;
}

void
pylog_internal_ring_free(pylog_internal_ring *ring)
{
    if (ring != NULL) {
        free(((void **)ring)[-1]);
    }
}

void
pylog_internal_ring_reset(pylog_internal_ring *ring)
{
    /* Plain stores: no other thread uses the ring now, and one that does
       later learns of it through something that orders these stores
       before its use (queue.c's release that publishes a new queue, the
       start of the thread, fork() leaving this one thread alone). */
    ring->head = 0;
    ring->tail = 0;
    for (size_t i = 0; i < ring->capacity; i++) {
        ring->cells[i].sequence = 2 * (uint64_t)i; /* empty, for push i */
        ring->cells[i].item = NULL;
    }
}

size_t
pylog_internal_ring_capacity(const pylog_internal_ring *ring)
{
    return ring->capacity;
}

int
pylog_internal_ring_push(pylog_internal_ring *ring, void *item)
{
    ring_cell *cell;
    uint64_t position;

    if (item == NULL) {
        return -1; /* pop's "nothing there": it could never come out */
    }
    /* relaxed: `head` only proposes a position; the cell's sequence says
       whether it is free, and the CAS below whether it is still ours */
    position = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    for (;;) {
        cell = &ring->cells[position % ring->capacity];
        /* acquire: pairs with the release in the pop that emptied the cell
           a lap ago, so that pop's read of the old item happens before our
           write of the new one */
        uint64_t sequence = __atomic_load_n(&cell->sequence, __ATOMIC_ACQUIRE);
        int64_t lag = (int64_t)(sequence - 2 * position);

        if (lag == 0) {
            /* Free for position p. relaxed: the CAS only decides which
               producer owns p (one RMW order on `head` whatever the memory
               order); the item is published by the release below, not by
               `head`. On failure `position` is reloaded and we retry. */
            if (__atomic_compare_exchange_n(&ring->head, &position,
                                            position + 1, 1, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                break;
            }
        }
        else if (lag < 0) {
            /* The cell still serves position - capacity (its item not yet
               popped, or its push still writing): the ring is full. */
            return -1;
        }
        else {
            /* Another producer took `position` already: catch up. */
            position = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
        }
    }
    cell->item = item;
    /* release: a consumer that acquires this sequence sees the item and
       everything this thread wrote before the push */
    __atomic_store_n(&cell->sequence, 2 * position + 1, __ATOMIC_RELEASE);
    return 0;
}

void *
pylog_internal_ring_pop(pylog_internal_ring *ring)
{
    ring_cell *cell;
    uint64_t position;
    void *item;

    /* relaxed: as in the push, `tail` only proposes a position */
    position = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
    for (;;) {
        cell = &ring->cells[position % ring->capacity];
        /* acquire: pairs with the producer's release of 2p + 1, so its
           item (and what it wrote before) is visible */
        uint64_t sequence = __atomic_load_n(&cell->sequence, __ATOMIC_ACQUIRE);
        int64_t lag = (int64_t)(sequence - (2 * position + 1));

        if (lag == 0) {
            /* relaxed: the CAS only decides which consumer owns p */
            if (__atomic_compare_exchange_n(&ring->tail, &position,
                                            position + 1, 1, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                break;
            }
        }
        else if (lag < 0) {
            /* 2p: the push of p has not written its item (none began, or
               one is mid-way): nothing to pop yet. */
            return NULL;
        }
        else {
            /* Another consumer took `position` already: catch up. */
            position = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
        }
    }
    item = cell->item;
    /* release: the producer of position + capacity, which acquires this
       sequence, writes the cell only after our read above */
    __atomic_store_n(&cell->sequence, 2 * (position + ring->capacity),
                     __ATOMIC_RELEASE);
    return item;
}

uint64_t
pylog_internal_ring_pushed(const pylog_internal_ring *ring)
{
    /* acquire: relaxed would do for the count itself (`head` moves by
       relaxed CASes and publishes no item: the cells' sequences do);
       acquire keeps the caller's later reads after this one, the order
       queue.c's callers (delivery.c's flush and wake-up checks) have
       always run with */
    return __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
}

uint64_t
pylog_internal_ring_popped(const pylog_internal_ring *ring)
{
    /* acquire: as in pylog_internal_ring_pushed */
    return __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
}

#undef RING_LINE
