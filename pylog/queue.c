/*
 * queue.c: a statement of a thread without the GIL as a record in its
 * thread's buffer (thread_buffer.c), and the record read back for
 * delivery. A deferred record holds the statement's raw arguments, copied
 * by the site's capture plan (capture.c), and is formatted when delivered;
 * any other holds the text formatted at the call, and its extra fields.
 * Either starts with the ticks of the call (ticks.h), which orders records
 * across threads.
 *
 * A record in the buffer: queue_record, then n_kvs pylog_kv, then the body
 * (the captured arguments, or the text unless it is in `heap_text`), then
 * the strings of the kvs and the target. Pointers to the statement's
 * __FILE__, __func__ and target are kept as they are: they are static
 * (pylog.h requires it of PYLOG_LOG_TARGET and PYLOG_LOG_AT; pylog_vlog
 * passes its own copies, never freed).
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

typedef struct queue_record {
    uint64_t ticks; /* first: thread_buffer.c merges on it */
    pylog_internal_site *site;
    const char *unit_file;
    const char *file;
    const char *func;
    const char *target;
    const pylog_internal_capture_plan *plan; /* NULL: a text record */
    char *heap_text;                         /* a long text, owned */
    int64_t time_ns;                         /* 0: from `ticks` */
    uint32_t body_size;  /* captured bytes, or the text's length */
    uint32_t n_kvs;
    int line;
    int level;
    int call_errno;
    unsigned char origin_given;
    unsigned char python_thread;
} queue_record;

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
    /* acquire: pairs with the release below; a plan is immutable */
    void *plan = __atomic_load_n(&site->capture, __ATOMIC_ACQUIRE);
    void *expected = NULL;
    pylog_internal_capture_plan *fresh;

    if (__builtin_expect(plan != NULL, 1)) {
        return plan != &queue_no_plan &&
                       pylog_internal_capture_plan_format(
                           (const pylog_internal_capture_plan *)plan) == fmt
                   ? (const pylog_internal_capture_plan *)plan
                   : NULL;
    }
    /* Only a site whose format is the constant its descriptor names: the
       plan points to it, for the life of the process. */
    if (site->format == NULL || site->format != fmt) {
        return NULL;
    }
    /* The site's first deferred statement: parse once. */
    fresh = pylog_internal_capture_plan_new(fmt);
    plan = fresh != NULL ? (void *)fresh : (void *)&queue_no_plan;
    /* release: the plan is built before it is seen; a thread that lost
       the race uses the winner's */
    if (!__atomic_compare_exchange_n(&site->capture, &expected, plan, 0,
                                     __ATOMIC_RELEASE, __ATOMIC_ACQUIRE)) {
        pylog_internal_capture_plan_free(fresh);
        plan = expected;
    }
    return plan != &queue_no_plan ? (const pylog_internal_capture_plan *)plan
                                  : NULL;
}

/* The fields every record has. */
static void
queue_fill(queue_record *record, const site_call *call)
{
    record->site = call->site;
    record->unit_file = call->unit_file;
    record->file = call->file;
    record->func = call->func;
    record->target = call->target;
    record->line = call->line;
    record->level = call->level;
    record->origin_given = (unsigned char)call->origin_given;
    /* GIL not needed: reads this thread's own thread-state slot */
    record->python_thread = PyGILState_GetThisThreadState() != NULL;
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
    queue_record *record;
    size_t used;

    if (buffer == NULL) {
        return QUEUE_NO_BUFFER;
    }
    /* Room for the arguments at their longest; only what they take is
       committed. */
    record = (queue_record *)pylog_internal_spsc_ring_reserve(
        &buffer->ring,
        sizeof(queue_record) + pylog_internal_capture_max_size(plan));
    if (record == NULL) {
        return queue_full(buffer);
    }
    used = pylog_internal_capture_write(plan, record + 1, args);
    if (used == 0) {
        return QUEUE_DECLINED; /* the reservation is forgotten */
    }
    record->ticks = pylog_internal_ticks();
    queue_fill(record, call);
    record->plan = plan;
    record->heap_text = NULL;
    record->time_ns = 0;
    record->body_size = (uint32_t)used;
    record->n_kvs = 0;
    record->call_errno = call_errno;
    /* release (inside): the consumer sees the whole record */
    pylog_internal_spsc_ring_commit(&buffer->ring, sizeof(queue_record) + used);
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
    size_t size = sizeof(queue_record) + n_kvs * sizeof(pylog_kv) +
                  (inline_text ? msg->length : 0) +
                  queue_string_size(call->target);
    thread_buffer *buffer = pylog_internal_thread_buffer();
    queue_record *record;
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
    if (!inline_text) {
        /* A long text stays where the caller formatted it, when that was
           the heap; else it is copied there. */
        record->heap_text = msg->heap;
        if (record->heap_text == NULL) {
            record->heap_text = (char *)malloc(msg->length);
            if (record->heap_text == NULL) {
                return QUEUE_NO_BUFFER;
            }
            memcpy(record->heap_text, msg->text, msg->length);
        }
        msg->heap = NULL;
    }
    else {
        record->heap_text = NULL;
    }
    queue_fill(record, call);
    record->plan = NULL;
    record->time_ns = time_ns;
    record->body_size = (uint32_t)msg->length;
    record->call_errno = 0;
    cursor = (char *)((pylog_kv *)(record + 1) + n_kvs);
    if (inline_text) {
        queue_copy(&cursor, msg->text, msg->length);
    }
    if (call->target != NULL) {
        /* PYLOG_LOG_TARGET's is static, but a GIL holder's queued record
           may come from pylog_vlog with any target: copied to be safe */
        record->target = queue_copy(&cursor, call->target,
                                    strlen(call->target) + 1);
    }
    for (size_t i = 0; i < n_kvs; i++) {
        const pylog_kv *kv = &extra->kvs[i];
        pylog_kv *copy = (pylog_kv *)(record + 1) + kept;

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
    const pylog_kv *kvs = (const pylog_kv *)(record + 1);
    const char *body = (const char *)(kvs + record->n_kvs);

    view->call.site = record->site;
    view->call.level = record->level;
    view->call.target = record->target;
    view->call.unit_file = record->unit_file;
    view->call.file = record->file;
    view->call.func = record->func;
    view->call.line = record->line;
    view->call.origin_given = record->origin_given;
    view->extra.exc_info = 0;
    view->extra.kvs = kvs;
    view->extra.n_kvs = record->n_kvs;
    view->call.extra = record->n_kvs > 0 ? &view->extra : NULL;
    view->origin.time_ns =
        record->time_ns != 0
            ? record->time_ns
            : pylog_internal_ticks_realtime(record->ticks, now);
    view->origin.thread_id = buffer->thread_id;
    view->origin.python_thread = record->python_thread;
    memcpy(view->origin.thread_name, buffer->thread_name,
           sizeof view->origin.thread_name);
    if (record->plan != NULL) {
        return pylog_internal_message_replay(&view->msg, record->plan, body,
                                             record->call_errno);
    }
    view->msg.heap = NULL;
    view->msg.text = record->heap_text != NULL ? record->heap_text : body;
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
    free(((const queue_record *)payload)->heap_text);
}
