/*
 * thread_buffer.c: the per-thread buffers of records waiting for Python.
 * A thread's first queued statement makes its buffer (a single-producer
 * ring, spsc_ring.h) and links it into a list; from then on its statements
 * write into it with no lock, no atomic read-modify-write and no malloc.
 * The one thread at a time that delivers (delivery.c's drainer, GIL held)
 * reads every buffer, oldest record first by the records' ticks, and frees
 * a buffer once its thread has ended (a pthread key's destructor says so)
 * and everything in it is delivered.
 *
 * Globals:
 *   buffers_list    the buffers, newest first; linked under buffers_lock,
 *                   published with release (walkers load with acquire).
 *   buffers_lock    guards adding to and unlinking from the list, and
 *                   walks by threads without the GIL; never held while
 *                   waiting for anything else.
 *   buffers_shape   the sizes of buffers made from now on, and a serial
 *                   of them (atomic); a buffer of another shape is
 *                   replaced at its thread's next statement.
 *   buffers_serial  the last buffer's serial (under buffers_lock).
 *   buffers_key     the pthread key whose destructor marks a buffer ended.
 * Thread-locals:
 *   buffers_own     the calling thread's buffer.
 * GIL: freeing a buffer happens with it held (collect), so a GIL holder
 * may walk the list without the lock.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/thread_buffer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buffers_shape_t {
    size_t bytes;
    uint64_t records;
    uint64_t serial; /* 0: no buffers open */
} buffers_shape_t;

static thread_buffer *buffers_list;
static pthread_mutex_t buffers_lock = PTHREAD_MUTEX_INITIALIZER;
static buffers_shape_t buffers_shape;
static uint64_t buffers_shape_serial; /* atomic: buffers_shape.serial */
static uint64_t buffers_serial;
static pthread_key_t buffers_key;
static pthread_once_t buffers_key_once = PTHREAD_ONCE_INIT;
static __thread thread_buffer *buffers_own;

/* The key's destructor: the thread is ending; its buffer is freed once
 * delivered. */
static void
buffers_thread_ended(void *value)
{
    thread_buffer *buffer = (thread_buffer *)value;

    if (buffers_own == buffer) {
        buffers_own = NULL;
    }
    /* release: the consumer that sees it ended sees its last commit */
    __atomic_store_n(&buffer->ended, 1, __ATOMIC_RELEASE);
}

static void
buffers_key_make(void)
{
    (void)pthread_key_create(&buffers_key, buffers_thread_ended);
}

void
pylog_internal_thread_buffers_lock(void)
{
    pthread_mutex_lock(&buffers_lock);
}

void
pylog_internal_thread_buffers_unlock(void)
{
    pthread_mutex_unlock(&buffers_lock);
}

/* Make and link the calling thread's buffer of the current shape. */
static thread_buffer *
buffers_make(void)
{
    thread_buffer *buffer;
    void *memory;

    pthread_once(&buffers_key_once, buffers_key_make);
    if (posix_memalign(&memory, 64, sizeof(thread_buffer)) != 0) {
        return NULL;
    }
    buffer = (thread_buffer *)memory;
    memset(buffer, 0, sizeof *buffer);
    /* buffers_lock: the shape and the list; released right below. */
    pthread_mutex_lock(&buffers_lock);
    buffer->shape = buffers_shape.serial;
    if (buffer->shape == 0 ||
        pylog_internal_spsc_ring_init(&buffer->ring, buffers_shape.bytes,
                                      buffers_shape.records) < 0) {
        pthread_mutex_unlock(&buffers_lock);
        free(buffer);
        return NULL;
    }
    buffer->serial = ++buffers_serial;
    buffer->thread_id = PyThread_get_thread_ident();
    memcpy(buffer->thread_name, pylog_internal_compat_thread_name(),
           sizeof buffer->thread_name);
    buffer->next = buffers_list;
    /* release: a walker that loads the list sees the buffer built */
    __atomic_store_n(&buffers_list, buffer, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&buffers_lock);
    (void)pthread_setspecific(buffers_key, buffer);
    return buffer;
}

thread_buffer *
pylog_internal_thread_buffer(void)
{
    thread_buffer *own = buffers_own;
    /* relaxed: the serial is stored before the generation that publishes
       it, which this statement loaded with acquire */
    uint64_t shape = __atomic_load_n(&buffers_shape_serial, __ATOMIC_RELAXED);

    if (__builtin_expect(own != NULL && own->shape == shape, 1)) {
        return own;
    }
    if (own != NULL) {
        /* Another installation's sizes: the old buffer is delivered and
           freed as if its thread had ended; this thread starts a new one. */
        (void)pthread_setspecific(buffers_key, NULL); /* freed when drained */
        __atomic_store_n(&own->ended, 1, __ATOMIC_RELEASE);
        buffers_own = NULL;
    }
    buffers_own = buffers_make();
    return buffers_own;
}

int
pylog_internal_thread_buffers_open(size_t bytes, uint64_t records)
{
    if (bytes < PYLOG_INTERNAL_SPSC_RING_MIN ||
        bytes > PYLOG_INTERNAL_SPSC_RING_MAX || records == 0) {
        return -1;
    }
    /* buffers_lock: the shape; released right below. */
    pthread_mutex_lock(&buffers_lock);
    if (buffers_shape.serial == 0 || buffers_shape.bytes != bytes ||
        buffers_shape.records != records) {
        buffers_shape.bytes = bytes;
        buffers_shape.records = records;
        buffers_shape.serial++;
        /* relaxed: published by the generation install starts after */
        __atomic_store_n(&buffers_shape_serial, buffers_shape.serial,
                         __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&buffers_lock);
    return 0;
}

thread_buffer *
pylog_internal_thread_buffers_first(void)
{
    /* acquire: pairs with buffers_make's release */
    return __atomic_load_n(&buffers_list, __ATOMIC_ACQUIRE);
}

thread_buffer *
pylog_internal_thread_buffer_next(const thread_buffer *buffer)
{
    /* acquire: the link was made before the buffer was published; unlinks
       happen under the lock or the GIL the walker holds */
    return __atomic_load_n(&buffer->next, __ATOMIC_ACQUIRE);
}

thread_buffer *
pylog_internal_thread_buffers_oldest(void **payload, size_t *size)
{
    thread_buffer *oldest = NULL;
    void *record, *best = NULL;
    size_t length, best_size = 0;
    uint64_t best_ticks = 0, ticks;

    for (thread_buffer *buffer = pylog_internal_thread_buffers_first();
         buffer != NULL; buffer = pylog_internal_thread_buffer_next(buffer)) {
        record = pylog_internal_spsc_ring_peek(&buffer->ring, &length);
        if (record == NULL) {
            continue;
        }
        memcpy(&ticks, record, sizeof ticks); /* every payload starts so */
        if (oldest == NULL || ticks < best_ticks) {
            oldest = buffer;
            best = record;
            best_size = length;
            best_ticks = ticks;
        }
    }
    *payload = best;
    *size = best_size;
    return oldest;
}

uint64_t
pylog_internal_thread_buffer_held(const thread_buffer *buffer)
{
    /* relaxed both: a count for decisions that re-check; `committed` is
       the producer's and `released` the consumer's */
    return __atomic_load_n(&buffer->ring.committed, __ATOMIC_RELAXED) -
           __atomic_load_n(&buffer->ring.released, __ATOMIC_RELAXED);
}

uint64_t
pylog_internal_thread_buffers_pending(void)
{
    uint64_t pending = 0;

    for (thread_buffer *buffer = pylog_internal_thread_buffers_first();
         buffer != NULL; buffer = pylog_internal_thread_buffer_next(buffer)) {
        pending += pylog_internal_thread_buffer_held(buffer);
    }
    return pending;
}

void
pylog_internal_thread_buffers_collect(void)
{
    thread_buffer **link, *buffer;

    /* buffers_lock: unlinking; released right below. Freed with the GIL
       held (the caller's), so no GIL holder is walking. */
    pthread_mutex_lock(&buffers_lock);
    link = &buffers_list;
    while ((buffer = *link) != NULL) {
        /* acquire: pairs with buffers_thread_ended's release; after it,
           no commit can come, so an empty ring stays empty */
        if (__atomic_load_n(&buffer->ended, __ATOMIC_ACQUIRE) &&
            pylog_internal_spsc_ring_tail(&buffer->ring) ==
                pylog_internal_spsc_ring_head(&buffer->ring)) {
            __atomic_store_n(link, buffer->next, __ATOMIC_RELEASE);
            pylog_internal_spsc_ring_destroy(&buffer->ring);
            free(buffer);
            continue;
        }
        link = &buffer->next;
    }
    pthread_mutex_unlock(&buffers_lock);
}

/* Release every record of `buffer` unread, each through `forget`. */
static uint64_t
buffers_empty_out(thread_buffer *buffer, void (*forget)(const void *))
{
    uint64_t dropped = 0;
    size_t size;
    void *record;

    while ((record = pylog_internal_spsc_ring_peek(&buffer->ring, &size)) !=
           NULL) {
        forget(record);
        pylog_internal_spsc_ring_release(&buffer->ring);
        dropped++;
    }
    return dropped;
}

uint64_t
pylog_internal_thread_buffers_discard(void (*forget)(const void *payload))
{
    uint64_t dropped = 0;

    for (thread_buffer *buffer = pylog_internal_thread_buffers_first();
         buffer != NULL; buffer = pylog_internal_thread_buffer_next(buffer)) {
        dropped += buffers_empty_out(buffer, forget);
    }
    pylog_internal_thread_buffers_collect();
    return dropped;
}

void
pylog_internal_thread_buffers_drops(char *out, size_t size)
{
    size_t used = 0;
    int written;

    out[0] = '\0';
    for (thread_buffer *buffer = pylog_internal_thread_buffers_first();
         buffer != NULL; buffer = pylog_internal_thread_buffer_next(buffer)) {
        /* relaxed: a count, written by the buffer's thread alone */
        uint64_t dropped = __atomic_load_n(&buffer->dropped, __ATOMIC_RELAXED);

        if (dropped == buffer->reported) {
            continue;
        }
        written = used < size
                      ? snprintf(out + used, size - used, "%sthread %lu '%s' %llu",
                                 used > 0 ? ", " : "", buffer->thread_id,
                                 buffer->thread_name,
                                 (unsigned long long)(dropped -
                                                      buffer->reported))
                      : 0;
        buffer->reported = dropped;
        if (written < 0 || used + (size_t)written >= size) {
            if (size >= 4) {
                memcpy(out + size - 4, "...", 4);
            }
            used = size;
            continue; /* the rest are marked reported too */
        }
        used += (size_t)written;
    }
}

int
pylog_internal_thread_buffers_mark(thread_buffers_mark *mark)
{
    size_t n = 0;

    /* buffers_lock: a consistent list; released right below. */
    pthread_mutex_lock(&buffers_lock);
    for (thread_buffer *buffer = buffers_list; buffer != NULL;
         buffer = buffer->next) {
        n++;
    }
    mark->n = 0;
    mark->at = n > 0 ? (struct thread_buffers_mark_at *)malloc(
                           n * sizeof *mark->at)
                     : NULL;
    if (n > 0 && mark->at == NULL) {
        pthread_mutex_unlock(&buffers_lock);
        return -1;
    }
    for (thread_buffer *buffer = buffers_list; buffer != NULL;
         buffer = buffer->next) {
        /* acquire: everything before the position was committed before */
        uint64_t tail = pylog_internal_spsc_ring_tail(&buffer->ring);

        if (pylog_internal_spsc_ring_head(&buffer->ring) < tail) {
            mark->at[mark->n].buffer = buffer;
            mark->at[mark->n].serial = buffer->serial;
            mark->at[mark->n].tail = tail;
            mark->n++;
        }
    }
    pthread_mutex_unlock(&buffers_lock);
    return 0;
}

int
pylog_internal_thread_buffers_reached(const thread_buffers_mark *mark)
{
    int reached = 1;

    /* buffers_lock: the buffers named by the mark are compared with the
       list, not dereferenced, until found in it; released right below. */
    pthread_mutex_lock(&buffers_lock);
    for (size_t i = 0; reached && i < mark->n; i++) {
        for (thread_buffer *buffer = buffers_list; buffer != NULL;
             buffer = buffer->next) {
            if (buffer == mark->at[i].buffer &&
                buffer->serial == mark->at[i].serial) {
                /* a freed buffer was drained: absent means reached */
                reached = pylog_internal_spsc_ring_head(&buffer->ring) >=
                          mark->at[i].tail;
                break;
            }
        }
    }
    pthread_mutex_unlock(&buffers_lock);
    return reached;
}

void
pylog_internal_thread_buffers_mark_free(thread_buffers_mark *mark)
{
    free(mark->at);
    mark->at = NULL;
    mark->n = 0;
}

void
pylog_internal_thread_buffers_after_fork(void (*forget)(const void *payload))
{
    thread_buffer *buffer, *next, *own = buffers_own;

    /* Only this thread exists: no lock is needed, and buffers_lock may
       have been held by a thread that is gone. */
    pthread_mutex_init(&buffers_lock, NULL);
    for (buffer = buffers_list; buffer != NULL; buffer = next) {
        next = buffer->next;
        (void)buffers_empty_out(buffer, forget);
        if (buffer != own) {
            pylog_internal_spsc_ring_destroy(&buffer->ring);
            free(buffer);
        }
    }
    buffers_list = own;
    if (own != NULL) {
        own->next = NULL;
        own->dropped = 0;
        own->thread_id = PyThread_get_thread_ident();
    }
}
