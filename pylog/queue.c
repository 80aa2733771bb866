/*
 * queue.c: a statement of a thread without the GIL as a record in its
 * thread's buffer (thread_buffer.c), and the record read back for
 * delivery. A deferred record holds the statement's raw arguments, copied
 * by the site's capture plan (capture.c), and is formatted when delivered;
 * any other holds the text formatted at the call, and its extra fields.
 * Either starts with the ticks of the call (ticks.h), which orders records
 * across threads.
 *
 * A record in the buffer: queue_record; for PYLOG_LOG_AT a queue_at, or
 * for a text record a queue_text; then n_kvs pylog_kv; then the body (the
 * captured arguments, or the text unless it is in `heap_text`); then the
 * strings of the kvs. Pointers to the statement's __FILE__, __func__ and
 * target are kept as they are: they are static (pylog.h requires it of
 * PYLOG_LOG_TARGET and PYLOG_LOG_AT; pylog_vlog passes its own copies,
 * never freed). A plain deferred record of "%d %f %s" with a 16-byte
 * string takes 40 + 8 + 8 + 32 bytes, and the ring's 8-byte header.
 *
 * No globals, no locks. GIL: never needed.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/queue.h"
#include "internal/clock.h"
#include "internal/stats.h"
#include "internal/tunables.h"

#include <stdlib.h>
#include <string.h>

/* Bits of queue_record.flags. */
#define QUEUE_DEFERRED 1      /* the body is captured arguments, formatted
                                 by the site's plan (site->capture) */
#define QUEUE_AT 2            /* a queue_at follows: PYLOG_LOG_AT's origin */
#define QUEUE_TEXT 4          /* a queue_text follows: a text record */
#define QUEUE_PYTHON_THREAD 8 /* the caller had a Python thread state */

/* Every record starts so: 40 bytes, all a plain deferred record needs (its
 * origin is its site's descriptor). */
typedef struct queue_record {
    uint64_t ticks; /* first: thread_buffer.c merges on it */
    pylog_internal_site *site;
    const char *target;
    uint32_t body_size; /* captured bytes, or the text's length */
    int32_t call_errno; /* for a deferred %m */
    uint32_t n_kvs;     /* pylog_kv after the optional parts (text only) */
    uint16_t level;
    uint16_t flags; /* QUEUE_* */
} queue_record;

/* PYLOG_LOG_AT's origin, after the record when QUEUE_AT. */
typedef struct queue_at {
    const char *file;
    const char *func;
    int64_t line;
} queue_at;

/* A text record's origin and text, after the record when QUEUE_TEXT. */
typedef struct queue_text {
    const char *unit_file;
    const char *file;
    const char *func;
    char *heap_text; /* a long text, owned; NULL: in the body */
    int64_t time_ns; /* 0: from `ticks` */
    int64_t line;
    int64_t origin_given;
} queue_text;

/* A plan that says "not deferred", so the format is parsed only once. */
static const char queue_no_plan;

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

const pylog_internal_capture_plan *
pylog_internal_queue_plan(pylog_internal_site *site, const char *fmt)
{
    void *plan, *expected = NULL;
    pylog_internal_capture_plan *fresh;

    /* Only a site whose format is the constant its descriptor names: the
       plan points to it, for the life of the process. */
    if (site->format != fmt || fmt == NULL) {
        return NULL;
    }
    /* acquire: pairs with the release below; a plan is immutable */
    plan = __atomic_load_n(&site->capture, __ATOMIC_ACQUIRE);
    if (__builtin_expect(plan == NULL, 0)) {
        /* The site's first deferred statement: parse once. */
        fresh = pylog_internal_capture_plan_new(fmt);
        plan = fresh != NULL ? (void *)fresh : (void *)&queue_no_plan;
        /* release: the plan is built before it is seen; a thread that
           lost the race uses the winner's */
        if (!__atomic_compare_exchange_n(&site->capture, &expected, plan, 0,
                                         __ATOMIC_RELEASE,
                                         __ATOMIC_ACQUIRE)) {
            pylog_internal_capture_plan_free(fresh);
            plan = expected;
        }
    }
    return plan != &queue_no_plan ? (const pylog_internal_capture_plan *)plan
                                  : NULL;
}

/* The fields every record has. */
static void
queue_fill(queue_record *record, const site_call *call, int flags)
{
    record->site = call->site;
    record->target = call->target;
    record->level = (uint16_t)call->level; /* 1 .. PYLOG_LEVEL_OFF - 1 */
    /* GIL not needed: reads this thread's own thread-state slot */
    record->flags = (uint16_t)(flags | (PyGILState_GetThisThreadState() != NULL
                                            ? QUEUE_PYTHON_THREAD
                                            : 0));
}

/* A refused record: counted per thread (the total is the caller's). */
static int
queue_full(thread_buffer *buffer)
{
    /* relaxed, no RMW: only this thread writes it */
    __atomic_store_n(&buffer->dropped,
                     __atomic_load_n(&buffer->dropped, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELAXED);
    return QUEUE_FULL;
}

int
pylog_internal_queue_capture(const site_call *call,
                             const pylog_internal_capture_plan *plan,
                             int call_errno, va_list args)
{
    thread_buffer *buffer = pylog_internal_thread_buffer();
    size_t head = sizeof(queue_record) +
                  (call->origin_given ? sizeof(queue_at) : 0);
    queue_record *record;
    queue_at *at;
    size_t used;

    if (buffer == NULL) {
        return QUEUE_NO_BUFFER;
    }
    /* Room for the arguments at their longest; only what they take is
       committed. */
    record = (queue_record *)pylog_internal_spsc_ring_reserve(
        &buffer->ring, head + pylog_internal_capture_max_size(plan));
    if (record == NULL) {
        return queue_full(buffer);
    }
    used = pylog_internal_capture_write(plan, (char *)record + head, args);
    if (used == 0) {
        return QUEUE_DECLINED; /* the reservation is forgotten */
    }
    record->ticks = pylog_internal_ticks();
    queue_fill(record, call, QUEUE_DEFERRED | (call->origin_given ? QUEUE_AT : 0));
    record->body_size = (uint32_t)used;
    record->call_errno = call_errno;
    record->n_kvs = 0;
    if (call->origin_given) {
        at = (queue_at *)(record + 1);
        at->file = call->file;
        at->func = call->func;
        at->line = call->line;
    }
    /* release (inside): the consumer sees the whole record */
    pylog_internal_spsc_ring_commit(&buffer->ring, head + used);
    return QUEUE_WRITTEN;
}

static size_t
queue_string_size(const char *text)
{
    return text != NULL ? strlen(text) + 1 : 0;
}

/* Copy `text` (length bytes) to *cursor and advance it. */
static char *
queue_copy(char **cursor, const char *text, size_t length)
{
    char *copy = *cursor;

    memcpy(copy, text, length);
    *cursor += length;
    return copy;
}

int
pylog_internal_queue_text(const site_call *call, message *msg,
                          int64_t time_ns)
{
    const pylog_internal_extra *extra = call->extra;
    size_t n_kvs = extra != NULL ? extra->n_kvs : 0, kept = 0;
    int inline_text = msg->length <= PYLOG_TUNE_INLINE_TEXT_BYTES;
    size_t size = sizeof(queue_record) + sizeof(queue_text) +
                  n_kvs * sizeof(pylog_kv) + (inline_text ? msg->length : 0);
    thread_buffer *buffer = pylog_internal_thread_buffer();
    queue_record *record;
    queue_text *text;
    pylog_kv *kvs;
    char *cursor;

    if (buffer == NULL) {
        return QUEUE_NO_BUFFER;
    }
    for (size_t i = 0; i < n_kvs; i++) {
        size += queue_string_size(extra->kvs[i].key);
        if (extra->kvs[i].type == PYLOG_KV_TYPE_STR) {
            size += queue_string_size(extra->kvs[i].value.str);
        }
    }
    record = (queue_record *)pylog_internal_spsc_ring_reserve(&buffer->ring,
                                                              size);
    if (record == NULL) {
        return queue_full(buffer);
    }
    text = (queue_text *)(record + 1);
    text->heap_text = NULL;
    if (!inline_text) {
        /* A long text stays where the caller formatted it, when that was
           the heap; else it is copied there. */
        text->heap_text = msg->heap;
        if (text->heap_text == NULL) {
            text->heap_text = (char *)malloc(msg->length);
            if (text->heap_text == NULL) {
                return QUEUE_NO_BUFFER; /* the reservation is forgotten */
            }
            memcpy(text->heap_text, msg->text, msg->length);
        }
        msg->heap = NULL;
    }
    queue_fill(record, call, QUEUE_TEXT);
    record->body_size = (uint32_t)msg->length;
    record->call_errno = 0;
    text->unit_file = call->unit_file;
    text->file = call->file;
    text->func = call->func;
    text->line = call->line;
    text->origin_given = call->origin_given;
    text->time_ns = time_ns;
    kvs = (pylog_kv *)(text + 1);
    cursor = (char *)(kvs + n_kvs);
    if (inline_text) {
        queue_copy(&cursor, msg->text, msg->length);
    }
    for (size_t i = 0; i < n_kvs; i++) {
        const pylog_kv *kv = &extra->kvs[i];
        pylog_kv *copy = &kvs[kept];

        /* An object can be neither borrowed nor copied without the GIL. */
        if (kv->key == NULL || kv->type == PYLOG_KV_TYPE_OBJ) {
            pylog_internal_stats_count(STATS_ERRORS);
            continue;
        }
        *copy = *kv;
        copy->key = queue_copy(&cursor, kv->key, strlen(kv->key) + 1);
        if (kv->type == PYLOG_KV_TYPE_STR && kv->value.str != NULL) {
            copy->value.str = queue_copy(&cursor, kv->value.str,
                                         strlen(kv->value.str) + 1);
        }
        kept++;
    }
    record->n_kvs = (uint32_t)kept;
    record->ticks = pylog_internal_ticks();
    /* release (inside): the consumer sees the whole record */
    pylog_internal_spsc_ring_commit(&buffer->ring,
                                    (size_t)(cursor - (char *)record));
    return QUEUE_WRITTEN;
}

int
pylog_internal_queue_read(const thread_buffer *buffer, const void *payload,
                          const pylog_internal_ticks_now *now,
                          queue_view *view)
{
    const queue_record *record = (const queue_record *)payload;
    const pylog_internal_site *site = record->site;
    const queue_text *text = (const queue_text *)(record + 1);
    const queue_at *at = (const queue_at *)(record + 1);
    const char *body;

    view->call.site = record->site;
    view->call.level = record->level;
    view->call.target = record->target;
    view->origin.time_ns = pylog_internal_ticks_realtime(record->ticks, now);
    if (record->flags & QUEUE_TEXT) {
        view->call.unit_file = text->unit_file;
        view->call.file = text->file;
        view->call.func = text->func;
        view->call.line = (int)text->line;
        view->call.origin_given = (int)text->origin_given;
        if (text->time_ns != 0) {
            view->origin.time_ns = text->time_ns;
        }
        view->extra.kvs = (const pylog_kv *)(text + 1);
    }
    else {
        view->call.unit_file = site->file;
        view->call.file = record->flags & QUEUE_AT ? at->file : site->file;
        view->call.func = record->flags & QUEUE_AT ? at->func : site->func;
        view->call.line = record->flags & QUEUE_AT ? (int)at->line
                                                   : site->line;
        view->call.origin_given = (record->flags & QUEUE_AT) != 0;
        view->extra.kvs = (const pylog_kv *)(record->flags & QUEUE_AT
                                                 ? (const void *)(at + 1)
                                                 : (const void *)(record + 1));
    }
    view->extra.exc_info = 0;
    view->extra.n_kvs = record->n_kvs;
    view->call.extra = record->n_kvs > 0 ? &view->extra : NULL;
    view->origin.thread_id = buffer->thread_id;
    view->origin.python_thread = (record->flags & QUEUE_PYTHON_THREAD) != 0;
    memcpy(view->origin.thread_name, buffer->thread_name,
           sizeof view->origin.thread_name);
    body = (const char *)(view->extra.kvs + record->n_kvs);
    if (record->flags & QUEUE_DEFERRED) {
        /* acquire: the plan was published before the statement that
           captured with it, which happened before this record's commit */
        return pylog_internal_message_replay(
            &view->msg,
            (const pylog_internal_capture_plan *)__atomic_load_n(
                &record->site->capture, __ATOMIC_ACQUIRE),
            body, record->call_errno);
    }
    view->msg.heap = NULL;
    view->msg.text = text->heap_text != NULL ? text->heap_text : body;
    view->msg.length = record->body_size;
    return 0;
}

void
pylog_internal_queue_release(const void *payload, queue_view *view)
{
    pylog_internal_message_release(&view->msg);
    pylog_internal_queue_forget(payload);
}

void
pylog_internal_queue_forget(const void *payload)
{
    const queue_record *record = (const queue_record *)payload;

    if (record->flags & QUEUE_TEXT) {
        free(((const queue_text *)(record + 1))->heap_text);
    }
}

#undef QUEUE_DEFERRED
#undef QUEUE_AT
#undef QUEUE_TEXT
#undef QUEUE_PYTHON_THREAD
