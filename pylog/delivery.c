/*
 * delivery.c: how a statement that passed pylog's filters reaches Python.
 * A thread holding the GIL delivers at once, after what is queued; a thread
 * without it queues the record (PYLOG_DELIVERY_AUTO, never waiting for the
 * GIL) or takes the GIL (PYLOG_DELIVERY_SYNC). pylog's delivery thread
 * empties the queue; pylog_flush(); fork and exit.
 *
 * Globals:
 *   delivery_lock      guards delivery_state and the two condition
 *                      variables' predicates; held for a few instructions,
 *                      never while waiting for the GIL or inside Python.
 *   delivery_wake      the delivery thread sleeps on it (delivery_sleeping).
 *   delivery_progress  pylog_flush() without the GIL sleeps on it; broadcast
 *                      after every drain.
 *   delivery_state     the delivery thread's life (STATE_*).
 *   delivery_sleeping  atomic (seq_cst RMWs): the delivery thread is about
 *                      to wait or waiting; producers signal only then (see
 *                      delivery_wake_thread for the handshake).
 *   delivery_drainer   atomic flag: one thread at a time delivers queued
 *                      records, so they reach Python in queue order even
 *                      when a handler lets the GIL go mid-delivery.
 *   delivery_overflow  atomic: records dropped for a full queue that no
 *                      drop notice has reported yet.
 *   delivery_mode      atomic copy of pylog_config.delivery.
 * Thread-locals:
 *   delivery_depth     deliveries this thread is inside (a handler that
 *                      logs through pylog); deeper than DELIVERY_MAX_DEPTH,
 *                      records are dropped and counted.
 *   delivery_draining  this thread holds delivery_drainer.
 * Lock order: the GIL, then delivery_lock. A thread holding delivery_lock
 * never waits for the GIL, and a thread holding the GIL never waits for
 * another thread: it delivers queued records itself.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/config.h"
#include "internal/delivery.h"
#include "internal/record_origin.h"
#include "internal/stats.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#define DELIVERY_MAX_DEPTH 3
/* The delivery thread lets the GIL go after this many records. */
#define DELIVERY_BATCH 64
/* How long exit waits for the delivery thread to finish a record; past it,
 * the thread (stuck in a handler) is left behind rather than hang exit. */
#define DELIVERY_JOIN_SECONDS 10

/* The delivery thread's life: NONE (may be started), RUNNING, STOPPING
 * (asked to end), CLOSED (pylog is closing or closed, or the interpreter
 * went away: none may start until the next install). */
enum { STATE_NONE, STATE_RUNNING, STATE_STOPPING, STATE_CLOSED };

static pthread_mutex_t delivery_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t delivery_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t delivery_progress = PTHREAD_COND_INITIALIZER;
static pthread_t delivery_thread;
static int delivery_state = STATE_CLOSED;
static int delivery_sleeping;
static int delivery_drainer;
static uint64_t delivery_overflow;
static int delivery_mode = PYLOG_DELIVERY_AUTO;
static pthread_once_t delivery_fork_once = PTHREAD_ONCE_INIT;
static __thread int delivery_depth;
static __thread int delivery_draining;

static void delivery_start_thread(void);

/* Make sure a waiting delivery thread sees what was just queued: the
 * thread swaps delivery_sleeping to 1 and then checks the queue; a producer
 * pushes and then reads delivery_sleeping with a read-modify-write. Both
 * are RMWs on one variable, so one of them comes first: if the producer's
 * reads 0, the thread's swap reads the producer's write and synchronises
 * with it, so its check sees the record; else the producer sees 1 and
 * signals. A record is never left waiting for a sleeper. */
static void
delivery_wake_thread(void)
{
    /* relaxed: a stale STATE_NONE only costs a trip through the lock */
    if (__atomic_load_n(&delivery_state, __ATOMIC_RELAXED) == STATE_NONE) {
        delivery_start_thread();
    }
    if (__atomic_fetch_or(&delivery_sleeping, 0, __ATOMIC_SEQ_CST)) {
        /* delivery_lock: the handshake; released right below. */
        pthread_mutex_lock(&delivery_lock);
        __atomic_store_n(&delivery_sleeping, 0, __ATOMIC_SEQ_CST);
        pthread_cond_signal(&delivery_wake);
        pthread_mutex_unlock(&delivery_lock);
    }
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

/* Give the flag back; records queued meanwhile go to the delivery thread. */
static void
delivery_give_drainer(void)
{
    delivery_draining = 0;
    /* seq_cst: before delivery_wake_thread's RMW, so the delivery thread,
       if it saw the flag taken, is woken (see there) */
    __atomic_store_n(&delivery_drainer, 0, __ATOMIC_SEQ_CST);
    if (!pylog_internal_queue_empty()) {
        delivery_wake_thread();
    }
}

/* Deliver one popped record and release it. GIL: held, exception saved. */
static void
delivery_deliver_pending(pending *record, compat_exception *saved)
{
    pylog_internal_extra extra = {0, record->kvs, record->n_kvs};
    site_call call = {record->site,  record->level,
                      record->target, record->file,
                      record->func,  record->line,
                      record->n_kvs > 0 ? &extra : NULL};

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
    delivery_wake_thread();
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

    pylog_internal_compat_exception_save(&saved);
    /* acquire: pairs with delivery_give_drainer's release */
    if (delivery_draining ||
        (__atomic_load_n(&delivery_drainer, __ATOMIC_ACQUIRE) == 0 &&
         pylog_internal_queue_empty())) {
        /* Nothing queued, or a handler of our own drain logging. */
        delivery_now(call, msg, origin, &saved);
    }
    else if (delivery_take_drainer()) {
        /* Queued records first: they were logged before this one. */
        delivery_drain(delivery_backlog(), &saved);
        delivery_now(call, msg, origin, &saved);
        delivery_give_drainer();
    }
    else if (own_objects || !delivery_queue_behind(call, msg, origin)) {
        /* Another thread is inside a drain, parked in Python while we hold
           the GIL; queueing behind it (above) keeps this thread's order,
           but a full queue or Python objects leave only: now. */
        delivery_now(call, msg, origin, &saved);
    }
    pylog_internal_compat_exception_restore(&saved);
}

void
pylog_internal_delivery_emit(const site_call *call, const message *msg)
{
    pending_origin origin;
    PyGILState_STATE gil;
    pending *record;

    if (pylog_internal_bridge_closed() || delivery_depth >= DELIVERY_MAX_DEPTH) {
        pylog_internal_stats_count(STATS_DROPPED);
        return;
    }
    if (pylog_internal_compat_holds_gil()) {
        delivery_with_gil(call, msg, NULL);
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
    delivery_wake_thread();
}

int
pylog_internal_delivery_enabled(const site_call *call)
{
    if (pylog_internal_bridge_closed()) {
        return 0;
    }
    if (pylog_internal_compat_holds_gil() ||
        __atomic_load_n(&delivery_mode, __ATOMIC_RELAXED) ==
            PYLOG_DELIVERY_SYNC) {
        return pylog_internal_bridge_enabled(call);
    }
    /* AUTO without the GIL: asking Python would mean waiting for it. The
       filters passed; the logger's level decides when the record arrives. */
    return 1;
}

/* The delivery thread: sleeps until records wait and no other thread is
 * delivering them, then takes the GIL and delivers a batch. */
static void *
delivery_main(void *unused)
{
    PyGILState_STATE gil;
    compat_exception saved;
    sigset_t signals;

    (void)unused;
    /* Signals belong to the application's threads, not to this one. */
    sigfillset(&signals);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
#ifdef __linux__
    pthread_setname_np(pthread_self(), "pylog-delivery");
#endif
    for (;;) {
        /* delivery_lock: the sleep handshake; released before the GIL. */
        pthread_mutex_lock(&delivery_lock);
        for (;;) {
            if (delivery_state == STATE_STOPPING) {
                pthread_mutex_unlock(&delivery_lock);
                return NULL;
            }
            /* seq_cst RMW: see delivery_wake_thread */
            __atomic_exchange_n(&delivery_sleeping, 1, __ATOMIC_SEQ_CST);
            if (!pylog_internal_queue_empty() &&
                __atomic_load_n(&delivery_drainer, __ATOMIC_SEQ_CST) == 0) {
                __atomic_store_n(&delivery_sleeping, 0, __ATOMIC_SEQ_CST);
                break;
            }
            pthread_cond_wait(&delivery_wake, &delivery_lock);
        }
        pthread_mutex_unlock(&delivery_lock);
        if (pylog_internal_bridge_closed()) {
            /* The interpreter is going: never touch it again. Records left
               are counted as dropped at the next install. */
            int joining;

            /* delivery_lock: the state change; released right below.
               STOPPING means a thread is about to join this one. */
            pthread_mutex_lock(&delivery_lock);
            joining = delivery_state == STATE_STOPPING;
            if (!joining) {
                __atomic_store_n(&delivery_state, STATE_CLOSED,
                                 __ATOMIC_RELAXED);
                pthread_cond_broadcast(&delivery_progress);
            }
            pthread_mutex_unlock(&delivery_lock);
            if (!joining) {
                pthread_detach(pthread_self());
            }
            return NULL;
        }
        /* The only place pylog waits for the GIL on its own behalf. */
        gil = PyGILState_Ensure();
        if (delivery_take_drainer()) {
            pylog_internal_compat_exception_save(&saved);
            delivery_drain(DELIVERY_BATCH, &saved);
            pylog_internal_compat_exception_restore(&saved);
            delivery_give_drainer();
        }
        PyGILState_Release(gil);
    }
}

static void
delivery_start_thread(void)
{
    /* delivery_lock: guards delivery_state; pthread_create does not wait
       for the new thread. Released right below. */
    pthread_mutex_lock(&delivery_lock);
    if (delivery_state == STATE_NONE &&
        pthread_create(&delivery_thread, NULL, delivery_main, NULL) == 0) {
        __atomic_store_n(&delivery_state, STATE_RUNNING, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&delivery_lock);
}

/* Deliver everything queued now, unless another thread is delivering it.
 * GIL: held. */
static void
delivery_flush_with_gil(void)
{
    compat_exception saved;

    if (delivery_depth > 0) {
        return; /* from a handler pylog is delivering to: that goes on */
    }
    /* Another thread delivering the queue is parked inside Python (we hold
       the GIL): it delivers the rest, in order. Delivering alongside it
       would let a record overtake the one it holds, and waiting for it
       could wait for a lock this thread holds. */
    if (!delivery_take_drainer()) {
        return;
    }
    pylog_internal_compat_exception_save(&saved);
    delivery_drain(delivery_backlog(), &saved);
    pylog_internal_compat_exception_restore(&saved);
    delivery_give_drainer();
}

int
pylog_flush(void)
{
    PyGILState_STATE gil;
    uint64_t target;
    int running;

    if (pylog_internal_slot_generation() == 0 ||
        pylog_internal_bridge_closed()) {
        return PYLOG_ERR_NOT_INSTALLED;
    }
    if (pylog_internal_compat_holds_gil()) {
        delivery_flush_with_gil();
        return PYLOG_OK;
    }
    target = pylog_internal_queue_pushed();
    if (pylog_internal_queue_finished() >= target) {
        return PYLOG_OK;
    }
    delivery_wake_thread();
    /* delivery_lock: held only between checks; cond_wait releases it. */
    pthread_mutex_lock(&delivery_lock);
    while ((running = delivery_state == STATE_RUNNING) &&
           pylog_internal_queue_finished() < target) {
        pthread_cond_wait(&delivery_progress, &delivery_lock);
    }
    pthread_mutex_unlock(&delivery_lock);
    if (!running && pylog_internal_queue_finished() < target &&
        !pylog_internal_bridge_closed()) {
        /* No delivery thread (it could not be started): deliver here. */
        gil = PyGILState_Ensure();
        delivery_flush_with_gil();
        PyGILState_Release(gil);
    }
    return PYLOG_OK;
}

/* Stop the delivery thread and wait for it, the GIL released meanwhile
 * (it may be waiting for the GIL to finish its batch). GIL: held. */
static void
delivery_stop_thread(void)
{
    int joinable;

    /* delivery_lock: the state change; released before the join. From
       here on no delivery thread starts (STOPPING, then CLOSED). */
    pthread_mutex_lock(&delivery_lock);
    joinable = delivery_state == STATE_RUNNING;
    __atomic_store_n(&delivery_state,
                     joinable ? STATE_STOPPING : STATE_CLOSED,
                     __ATOMIC_RELAXED);
    pthread_cond_signal(&delivery_wake);
    pthread_cond_broadcast(&delivery_progress);
    pthread_mutex_unlock(&delivery_lock);
    if (joinable) {
        Py_BEGIN_ALLOW_THREADS
#ifdef __linux__
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += DELIVERY_JOIN_SECONDS;
        if (pthread_timedjoin_np(delivery_thread, NULL, &deadline) != 0) {
            pthread_detach(delivery_thread);
        }
#else
        pthread_join(delivery_thread, NULL);
#endif
        Py_END_ALLOW_THREADS
    }
    /* delivery_lock: the state change; released right below. */
    pthread_mutex_lock(&delivery_lock);
    __atomic_store_n(&delivery_state, STATE_CLOSED, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&delivery_lock);
}

static void
delivery_before_fork(void)
{
    pylog_internal_slot_fork(PYLOG_INTERNAL_FORK_PREPARE);
    pylog_internal_config_fork(PYLOG_INTERNAL_FORK_PREPARE);
    /* delivery_lock: held across fork() so the child's copy is consistent;
       released in both processes right after. */
    pthread_mutex_lock(&delivery_lock);
}

static void
delivery_after_fork_parent(void)
{
    pthread_mutex_unlock(&delivery_lock);
    pylog_internal_config_fork(PYLOG_INTERNAL_FORK_PARENT);
    pylog_internal_slot_fork(PYLOG_INTERNAL_FORK_PARENT);
}

/* The child has one thread, this one: no delivery thread, nobody draining;
 * the parent's queued records stay the parent's. */
static void
delivery_after_fork_child(void)
{
    pthread_mutex_unlock(&delivery_lock);
    pthread_cond_init(&delivery_wake, NULL);
    pthread_cond_init(&delivery_progress, NULL);
    if (delivery_state != STATE_CLOSED) {
        delivery_state = STATE_NONE; /* started again on demand */
    }
    delivery_sleeping = 0;
    delivery_drainer = 0;
    delivery_draining = 0;
    delivery_overflow = 0;
    pylog_internal_queue_after_fork();
    pylog_internal_record_after_fork_child();
    pylog_internal_config_fork(PYLOG_INTERNAL_FORK_CHILD);
    pylog_internal_slot_fork(PYLOG_INTERNAL_FORK_CHILD);
}

static void
delivery_register_fork(void)
{
    pthread_atfork(delivery_before_fork, delivery_after_fork_parent,
                   delivery_after_fork_child);
}

int
pylog_internal_delivery_open(int mode, size_t queue_capacity)
{
    if (pylog_internal_queue_open(queue_capacity) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    pthread_once(&delivery_fork_once, delivery_register_fork);
    /* Drops of an earlier installation are in the stats; this interpreter
       is not told about them. */
    __atomic_store_n(&delivery_overflow, 0, __ATOMIC_RELAXED);
    /* delivery_lock: the state change; released right below. A thread
       that ended on its own (CLOSED) has detached itself. */
    pthread_mutex_lock(&delivery_lock);
    if (delivery_state == STATE_CLOSED) {
        __atomic_store_n(&delivery_state, STATE_NONE, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&delivery_lock);
    /* relaxed: the release store of the new generation publishes it */
    __atomic_store_n(&delivery_mode, mode, __ATOMIC_RELAXED);
    return 0;
}

void
pylog_internal_delivery_close(void)
{
    /* GIL: held. What is queued is delivered before the thread stops, and
       what arrives while it stops, after. */
    delivery_flush_with_gil();
    delivery_stop_thread();
    delivery_flush_with_gil();
}
