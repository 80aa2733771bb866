/*
 * drain.c: delivering what threads queued. One thread at a time (the
 * drainer: the delivery thread, or a thread holding the GIL on its way to
 * its own record) takes records from every thread's buffer, oldest ticks
 * first, formats the deferred ones and hands them to the bridge; the
 * delivery thread (worker.c) does it in batches of
 * PYLOG_TUNE_DELIVERY_BATCH per GIL acquisition. pylog_flush() waits here.
 *
 * Order: a thread's records come out in the order it wrote them (its
 * buffer is FIFO). Across threads, each record taken is the one with the
 * smallest ticks among the oldest record of every buffer at that moment:
 * records reach Python in the order they were stamped, except that one
 * stamped but not yet committed (its thread was between reading the
 * counter and publishing the record) can arrive after records stamped
 * later on other threads.
 *
 * Globals:
 *   drain_lock      guards nothing but the progress condition's wait;
 *                   held for a few instructions, never while waiting for
 *                   the GIL or inside Python.
 *   drain_progress  waiters sleep on it; broadcast after every drain.
 *   drain_epoch     atomic: changes when drains under way must be left
 *                   behind: in a fork() child (the buffers were the
 *                   parent's), and when an install abandons a drain of an
 *                   interpreter that has finalized.
 *   drain_flag      atomic: 0, or the drain_epoch in which the thread
 *                   draining took it (a drain left behind can then neither
 *                   give back nor touch what is no longer its own).
 *   drain_finished  atomic: records finished (delivered, failed or
 *                   dropped unread) since the process started; waiters
 *                   watch it for progress.
 *   drain_overflow  atomic: records dropped for a full buffer that no drop
 *                   notice has reported yet.
 *   drain_stall_ms  atomic copy of pylog_config.flush_stall_ms.
 *   drain_worker_state, drain_worker_gil  the delivery thread's Python
 *                   thread state, made by its first batch and kept until
 *                   it ends (making and deleting one per batch, as
 *                   PyGILState_Ensure and _Release do on a thread without
 *                   one, cost about 0.8 us a record: CPython 3.11 unmaps
 *                   the state's frame stack each time). Only that thread
 *                   touches them, and a fork() child, which has no such
 *                   thread, forgets them.
 * Thread-locals:
 *   drain_depth     deliveries this thread is inside (a handler that logs
 *                   through pylog).
 *   drain_fork_depth  drain_depth when this thread forked, in the child:
 *                   the deliveries it is inside belong to the parent.
 *   drain_mine      the drain_flag value this thread took, or 0.
 * Lock order: the GIL, then drain_lock, then the buffers' lock.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/clock.h"
#include "internal/drain.h"
#include "internal/generation.h"
#include "internal/stats.h"
#include "internal/tunables.h"
#include "internal/worker.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t drain_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t drain_progress = PTHREAD_COND_INITIALIZER;
static uint64_t drain_epoch = 1;
static uint64_t drain_flag;
static uint64_t drain_finished;
static uint64_t drain_overflow;
static long drain_stall_ms = PYLOG_TUNE_FLUSH_STALL_MS;
static PyThreadState *drain_worker_state;
static PyGILState_STATE drain_worker_gil;
static __thread int drain_depth;
static __thread int drain_fork_depth;
static __thread uint64_t drain_mine;

int
pylog_internal_drain_depth(void)
{
    if (drain_depth < drain_fork_depth) {
        drain_fork_depth = drain_depth; /* unwound past the fork */
    }
    return drain_depth - drain_fork_depth;
}

/* Tell waiters that records were finished. */
static void
drain_signal_progress(void)
{
    /* drain_lock: the broadcast; released right below. */
    pthread_mutex_lock(&drain_lock);
    pthread_cond_broadcast(&drain_progress);
    pthread_mutex_unlock(&drain_lock);
}

int
pylog_internal_drain_take(void)
{
    uint64_t expected = 0;
    /* relaxed: changed only by install (GIL held, as here) or in a fork()
       child, never while this thread could be taking the flag */
    uint64_t token = __atomic_load_n(&drain_epoch, __ATOMIC_RELAXED);

    /* acquire: pairs with pylog_internal_drain_give's release */
    if (__atomic_compare_exchange_n(&drain_flag, &expected, token, 0,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        drain_mine = token;
        return 1;
    }
    return 0;
}

void
pylog_internal_drain_give(void)
{
    uint64_t mine = drain_mine;

    drain_mine = 0;
    /* seq_cst: before pylog_internal_worker_wake's RMW, so the delivery
       thread, if it saw the flag taken, is woken (see worker.c). Fails,
       changing nothing, for a drain that was left behind. */
    __atomic_compare_exchange_n(&drain_flag, &mine, 0, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_RELAXED);
    if (pylog_internal_thread_buffers_pending() != 0) {
        pylog_internal_worker_wake();
    }
}

void
pylog_internal_drain_abandon(void)
{
    /* A drain under way when the exit hook ran was delivering to that
       interpreter's handlers; it has finalized, and CPython ends (3.8 to
       3.11) or blocks for ever (3.12 on) a thread that wants its GIL. Were
       it to come back all the same (the exit functions run by hand in a
       live interpreter), the epoch tells it that the buffers are no longer
       its to touch. */
    __atomic_add_fetch(&drain_epoch, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&drain_flag, 0, __ATOMIC_RELEASE);
}

int
pylog_internal_drain_mine(void)
{
    return drain_mine != 0;
}

int
pylog_internal_drain_busy(void)
{
    /* acquire: pairs with pylog_internal_drain_give's release */
    return __atomic_load_n(&drain_flag, __ATOMIC_ACQUIRE) != 0;
}

void
pylog_internal_drain_overflow(void)
{
    /* relaxed: a counter publishes no other data */
    __atomic_fetch_add(&drain_overflow, 1, __ATOMIC_RELAXED);
}

void
pylog_internal_drain_deliver(const site_call *call, const char *text,
                             size_t length, const pending_origin *origin,
                             compat_exception *saved)
{
    drain_depth++;
    pylog_internal_bridge_deliver(call, text, length, origin, saved);
    drain_depth--;
}

/* One record finished: counted, with release so a waiter that sees the
 * count sees the delivery's effects. */
static void
drain_finish(void)
{
    __atomic_fetch_add(&drain_finished, 1, __ATOMIC_RELEASE);
}

void
pylog_internal_drain(uint64_t limit, compat_exception *saved)
{
    /* relaxed: a counter publishes no other data */
    uint64_t dropped = __atomic_exchange_n(&drain_overflow, 0,
                                           __ATOMIC_RELAXED);
    uint64_t epoch = __atomic_load_n(&drain_epoch, __ATOMIC_RELAXED);
    pylog_internal_ticks_now now;
    thread_buffer *buffer;
    queue_view view;
    void *record;
    size_t size;
    char threads[256];

    if (dropped > 0) {
        pylog_internal_thread_buffers_drops(threads, sizeof threads);
        pylog_internal_bridge_drop_notice(dropped, threads);
    }
    pylog_internal_ticks_sample(&now);
    for (uint64_t n = 0; n < limit; n++) {
        buffer = pylog_internal_thread_buffers_oldest(&record, &size);
        if (buffer == NULL) {
            break;
        }
        if (pylog_internal_queue_read(buffer, record, &now, &view) < 0) {
            pylog_internal_stats_count(STATS_ERRORS);
            pylog_internal_queue_forget(record);
        }
        else {
            pylog_internal_drain_deliver(&view.call, view.msg.text,
                                         view.msg.length, &view.origin,
                                         saved);
            if (__atomic_load_n(&drain_epoch, __ATOMIC_RELAXED) != epoch) {
                /* Left behind: a handler forked and this is the child
                   (the buffers were the parent's, and are gone or
                   emptied), or an install abandoned this drain. */
                pylog_internal_message_release(&view.msg);
                return;
            }
            pylog_internal_queue_release(record, &view);
        }
        pylog_internal_spsc_ring_release(&buffer->ring);
        drain_finish();
    }
    pylog_internal_thread_buffers_collect();
    drain_signal_progress();
}

uint64_t
pylog_internal_drain_backlog(void)
{
    return pylog_internal_thread_buffers_pending();
}

/* The delivery thread's `ready`: records wait and no other thread
 * delivers them. Without the GIL: the buffers' lock keeps the list whole.
 * seq_cst on the flag: the reads of the worker.c handshake. */
static int
drain_ready(void)
{
    uint64_t pending;

    pylog_internal_thread_buffers_lock();
    pending = pylog_internal_thread_buffers_pending();
    pylog_internal_thread_buffers_unlock();
    return pending != 0 && __atomic_load_n(&drain_flag, __ATOMIC_SEQ_CST) == 0;
}

/* The delivery thread's `work`: a batch under the GIL. -1 when the
 * interpreter is going: never touch it again (records left are counted as
 * dropped at the next install). */
static int
drain_work(void)
{
    compat_exception saved;

    if (pylog_internal_bridge_closed()) {
        /* Its thread state goes with the interpreter. */
        drain_worker_state = NULL;
        drain_signal_progress(); /* waiters see it has ended */
        return -1;
    }
    /* The only place pylog waits for the GIL on its own behalf. */
    if (drain_worker_state == NULL) {
        drain_worker_gil = PyGILState_Ensure();
    }
    else {
        PyEval_RestoreThread(drain_worker_state);
    }
    if (pylog_internal_drain_take()) {
        pylog_internal_compat_exception_save(&saved);
        pylog_internal_drain(PYLOG_TUNE_DELIVERY_BATCH, &saved);
        pylog_internal_compat_exception_restore(&saved);
        pylog_internal_drain_give();
    }
    drain_worker_state = PyEval_SaveThread();
    return 0;
}

/* The delivery thread's `leave`: asked to stop by pylog_internal_worker_stop,
 * whose caller let the GIL go and keeps the interpreter alive until the
 * join; the thread state is deleted. */
static void
drain_leave(void)
{
    if (drain_worker_state != NULL) {
        PyEval_RestoreThread(drain_worker_state);
        drain_worker_state = NULL;
        PyGILState_Release(drain_worker_gil);
    }
}

int
pylog_internal_drain_wait(const thread_buffers_mark *mark)
{
    /* relaxed: stored before the generation that publishes it */
    long stall_ms = __atomic_load_n(&drain_stall_ms, __ATOMIC_RELAXED);
    uint64_t finished, seen = __atomic_load_n(&drain_finished,
                                              __ATOMIC_ACQUIRE);
    struct timespec stall_end = pylog_internal_clock_after_ms(stall_ms), slice;
    int status = DELIVERY_WAIT_DONE;

    /* drain_lock: held between checks; the timed wait releases it. A
       drain's broadcast wakes the wait; the 50 ms slices bound how late a
       delivery thread that ended on its own is noticed. */
    pthread_mutex_lock(&drain_lock);
    for (;;) {
        /* acquire: pairs with drain_finish's release */
        finished = __atomic_load_n(&drain_finished, __ATOMIC_ACQUIRE);
        if (mark != NULL ? pylog_internal_thread_buffers_reached(mark)
                         : finished != seen) {
            break;
        }
        if (finished != seen) {
            seen = finished;
            stall_end = pylog_internal_clock_after_ms(stall_ms);
        }
        if (pylog_internal_clock_passed(&stall_end)) {
            status = DELIVERY_WAIT_STALLED;
            break;
        }
        if (!pylog_internal_worker_running() &&
            __atomic_load_n(&drain_flag, __ATOMIC_ACQUIRE) == 0) {
            status = DELIVERY_WAIT_NOBODY;
            break;
        }
        slice = pylog_internal_clock_after_ms(50);
        pthread_cond_timedwait(&drain_progress, &drain_lock, &slice);
    }
    pthread_mutex_unlock(&drain_lock);
    return status;
}

int
pylog_internal_drain_open(size_t buffer_bytes, uint64_t buffer_records,
                          long stall_ms)
{
    static const worker_calls calls = {drain_ready, drain_work, drain_leave};

    pylog_internal_ticks_open();
    if (pylog_internal_thread_buffers_open(buffer_bytes, buffer_records) <
        0) {
        /* config_check.c refused what is out of range */
        PyErr_SetString(PyExc_SystemError,
                        "pylog: thread buffer sizes out of range");
        return -1;
    }
    /* Left by an earlier installation: dropped, counted. */
    pylog_internal_drain_discard();
    /* Drops of an earlier installation are in the stats; this interpreter
       is not told about them. */
    __atomic_store_n(&drain_overflow, 0, __ATOMIC_RELAXED);
    pylog_internal_worker_open(&calls);
    /* relaxed: the release store of the new generation publishes it */
    __atomic_store_n(&drain_stall_ms, stall_ms, __ATOMIC_RELAXED);
    return 0;
}

void
pylog_internal_drain_discard(void)
{
    uint64_t dropped;

    /* The buffers have one reader: the flag's holder. A thread draining
       now (in a handler that let the GIL go) goes on, and with pylog
       stopped the bridge counts what it takes as dropped. */
    if (!pylog_internal_drain_take()) {
        return;
    }
    dropped =
        pylog_internal_thread_buffers_discard(pylog_internal_queue_forget);
    for (uint64_t i = 0; i < dropped; i++) {
        pylog_internal_stats_count(STATS_DROPPED);
        drain_finish();
    }
    pylog_internal_drain_give();
    drain_signal_progress();
}

void
pylog_internal_drain_fork(int phase)
{
    /* drain_lock: held across fork() so the child's copy is consistent;
       released in both processes right after. */
    pylog_internal_fork_lock(&drain_lock, phase);
    pylog_internal_worker_fork(phase);
    if (phase != PYLOG_INTERNAL_FORK_CHILD) {
        return;
    }
    /* The child has one thread, this one: no delivery thread, nobody
       draining; the parent's queued records stay the parent's, and the
       deliveries this thread is inside are the parent's. */
    pthread_cond_init(&drain_progress, NULL);
    drain_epoch++;
    drain_flag = 0;
    drain_mine = 0;
    drain_worker_state = NULL; /* the parent's thread's, cleared by CPython */
    drain_overflow = 0;
    drain_fork_depth = drain_depth;
    pylog_internal_thread_buffers_after_fork(pylog_internal_queue_forget);
}
