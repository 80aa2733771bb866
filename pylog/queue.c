/*
 * queue.c: the bounded queue of records from threads without the GIL
 * (Dmitry Vyukov's bounded MPMC ring: one CAS per push or pop, no lock), and
 * the copy of a statement that travels through it.
 *
 * Globals:
 *   queue_current   the open ring; loaded with acquire by every producer.
 *                   Rings are never freed (see queue_open), so a producer
 *                   that loaded an older ring writes into valid memory.
 *   queue_retired   rings replaced by a new capacity, kept reachable.
 *   queue_pool      a ring of free QUEUE_BLOCK_BYTES blocks (QUEUE_POOL_BLOCKS
 *                   of them in queue_blocks) that records small enough are
 *                   copied into, so a push costs no malloc and a delivery no
 *                   free into another thread's arena. Made at the first open,
 *                   never freed; a record that finds it empty, or does not
 *                   fit, is malloc'd.
 * No lock: producers are any thread; consumers hold the GIL.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/queue.h"
#include "internal/stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_BLOCK_BYTES 256
#define QUEUE_POOL_BLOCKS 1024

typedef struct queue_cell {
    uint64_t sequence; /* atomic: the position this cell is ready for */
    void *item;        /* written before `sequence` is released */
} queue_cell;

typedef struct queue_ring {
    struct queue_ring *retired_next;
    size_t capacity;
    /* Producers' and consumers' positions on separate cache lines, so a
       push and a pop do not contend on one line. */
    uint64_t head __attribute__((aligned(64))); /* atomic: next push */
    uint64_t tail __attribute__((aligned(64))); /* atomic: next pop */
    uint64_t finished;                          /* atomic: pops finished */
    queue_cell cells[];
} queue_ring;

static queue_ring *queue_current;
static queue_ring *queue_retired;
static queue_ring *queue_pool;
static char *queue_blocks;

static int queue_ring_push(queue_ring *ring, void *item);
static void *queue_ring_pop(queue_ring *ring);

static size_t
pending_string_size(const char *text)
{
    return text != NULL ? strlen(text) + 1 : 0;
}

/* Copy `text` (length bytes) to *cursor and advance it. */
static char *
pending_copy(char **cursor, const char *text, size_t length)
{
    char *copy = *cursor;

    memcpy(copy, text, length);
    *cursor += length;
    return copy;
}

void
pylog_internal_pending_origin(pending_origin *origin)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    origin->time_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    origin->thread_id = PyThread_get_thread_ident();
    /* GIL not needed: reads this thread's own thread-state slot */
    origin->python_thread = PyGILState_GetThisThreadState() != NULL;
    origin->thread_name[0] = '\0';
    if (!origin->python_thread) {
        /* the whole buffer: NUL terminated inside it, no length to find */
        memcpy(origin->thread_name, pylog_internal_compat_thread_name(),
               sizeof origin->thread_name);
    }
}

pending *
pylog_internal_pending_make(const site_call *call, const message *msg)
{
    const pylog_internal_extra *extra = call->extra;
    size_t n_kvs = extra != NULL ? extra->n_kvs : 0, kept = 0;
    size_t size = sizeof(pending) + n_kvs * sizeof(pylog_kv) + msg->length +
                  pending_string_size(call->target);
    pending *record;
    char *cursor;

    for (size_t i = 0; i < n_kvs; i++) {
        size += pending_string_size(extra->kvs[i].key);
        if (extra->kvs[i].type == PYLOG_KV_TYPE_STR) {
            size += pending_string_size(extra->kvs[i].value.str);
        }
    }
    /* acquire (in the pop): the consumer that pushed the block back is
       done with it */
    record = size <= QUEUE_BLOCK_BYTES && queue_pool != NULL
                 ? (pending *)queue_ring_pop(queue_pool)
                 : NULL;
    if (record != NULL) {
        record->pooled = 1;
    }
    else {
        record = (pending *)malloc(size);
        if (record == NULL) {
            return NULL;
        }
        record->pooled = 0;
    }
    /* Layout: the struct, the kv array (aligned like the struct), then the
       bytes of every string. */
    record->kvs = (pylog_kv *)(record + 1);
    cursor = (char *)(record->kvs + n_kvs);
    record->site = call->site;
    record->level = call->level;
    record->line = call->line;
    record->unit_file = call->unit_file;
    record->file = call->file;
    record->func = call->func;
    record->target = call->target != NULL
                         ? pending_copy(&cursor, call->target,
                                        strlen(call->target) + 1)
                         : NULL;
    record->text = pending_copy(&cursor, msg->text, msg->length);
    record->length = msg->length;
    for (size_t i = 0; i < n_kvs; i++) {
        const pylog_kv *kv = &extra->kvs[i];
        pylog_kv *copy = &record->kvs[kept];

        /* An object can be neither borrowed nor copied without the GIL. */
        if (kv->key == NULL || kv->type == PYLOG_KV_TYPE_OBJ) {
            pylog_internal_stats_count(STATS_ERRORS);
            continue;
        }
        *copy = *kv;
        copy->key = pending_copy(&cursor, kv->key, strlen(kv->key) + 1);
        if (kv->type == PYLOG_KV_TYPE_STR && kv->value.str != NULL) {
            copy->value.str = pending_copy(&cursor, kv->value.str,
                                           strlen(kv->value.str) + 1);
        }
        kept++;
    }
    record->n_kvs = kept;
    pylog_internal_pending_origin(&record->origin);
    return record;
}

static queue_ring *
queue_ring_new(size_t capacity)
{
    void *memory;
    queue_ring *ring;

    if (posix_memalign(&memory, 64,
                       sizeof(queue_ring) + capacity * sizeof(queue_cell)) !=
        0) {
        return NULL;
    }
    ring = (queue_ring *)memory;
    ring->retired_next = NULL;
    ring->capacity = capacity;
    ring->head = ring->tail = ring->finished = 0;
    for (size_t i = 0; i < capacity; i++) {
        ring->cells[i].sequence = i;
        ring->cells[i].item = NULL;
    }
    return ring;
}

void
pylog_internal_pending_free(pending *record)
{
    if (record->pooled) {
        /* release (in the push): the next producer sees us done. Never
           full: the pool's ring has a cell for every block. */
        queue_ring_push(queue_pool, record);
    }
    else {
        free(record);
    }
}

/* Make the pool's ring hold every block: all free. */
static void
queue_pool_fill(void)
{
    for (size_t i = 0; i < QUEUE_POOL_BLOCKS; i++) {
        queue_pool->cells[i].sequence = i + 1;
        queue_pool->cells[i].item = queue_blocks + i * QUEUE_BLOCK_BYTES;
    }
    queue_pool->head = QUEUE_POOL_BLOCKS;
    queue_pool->tail = 0;
}

/* Make the pool once (GIL held, at install); without memory, records are
 * malloc'd. Producers see it through the generation install publishes
 * afterwards (release there, acquire in each statement's slow path). */
static void
queue_pool_open(void)
{
    void *memory;
    queue_ring *pool;

    if (queue_pool != NULL ||
        posix_memalign(&memory, 64, QUEUE_POOL_BLOCKS * QUEUE_BLOCK_BYTES) !=
            0) {
        return;
    }
    pool = queue_ring_new(QUEUE_POOL_BLOCKS);
    if (pool == NULL) {
        free(memory);
        return;
    }
    queue_blocks = (char *)memory;
    queue_pool = pool;
    queue_pool_fill();
}

int
pylog_internal_queue_open(size_t capacity)
{
    /* relaxed: only install (GIL held) stores queue_current */
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_RELAXED);

    queue_pool_open();

    if (ring != NULL && ring->capacity == capacity) {
        /* A statement that passed its check before the last uninstall may
           have pushed after that uninstall emptied the ring. */
        pylog_internal_queue_discard();
        return 0;
    }
    ring = queue_ring_new(capacity);
    if (ring == NULL) {
        return -1;
    }
    if (queue_current != NULL) {
        pylog_internal_queue_discard();
        queue_current->retired_next = queue_retired;
        queue_retired = queue_current;
    }
    /* release: producers that load the ring with acquire see it built */
    __atomic_store_n(&queue_current, ring, __ATOMIC_RELEASE);
    return 0;
}

/* Push `item` into `ring`: 0, or -1 when it is full. Lock-free. */
static int
queue_ring_push(queue_ring *ring, void *item)
{
    queue_cell *cell;
    uint64_t position;

    position = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    for (;;) {
        cell = &ring->cells[position % ring->capacity];
        /* acquire: the consumer that freed this cell is done with it */
        uint64_t sequence = __atomic_load_n(&cell->sequence, __ATOMIC_ACQUIRE);
        int64_t lag = (int64_t)(sequence - position);

        if (lag == 0) {
            /* relaxed: the cell's sequence, not head, publishes the data;
               on failure `position` is reloaded and we retry */
            if (__atomic_compare_exchange_n(&ring->head, &position,
                                            position + 1, 1, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                break;
            }
        }
        else if (lag < 0) {
            return -1; /* the cell holds the record of one lap ago: full */
        }
        else {
            position = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
        }
    }
    cell->item = item;
    /* release: a consumer that sees the sequence sees the record */
    __atomic_store_n(&cell->sequence, position + 1, __ATOMIC_RELEASE);
    return 0;
}

/* Pop the oldest item of `ring`, or NULL when none is ready. Lock-free. */
static void *
queue_ring_pop(queue_ring *ring)
{
    queue_cell *cell;
    uint64_t position;
    void *item;

    position = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
    for (;;) {
        cell = &ring->cells[position % ring->capacity];
        /* acquire: pairs with the producer's release of the sequence */
        uint64_t sequence = __atomic_load_n(&cell->sequence, __ATOMIC_ACQUIRE);
        int64_t lag = (int64_t)(sequence - (position + 1));

        if (lag == 0) {
            if (__atomic_compare_exchange_n(&ring->tail, &position,
                                            position + 1, 1, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                break;
            }
        }
        else if (lag < 0) {
            return NULL; /* empty, or the next producer is mid-push */
        }
        else {
            position = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
        }
    }
    item = cell->item;
    /* release: the next lap's producer may reuse the cell */
    __atomic_store_n(&cell->sequence, position + ring->capacity,
                     __ATOMIC_RELEASE);
    return item;
}

int
pylog_internal_queue_push(pending *record)
{
    /* acquire: pairs with queue_open's release */
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return ring != NULL ? queue_ring_push(ring, record) : -1;
}

pending *
pylog_internal_queue_pop(void)
{
    /* acquire: pairs with queue_open's release */
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return ring != NULL ? (pending *)queue_ring_pop(ring) : NULL;
}

void
pylog_internal_queue_done(void)
{
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    if (ring != NULL) {
        /* release: a flush that sees the count sees the delivery's effects */
        __atomic_fetch_add(&ring->finished, 1, __ATOMIC_RELEASE);
    }
}

uint64_t
pylog_internal_queue_pushed(void)
{
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return ring != NULL ? __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) : 0;
}

uint64_t
pylog_internal_queue_finished(void)
{
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return ring != NULL ? __atomic_load_n(&ring->finished, __ATOMIC_ACQUIRE)
                        : 0;
}

int
pylog_internal_queue_empty(void)
{
    queue_ring *ring = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return ring == NULL || __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) ==
                               __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
}

void
pylog_internal_queue_discard(void)
{
    pending *record;

    while ((record = pylog_internal_queue_pop()) != NULL) {
        pylog_internal_pending_free(record);
        pylog_internal_stats_count(STATS_DROPPED);
        pylog_internal_queue_done();
    }
}

void
pylog_internal_queue_after_fork(void)
{
    queue_ring *ring = queue_current;
    pending *record;

    if (ring == NULL) {
        return;
    }
    /* The parent delivers these; a push that was half done when fork()
       copied memory leaves its cell, and those behind it, unreadable, so
       they are abandoned and the positions start over. */
    while ((record = pylog_internal_queue_pop()) != NULL) {
        if (!record->pooled) {
            free(record); /* a pooled one stays out of the pool: see below */
        }
    }
    ring->head = ring->tail = ring->finished = 0;
    for (size_t i = 0; i < ring->capacity; i++) {
        ring->cells[i].sequence = i;
        ring->cells[i].item = NULL;
    }
    /* The pool is left as fork() copied it: a pop or push that was half
       done there only makes its blocks unreachable (records then fall back
       to malloc), and refilling it could hand out a block that a delivery
       under way on this thread (a handler that forked) still holds. */
}
