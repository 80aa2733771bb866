/*
 * delivery.c: how a statement that passed pylog's filters reaches Python.
 * A thread holding the GIL delivers at once, after what is queued; a thread
 * without it writes the record into its own buffer (PYLOG_DELIVERY_AUTO,
 * never waiting for the GIL: its raw arguments when the site's format can
 * be deferred, else its text) or takes the GIL (PYLOG_DELIVERY_SYNC).
 * drain.c delivers the buffers.
 *
 * Globals:
 *   delivery_mode   atomic copy of pylog_config.delivery.
 * No locks of its own; a thread holding the GIL waits for another thread
 * only in drain.c's wait, with the GIL released.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/clock.h"
#include "internal/delivery.h"
#include "internal/drain.h"
#include "internal/stats.h"
#include "internal/tunables.h"
#include "internal/worker.h"

static int delivery_mode = PYLOG_DELIVERY_AUTO;

int
pylog_internal_delivery_inside(void)
{
    return pylog_internal_drain_depth() > 0;
}

/* A record refused by a full buffer: dropped, counted, told to Python by
 * the next drain's notice. */
static void
delivery_overflow(void)
{
    pylog_internal_stats_count(STATS_DROPPED);
    pylog_internal_drain_overflow();
}

/* Queue a statement of a thread that holds the GIL behind another
 * thread's drain. 1 when queued, 0 when its buffer already holds
 * PYLOG_TUNE_DELIVERY_BATCH records, is full, or memory is short (nothing
 * queued; the caller waits for the drain instead). The bound keeps what a
 * Python thread can pile up behind a slow handler to one batch, so a drain
 * (at exit too) is not made longer by each thread's whole buffer. */
static int
delivery_queue_behind(const site_call *call, message *msg,
                      const pending_origin *origin)
{
    thread_buffer *own = pylog_internal_thread_buffer();

    if (own == NULL ||
        pylog_internal_thread_buffer_held(own) >= PYLOG_TUNE_DELIVERY_BATCH) {
        return 0;
    }
    if (pylog_internal_queue_text(call, msg,
                                  origin != NULL ? origin->time_ns : 0) !=
        QUEUE_WRITTEN) {
        return 0;
    }
    pylog_internal_worker_wake();
    return 1;
}

/* A statement on a thread that holds the GIL. `origin` is NULL when the
 * record is made now on this thread, else the call's origin (SYNC mode on a
 * thread that had to take the GIL). */
static void
delivery_with_gil(const site_call *call, message *msg,
                  const pending_origin *origin)
{
    int own_objects = call->extra != NULL &&
                      (call->extra->exc_info || call->extra->n_kvs > 0);
    compat_exception saved;
    PyThreadState *released;
    int status;

    pylog_internal_compat_exception_save(&saved);
    for (;;) {
        if (pylog_internal_drain_mine() ||
            (!pylog_internal_drain_busy() &&
             pylog_internal_drain_backlog() == 0)) {
            /* Nothing queued, or a handler of our own drain logging. */
            pylog_internal_drain_deliver(call, msg->text, msg->length,
                                         origin, &saved);
            break;
        }
        if (pylog_internal_drain_take()) {
            /* Queued records first: they were logged before this one. */
            pylog_internal_drain(pylog_internal_drain_backlog(), &saved);
            pylog_internal_drain_deliver(call, msg->text, msg->length,
                                         origin, &saved);
            pylog_internal_drain_give();
            break;
        }
        /* Another thread is inside a drain, parked in Python while we hold
           the GIL: queueing behind it keeps this thread's order. */
        if (!own_objects && delivery_queue_behind(call, msg, origin)) {
            break;
        }
        /* It cannot queue (the buffer is full, or the record holds Python
           objects): let the GIL go until the drain makes progress, and try
           again, so that it never overtakes this thread's queued records.
           Inside a delivery of its own (a handler that logs), or when the
           drain stalls, the record goes now. */
        if (pylog_internal_delivery_inside()) {
            pylog_internal_drain_deliver(call, msg->text, msg->length,
                                         origin, &saved);
            break;
        }
        released = PyEval_SaveThread();
        status = pylog_internal_drain_wait(NULL);
        PyEval_RestoreThread(released);
        if (status == DELIVERY_WAIT_STALLED) {
            pylog_internal_drain_deliver(call, msg->text, msg->length,
                                         origin, &saved);
            break;
        }
    }
    pylog_internal_compat_exception_restore(&saved);
}

/* Nonzero when a statement must be dropped before anything else: pylog is
 * closed, or this thread is nested too deep inside deliveries. */
static int
delivery_refused(void)
{
    if (pylog_internal_bridge_closed() ||
        pylog_internal_drain_depth() >= PYLOG_TUNE_MAX_DEPTH) {
        pylog_internal_stats_count(STATS_DROPPED);
        return 1;
    }
    return 0;
}

int
pylog_internal_delivery_defer(const site_call *call, int call_errno,
                              const char *fmt, va_list args)
{
    const pylog_internal_capture_plan *plan;

    /* The cheap tests first. A plain statement of a thread without any
       GIL, in AUTO mode (relaxed: the mode is stored before the generation
       that publishes it), whose site's format can be deferred. */
    if (call->extra != NULL || call->site == NULL ||
        __atomic_load_n(&delivery_mode, __ATOMIC_RELAXED) !=
            PYLOG_DELIVERY_AUTO ||
        pylog_internal_compat_gil() != COMPAT_GIL_NONE) {
        return 0;
    }
    plan = pylog_internal_queue_plan(call->site, fmt);
    if (plan == NULL) {
        return 0;
    }
    if (delivery_refused()) {
        return 1;
    }
    switch (pylog_internal_queue_capture(call, plan, call_errno, args)) {
    case QUEUE_WRITTEN:
        pylog_internal_worker_nudge();
        return 1;
    case QUEUE_FULL:
        delivery_overflow();
        return 1;
    default:
        return 0; /* formatted at the call, then queued or dropped */
    }
}

void
pylog_internal_delivery_emit(const site_call *call, message *msg)
{
    pending_origin origin;
    PyGILState_STATE gil;
    int holds;

    if (delivery_refused()) {
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
    switch (pylog_internal_queue_text(call, msg, 0)) {
    case QUEUE_WRITTEN:
        pylog_internal_worker_nudge();
        break;
    case QUEUE_FULL:
        delivery_overflow();
        break;
    default:
        pylog_internal_stats_count(STATS_DROPPED); /* out of memory */
        break;
    }
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

void
pylog_internal_delivery_flush_here(void)
{
    compat_exception saved;

    /* Another thread delivering the buffers is parked inside Python (we
       hold the GIL): it delivers the rest, in order. Delivering alongside
       it would let a record overtake the one it holds. */
    if (!pylog_internal_drain_take()) {
        return;
    }
    pylog_internal_compat_exception_save(&saved);
    pylog_internal_drain(pylog_internal_drain_backlog(), &saved);
    pylog_internal_compat_exception_restore(&saved);
    pylog_internal_drain_give();
}

int
pylog_internal_delivery_open(int mode, size_t buffer_bytes,
                             size_t buffer_records, long stall_ms)
{
    if (pylog_internal_drain_open(buffer_bytes, buffer_records, stall_ms) <
        0) {
        return -1;
    }
    /* relaxed: the release store of the new generation publishes it */
    __atomic_store_n(&delivery_mode, mode, __ATOMIC_RELAXED);
    return 0;
}

/* Deliver, batch by batch, the records queued when it is called, until
 * `deadline` passes; unless another thread is delivering them. GIL: held. */
static void
delivery_flush_until(const struct timespec *deadline)
{
    uint64_t left = pylog_internal_drain_backlog();
    compat_exception saved;

    if (!pylog_internal_drain_take()) {
        return;
    }
    pylog_internal_compat_exception_save(&saved);
    while (left > 0 && !pylog_internal_clock_passed(deadline)) {
        uint64_t batch = left < PYLOG_TUNE_DELIVERY_BATCH
                             ? left
                             : PYLOG_TUNE_DELIVERY_BATCH;

        pylog_internal_drain(batch, &saved);
        left -= batch;
    }
    pylog_internal_compat_exception_restore(&saved);
    pylog_internal_drain_give();
}

void
pylog_internal_delivery_close(void)
{
    /* GIL: held. What is queued is delivered before the delivery thread
       stops, and what arrives while it stops, after, both within
       PYLOG_TUNE_JOIN_SECONDS: records still queued then (a slow handler,
       threads that go on logging) are dropped and counted by the caller's
       discard. The GIL is let go while the thread is joined: it may be
       waiting for the GIL to finish its batch. */
    struct timespec deadline =
        pylog_internal_clock_after_ms(PYLOG_TUNE_JOIN_SECONDS * 1000L);

    delivery_flush_until(&deadline);
    Py_BEGIN_ALLOW_THREADS
    pylog_internal_worker_stop();
    Py_END_ALLOW_THREADS
    delivery_flush_until(&deadline);
}
