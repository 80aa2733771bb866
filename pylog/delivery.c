/*
 * delivery.c: how a statement that passed pylog's filters reaches Python.
 * A thread holding the GIL delivers at once, after what is queued; a thread
 * without it queues the record (PYLOG_DELIVERY_AUTO, never waiting for the
 * GIL) or takes the GIL (PYLOG_DELIVERY_SYNC). The worker thread (worker.c)
 * empties the queue; pylog_flush() waits until what was queued before it
 * has been delivered, whoever delivers it.
 *
 * Globals:
 *   delivery_lock      guards nothing but the progress condition's wait;
 *                      held for a few instructions, never while waiting
 *                      for the GIL or inside Python.
 *   delivery_progress  pylog_flush() sleeps on it; broadcast after every
 *                      drain.
 *   delivery_drainer   atomic flag: one thread at a time delivers queued
 *                      records, so they reach Python in queue order even
 *                      when a handler lets the GIL go mid-delivery.
 *   delivery_overflow  atomic: records dropped for a full queue that no
 *                      drop notice has reported yet.
 *   delivery_mode      atomic copy of pylog_config.delivery.
 *   delivery_stall_ms  atomic copy of pylog_config.flush_stall_ms.
 * Thread-locals:
 *   delivery_depth     deliveries this thread is inside (a handler that
 *                      logs through pylog); deeper than PYLOG_TUNE_MAX_DEPTH,
 *                      records are dropped and counted.
 *   delivery_fork_depth  delivery_depth when this thread forked, in the
 *                      child: the deliveries it is inside belong to the
 *                      parent (see delivery_inside).
 *   delivery_draining  this thread holds delivery_drainer.
 * Lock order: the GIL, then delivery_lock. A thread holding delivery_lock
 * never waits for the GIL; a thread holding the GIL waits for another
 * thread only in pylog_flush, with the GIL released.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/clock.h"
#include "internal/delivery.h"
#include "internal/generation.h"
#include "internal/stats.h"
#include "internal/tunables.h"
#include "internal/worker.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t delivery_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t delivery_progress = PTHREAD_COND_INITIALIZER;
static int delivery_drainer;
static uint64_t delivery_overflow;
static int delivery_mode = PYLOG_DELIVERY_AUTO;
static long delivery_stall_ms = PYLOG_TUNE_FLUSH_STALL_MS;
static __thread int delivery_depth;
static __thread int delivery_fork_depth;
static __thread int delivery_draining;

/* Nonzero when this thread is inside a delivery of this process (a handler
 * pylog is delivering to, or something it called). In a fork() child, the
 * deliveries the forking thread was inside are the parent's: they neither
 * count nor stop the child's own flush. */
int
pylog_internal_delivery_inside(void)
{
    if (delivery_depth < delivery_fork_depth) {
        delivery_fork_depth = delivery_depth; /* unwound past the fork */
    }
    return delivery_depth > delivery_fork_depth;
}

/* Tell pylog_flush() waiters that records were finished. */
static void
delivery_signal_progress(void)
{
    /* delivery_lock: the broadcast; released right below. */
    pthread_mutex_lock(&delivery_lock);
    pthread_cond_broadcast(&delivery_progress);
    pthread_mutex_unlock(&delivery_lock);
}

static int
delivery_take_drainer(void)
{
    int expected = 0;

    /* acquire: pairs with delivery_give_drainer's release */
    if (__atomic_compare_exchange_n(&delivery_drainer, &expected, 1, 0,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        delivery_draining = 1;
        return 1;
    }
    return 0;
}

/* Give the flag back; records queued meanwhile go to the worker. */
static void
delivery_give_drainer(void)
{
    delivery_draining = 0;
    /* seq_cst: before pylog_internal_worker_wake's RMW, so the worker, if
       it saw the flag taken, is woken (see worker.c) */
    __atomic_store_n(&delivery_drainer, 0, __ATOMIC_SEQ_CST);
    if (!pylog_internal_queue_empty()) {
        pylog_internal_worker_wake();
    }
}

/* Deliver one popped record and release it. GIL: held, exception saved. */
static void
delivery_deliver_pending(pending *record, compat_exception *saved)
{
    pylog_internal_extra extra = {0, record->kvs, record->n_kvs};
    site_call call = {record->site,
                      record->level,
                      record->target,
                      record->unit_file,
                      record->file,
                      record->func,
                      record->line,
                      record->n_kvs > 0 ? &extra : NULL,
                      record->origin_given};

    delivery_depth++;
    pylog_internal_bridge_deliver(&call, record->text, record->length,
                                  &record->origin, saved);
    delivery_depth--;
    pylog_internal_pending_free(record);
    pylog_internal_queue_done();
}

/* Deliver up to `limit` queued records, oldest first, after a drop notice
 * if records were lost since the last one. GIL: held, exception saved;
 * the caller holds the drainer flag. */
static void
delivery_drain(uint64_t limit, compat_exception *saved)
{
    /* relaxed: a counter publishes no other data */
    uint64_t dropped = __atomic_exchange_n(&delivery_overflow, 0,
                                           __ATOMIC_RELAXED);
    pending *record;

    if (dropped > 0) {
        pylog_internal_bridge_drop_notice(dropped);
    }
    for (uint64_t n = 0; n < limit; n++) {
        record = pylog_internal_queue_pop();
        if (record == NULL) {
            break;
        }
        delivery_deliver_pending(record, saved);
    }
    delivery_signal_progress();
}

/* Records queued now: an upper bound for one drain, so a thread that drains
 * on its way to its own record cannot be kept there by new arrivals. */
static uint64_t
delivery_backlog(void)
{
    return pylog_internal_queue_pushed() - pylog_internal_queue_finished();
}

/* Queue a statement of a thread that holds the GIL. 1 when queued, 0 when
 * the queue is full or memory short (nothing queued). */
static int
delivery_queue_behind(const site_call *call, const message *msg,
                      const pending_origin *origin)
{
    pending *record = pylog_internal_pending_make(call, msg);

    if (record == NULL) {
        return 0;
    }
    if (origin != NULL) {
        record->origin = *origin; /* before the push: then it is not ours */
    }
    if (pylog_internal_queue_push(record) < 0) {
        pylog_internal_pending_free(record);
        return 0;
    }
    pylog_internal_worker_wake();
    return 1;
}

/* Deliver this thread's own statement now. GIL: held, exception saved. */
static void
delivery_now(const site_call *call, const message *msg,
             const pending_origin *origin, compat_exception *saved)
{
    delivery_depth++;
    pylog_internal_bridge_deliver(call, msg->text, msg->length, origin,
                                  saved);
    delivery_depth--;
}


/* A statement on a thread that holds the GIL. `origin` is NULL when the
 * record is made now on this thread, else the call's origin (SYNC mode on a
 * thread that had to take the GIL). */
static void
delivery_with_gil(const site_call *call, const message *msg,
                  const pending_origin *origin)
{
    int own_objects = call->extra != NULL &&
                      (call->extra->exc_info || call->extra->n_kvs > 0);
    compat_exception saved;
    PyThreadState *released;
    int status;

    pylog_internal_compat_exception_save(&saved);
    for (;;) {
        /* acquire: pairs with delivery_give_drainer's release */
        if (delivery_draining ||
            (__atomic_load_n(&delivery_drainer, __ATOMIC_ACQUIRE) == 0 &&
             pylog_internal_queue_empty())) {
            /* Nothing queued, or a handler of our own drain logging. */
            delivery_now(call, msg, origin, &saved);
            break;
        }
        if (delivery_take_drainer()) {
            /* Queued records first: they were logged before this one. */
            delivery_drain(delivery_backlog(), &saved);
            delivery_now(call, msg, origin, &saved);
            delivery_give_drainer();
            break;
        }
        /* Another thread is inside a drain, parked in Python while we hold
           the GIL: queueing behind it keeps this thread's order. */
        if (!own_objects && delivery_queue_behind(call, msg, origin)) {
            break;
        }
        /* It cannot queue (the queue is full, or the record holds Python
           objects): let the GIL go until the drain makes progress, and try
           again, so that it never overtakes this thread's queued records.
           Inside a delivery of its own (a handler that logs), or when the
           drain stalls, the record goes now. */
        if (pylog_internal_delivery_inside()) {
            delivery_now(call, msg, origin, &saved);
            break;
        }
        released = PyEval_SaveThread();
        status = pylog_internal_delivery_wait(pylog_internal_queue_finished() + 1);
        PyEval_RestoreThread(released);
        if (status == DELIVERY_WAIT_STALLED) {
            delivery_now(call, msg, origin, &saved);
            break;
        }
    }
    pylog_internal_compat_exception_restore(&saved);
}

void
pylog_internal_delivery_emit(const site_call *call, const message *msg)
{
    pending_origin origin;
    PyGILState_STATE gil;
    pending *record;
    int holds;

    if (pylog_internal_bridge_closed() ||
        delivery_depth - delivery_fork_depth >= PYLOG_TUNE_MAX_DEPTH) {
        pylog_internal_stats_count(STATS_DROPPED);
        return;
    }
    holds = pylog_internal_compat_gil();
    if (holds == COMPAT_GIL_MAIN) {
        delivery_with_gil(call, msg, NULL);
        return;
    }
    if (holds == COMPAT_GIL_OTHER) {
        /* Inside a sub-interpreter: its records are not the main
           interpreter's to handle, and its objects are not pylog's. */
        pylog_internal_stats_count(STATS_DROPPED);
        return;
    }
    /* relaxed: the mode is stored before the generation that publishes it */
    if (__atomic_load_n(&delivery_mode, __ATOMIC_RELAXED) ==
        PYLOG_DELIVERY_SYNC) {
        /* The caller asked to wait for the GIL. The origin is taken before,
           so a thread Python does not know is not named "Dummy-N". */
        pylog_internal_pending_origin(&origin);
        gil = PyGILState_Ensure();
        delivery_with_gil(call, msg, &origin);
        PyGILState_Release(gil);
        return;
    }
    record = pylog_internal_pending_make(call, msg);
    if (record == NULL) {
        pylog_internal_stats_count(STATS_DROPPED);
        return;
    }
    if (pylog_internal_queue_push(record) < 0) {
        pylog_internal_pending_free(record);
        pylog_internal_stats_count(STATS_DROPPED);
        /* relaxed: a counter publishes no other data */
        __atomic_fetch_add(&delivery_overflow, 1, __ATOMIC_RELAXED);
        return;
    }
    pylog_internal_worker_wake();
}

int
pylog_internal_delivery_enabled(const site_call *call)
{
    int holds;

    if (pylog_internal_bridge_closed()) {
        return 0;
    }
    holds = pylog_internal_compat_gil();
    if (holds == COMPAT_GIL_OTHER) {
        return 0; /* a sub-interpreter: its statements are dropped */
    }
    if (holds == COMPAT_GIL_MAIN ||
        __atomic_load_n(&delivery_mode, __ATOMIC_RELAXED) ==
            PYLOG_DELIVERY_SYNC) {
        return pylog_internal_bridge_enabled(call);
    }
    /* AUTO without the GIL: asking Python would mean waiting for it. The
       filters passed; the logger's level decides when the record arrives. */
    return 1;
}

/* The worker's `ready`: records wait and no other thread delivers them.
 * seq_cst: the reads of the worker.c handshake. */
static int
delivery_ready(void)
{
    return !pylog_internal_queue_empty() &&
           __atomic_load_n(&delivery_drainer, __ATOMIC_SEQ_CST) == 0;
}

/* The worker's `work`: a batch under the GIL. -1 when the interpreter is
 * going: never touch it again (records left are counted as dropped at the
 * next install). */
static int
delivery_work(void)
{
    PyGILState_STATE gil;
    compat_exception saved;

    if (pylog_internal_bridge_closed()) {
        delivery_signal_progress(); /* flush waiters see it has ended */
        return -1;
    }
    /* The only place pylog waits for the GIL on its own behalf. */
    gil = PyGILState_Ensure();
    if (delivery_take_drainer()) {
        pylog_internal_compat_exception_save(&saved);
        delivery_drain(PYLOG_TUNE_DELIVERY_BATCH, &saved);
        pylog_internal_compat_exception_restore(&saved);
        delivery_give_drainer();
    }
    PyGILState_Release(gil);
    return 0;
}

/* Deliver everything queued now, unless another thread is delivering it
 * (then pylog_flush waits for it). GIL: held. */
void
pylog_internal_delivery_flush_here(void)
{
    compat_exception saved;

    /* Another thread delivering the queue is parked inside Python (we hold
       the GIL): it delivers the rest, in order. Delivering alongside it
       would let a record overtake the one it holds. */
    if (!delivery_take_drainer()) {
        return;
    }
    pylog_internal_compat_exception_save(&saved);
    delivery_drain(delivery_backlog(), &saved);
    pylog_internal_compat_exception_restore(&saved);
    delivery_give_drainer();
}

/* Wait, without the GIL, until the records pushed before `target` are
 * finished. DELIVERY_WAIT_STALLED when none was finished for delivery_stall_ms;
 * DELIVERY_WAIT_NOBODY when no thread delivers them (the worker is not running and
 * no drain is under way). */
int
pylog_internal_delivery_wait(uint64_t target)
{
    /* relaxed: stored before the generation that publishes it */
    long stall_ms = __atomic_load_n(&delivery_stall_ms, __ATOMIC_RELAXED);
    uint64_t finished, seen = pylog_internal_queue_finished();
    struct timespec stall_end = pylog_internal_clock_after_ms(stall_ms), slice;
    int status = DELIVERY_WAIT_DONE;

    /* delivery_lock: held between checks; the timed wait releases it. A
       drain's broadcast wakes the wait; the 50 ms slices bound how late a
       worker that ended on its own is noticed. */
    pthread_mutex_lock(&delivery_lock);
    while ((finished = pylog_internal_queue_finished()) < target) {
        if (finished != seen) {
            seen = finished;
            stall_end = pylog_internal_clock_after_ms(stall_ms);
        }
        if (pylog_internal_clock_passed(&stall_end)) {
            status = DELIVERY_WAIT_STALLED;
            break;
        }
        if (!pylog_internal_worker_running() &&
            __atomic_load_n(&delivery_drainer, __ATOMIC_ACQUIRE) == 0) {
            status = DELIVERY_WAIT_NOBODY;
            break;
        }
        slice = pylog_internal_clock_after_ms(50);
        pthread_cond_timedwait(&delivery_progress, &delivery_lock, &slice);
    }
    pthread_mutex_unlock(&delivery_lock);
    return status;
}

void
pylog_internal_delivery_fork(int phase)
{
    /* delivery_lock: held across fork() so the child's copy is consistent;
       released in both processes right after. */
    pylog_internal_fork_lock(&delivery_lock, phase);
    pylog_internal_worker_fork(phase);
    if (phase != PYLOG_INTERNAL_FORK_CHILD) {
        return;
    }
    /* The child has one thread, this one: no worker, nobody draining; the
       parent's queued records stay the parent's, and the deliveries this
       thread is inside are the parent's. */
    pthread_cond_init(&delivery_progress, NULL);
    delivery_drainer = 0;
    delivery_draining = 0;
    delivery_overflow = 0;
    delivery_fork_depth = delivery_depth;
    pylog_internal_queue_after_fork();
}

int
pylog_internal_delivery_open(int mode, size_t queue_capacity, long stall_ms)
{
    static const worker_calls calls = {delivery_ready, delivery_work};

    if (pylog_internal_queue_open(queue_capacity) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    /* Drops of an earlier installation are in the stats; this interpreter
       is not told about them. */
    __atomic_store_n(&delivery_overflow, 0, __ATOMIC_RELAXED);
    pylog_internal_worker_open(&calls);
    /* relaxed: the release store of the new generation publishes them */
    __atomic_store_n(&delivery_mode, mode, __ATOMIC_RELAXED);
    __atomic_store_n(&delivery_stall_ms, stall_ms, __ATOMIC_RELAXED);
    return 0;
}

void
pylog_internal_delivery_close(void)
{
    /* GIL: held. What is queued is delivered before the worker stops, and
       what arrives while it stops, after. The GIL is let go while the
       worker is joined: it may be waiting for the GIL to finish its batch. */
    pylog_internal_delivery_flush_here();
    Py_BEGIN_ALLOW_THREADS
    pylog_internal_worker_stop();
    Py_END_ALLOW_THREADS
    pylog_internal_delivery_flush_here();
}
