/*
 * internal/ring.h: a bounded lock-free ring of pointers for any number of
 * producers and consumers (Dmitry Vyukov's bounded MPMC queue; ring.c). The
 * queue of records and the pool of record blocks (queue.c) are both one.
 * Needs no Python and no other pylog header: it builds and is tested
 * (testing/ring_test.cc) without an interpreter.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RING_H_
#define PYLOG_INTERNAL_RING_H_

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

/* The largest capacity pylog_internal_ring_new accepts: far above
 * PYLOG_QUEUE_CAPACITY_MAX (2^24), and low enough that neither the
 * allocation's size nor the cells' sequence numbers (twice a position,
 * compared as a signed 64-bit difference) can overflow. */
#define PYLOG_INTERNAL_RING_CAPACITY_MAX ((size_t)1 << 28)

/* Opaque: only ring.c touches its fields. */
typedef struct pylog_internal_ring pylog_internal_ring;

/* A new empty ring that holds up to `capacity` items (1 ..
 * PYLOG_INTERNAL_RING_CAPACITY_MAX), or NULL when `capacity` is out of that
 * range or memory is short. Release it with pylog_internal_ring_free. */
PYLOG_API pylog_internal_ring *pylog_internal_ring_new(size_t capacity);

/* Free a ring of pylog_internal_ring_new (NULL: nothing), not the items it
 * still holds. Nobody may use it any more. */
PYLOG_API void pylog_internal_ring_free(pylog_internal_ring *ring);

/* Empty `ring` and start its counts over at 0, forgetting (not freeing) the
 * items it holds. Only when no other thread uses the ring (at creation, in a
 * child after fork()). */
PYLOG_API void pylog_internal_ring_reset(pylog_internal_ring *ring);

/* The capacity `ring` was made with. */
PYLOG_API size_t pylog_internal_ring_capacity(const pylog_internal_ring *ring);

/* Append `item` (not NULL): 0, or -1 when `item` is NULL or the ring is
 * full; then nothing changed. Full: the item `capacity` places ahead of
 * this one is still there (its push or its pop has not returned). With one
 * consumer at a time that is exactly `capacity` items held, counting any
 * push or pop under way. With several consumers, a pop preempted between
 * taking its item and returning keeps its cell, and pushes that come round
 * to that cell fail until it returns, even if other consumers have emptied
 * the rest of the ring. Any thread, concurrently with any other push and
 * pop; lock-free, never blocks or allocates. Everything the pushing thread
 * wrote before the push is visible to the thread that pops the item. */
PYLOG_API int pylog_internal_ring_push(pylog_internal_ring *ring, void *item);

/* Remove and return the oldest item, or NULL when the ring is empty or the
 * oldest push is still being written (it and the items behind it can be
 * popped once that push returns). Any thread, concurrently with any push
 * and pop; lock-free. One consumer pops items in the order their pushes
 * took their places, so one producer's items come out in the order it
 * pushed them. */
PYLOG_API void *pylog_internal_ring_pop(pylog_internal_ring *ring);

/* How many pushes have taken a place since creation or the last reset
 * (including any still writing their item), and how many pops have taken
 * an item. Each is a value its count had during the call; with no push or
 * pop under way, pushed - popped is how many items the ring holds (at most
 * `capacity`), and equal counts mean it is empty. */
PYLOG_API uint64_t pylog_internal_ring_pushed(const pylog_internal_ring *ring);
PYLOG_API uint64_t pylog_internal_ring_popped(const pylog_internal_ring *ring);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RING_H_ */
