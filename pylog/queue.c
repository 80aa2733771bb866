/*
 * queue.c: the bounded queue of records from threads without the GIL and
 * the pool of blocks records are copied into, both on the lock-free ring of
 * ring.c, and the copy of a statement that travels through the queue.
 *
 * Globals:
 *   queue_current   the open queue; loaded with acquire by every producer.
 *                   Queues are never freed (see queue_open), so a producer
 *                   that loaded an older one writes into valid memory.
 *   queue_retired   queues replaced by a new capacity, kept reachable.
 *   queue_pool      a ring of free PYLOG_TUNE_POOL_BLOCK_BYTES blocks (up
 *                   to PYLOG_TUNE_POOL_BLOCKS, malloc'd and put in at the first
 *                   open) that records small enough are copied into, so a
 *                   push costs no malloc and a delivery no free into another
 *                   thread's arena. Never freed. A small record that finds
 *                   it empty gets a new block, which joins the pool when
 *                   released; a block the pool refuses is freed (see
 *                   pylog_internal_pending_free). A larger record is
 *                   malloc'd to size and freed.
 * No lock: producers are any thread; consumers hold the GIL.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/clock.h"
#include "internal/queue.h"
#include "internal/ring.h"
#include "internal/stats.h"
#include "internal/tunables.h"

#include <stdlib.h>
#include <string.h>

/* Every capacity pylog_install accepts is one the ring can hold. */
typedef char queue_capacity_fits_the_ring
    [PYLOG_QUEUE_CAPACITY_MAX <= PYLOG_INTERNAL_RING_CAPACITY_MAX ? 1 : -1];

typedef struct queue {
    pylog_internal_ring *ring; /* read by every push and pop */
    struct queue *retired_next;
    /* Written by consumers for every record: a line of its own, away from
       the pointer producers read. */
    uint64_t finished __attribute__((aligned(64))); /* atomic: pops done */
} queue;

static queue *queue_current;
static queue *queue_retired;
static pylog_internal_ring *queue_pool;

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
    origin->time_ns = pylog_internal_clock_realtime_ns();
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
    if (size <= PYLOG_TUNE_POOL_BLOCK_BYTES) {
        /* The ring's pop acquires what the push that gave the block back
           released: whoever had the block is done with it. */
        record = queue_pool != NULL
                     ? (pending *)pylog_internal_ring_pop(queue_pool)
                     : NULL;
        if (record == NULL) {
            record = (pending *)malloc(PYLOG_TUNE_POOL_BLOCK_BYTES);
        }
    }
    else {
        record = (pending *)malloc(size);
    }
    if (record == NULL) {
        return NULL;
    }
    record->pooled = size <= PYLOG_TUNE_POOL_BLOCK_BYTES;
    /* Layout: the struct, the kv array (aligned like the struct), then the
       bytes of every string. */
    record->kvs = (pylog_kv *)(record + 1);
    cursor = (char *)(record->kvs + n_kvs);
    record->site = call->site;
    record->level = call->level;
    record->line = call->line;
    record->unit_file = call->unit_file;
    record->origin_given = call->origin_given;
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

void
pylog_internal_pending_free(pending *record)
{
    /* The ring's push releases: the next taker of the block sees us done
       with it. It refuses the block when the pool holds PYLOG_TUNE_POOL_BLOCKS
       already, and also, for a moment, when a pop of the cell the block
       would go to is still under way on another thread (internal/ring.h):
       then the block is freed, and a new one replaces it when the pool
       runs dry. */
    if (!record->pooled || queue_pool == NULL ||
        pylog_internal_ring_push(queue_pool, record) != 0) {
        free(record);
    }
}

/* Make the pool once (GIL held, at install), as many blocks in it as
 * memory allows; without a pool, every record is malloc'd and freed.
 * Producers see it through the generation install publishes afterwards
 * (release there, acquire in each statement's slow path). */
static void
queue_pool_open(void)
{
    pylog_internal_ring *pool;
    void *block;

    if (queue_pool != NULL) {
        return;
    }
    pool = pylog_internal_ring_new(PYLOG_TUNE_POOL_BLOCKS);
    if (pool == NULL) {
        return;
    }
    for (size_t i = 0; i < PYLOG_TUNE_POOL_BLOCKS; i++) {
        block = malloc(PYLOG_TUNE_POOL_BLOCK_BYTES);
        /* Never refused: no other thread sees the ring yet, and it has
           PYLOG_TUNE_POOL_BLOCKS cells. */
        if (block == NULL || pylog_internal_ring_push(pool, block) != 0) {
            free(block);
            break;
        }
    }
    queue_pool = pool;
}

int
pylog_internal_queue_open(size_t capacity)
{
    /* relaxed: only install (GIL held) stores queue_current */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_RELAXED);
    void *memory;
    queue *fresh;

    queue_pool_open();

    if (current != NULL &&
        pylog_internal_ring_capacity(current->ring) == capacity) {
        /* A statement that passed its check before the last uninstall may
           have pushed after that uninstall emptied the ring. */
        pylog_internal_queue_discard();
        return 0;
    }
    if (posix_memalign(&memory, 64, sizeof(queue)) != 0) {
        return -1;
    }
    fresh = (queue *)memory;
    fresh->ring = pylog_internal_ring_new(capacity);
    if (fresh->ring == NULL) {
        free(fresh);
        return -1;
    }
    fresh->retired_next = NULL;
    fresh->finished = 0;
    if (current != NULL) {
        pylog_internal_queue_discard();
        current->retired_next = queue_retired;
        queue_retired = current;
    }
    /* release: producers that load the queue with acquire see it built */
    __atomic_store_n(&queue_current, fresh, __ATOMIC_RELEASE);
    return 0;
}

int
pylog_internal_queue_push(pending *record)
{
    /* acquire: pairs with queue_open's release */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return current != NULL ? pylog_internal_ring_push(current->ring, record)
                           : -1;
}

pending *
pylog_internal_queue_pop(void)
{
    /* acquire: pairs with queue_open's release */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return current != NULL ? (pending *)pylog_internal_ring_pop(current->ring)
                           : NULL;
}

void
pylog_internal_queue_done(void)
{
    /* acquire: pairs with queue_open's release */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    if (current != NULL) {
        /* release: a flush that sees the count sees the delivery's effects */
        __atomic_fetch_add(&current->finished, 1, __ATOMIC_RELEASE);
    }
}

uint64_t
pylog_internal_queue_pushed(void)
{
    /* acquire: pairs with queue_open's release */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return current != NULL ? pylog_internal_ring_pushed(current->ring) : 0;
}

uint64_t
pylog_internal_queue_finished(void)
{
    /* acquire: pairs with queue_open's release */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    /* acquire: pairs with queue_done's release */
    return current != NULL
               ? __atomic_load_n(&current->finished, __ATOMIC_ACQUIRE)
               : 0;
}

int
pylog_internal_queue_empty(void)
{
    /* acquire: pairs with queue_open's release */
    queue *current = __atomic_load_n(&queue_current, __ATOMIC_ACQUIRE);

    return current == NULL || pylog_internal_ring_pushed(current->ring) ==
                                  pylog_internal_ring_popped(current->ring);
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
    queue *current = queue_current;
    pending *record;

    if (current == NULL) {
        return;
    }
    /* The parent delivers these; a push that was half done when fork()
       copied memory leaves its cell, and those behind it, unreadable, so
       they are abandoned and the positions start over. */
    while ((record = pylog_internal_queue_pop()) != NULL) {
        free(record); /* pooled or not: a pooled block is malloc'd too */
    }
    pylog_internal_ring_reset(current->ring);
    current->finished = 0;
    /* The pool is left as fork() copied it: a pop or push that was half
       done there only makes its block unreachable (and may make the pool
       refuse blocks, which are then freed; new ones replace them), and
       refilling it could hand out a block that a delivery under way on
       this thread (a handler that forked) still holds. */
}
