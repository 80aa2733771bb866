/*
 * worker.c: pylog's background thread: its start on demand, the sleep and
 * wake-up handshake with producers, stopping it (with a bound), and its
 * state across fork().
 *
 * Globals:
 *   worker_lock      guards worker_state changes and the sleep; held for a
 *                    few instructions, never while `work` runs.
 *   worker_wakeup    the thread sleeps on it.
 *   worker_state     the thread's life (STATE_*); written under worker_lock,
 *                    read relaxed as a hint elsewhere.
 *   worker_sleeping  atomic (seq_cst RMWs): the thread is about to sleep or
 *                    sleeps; a waker signals only then (see
 *                    pylog_internal_worker_wake for the handshake, and
 *                    pylog_internal_worker_nudge for the one without an
 *                    RMW, which the thread's timed sleep backs up).
 *   worker_calls_    what the thread does; set at open, before it starts.
 * No Python: `work` takes the GIL if it needs it.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/generation.h"
/* after generation.h, which brings Python.h: clock.h includes <time.h> */
#include "internal/clock.h"
#include "internal/tunables.h"
#include "internal/worker.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

/* NONE (may be started), RUNNING, STOPPING (asked to end), CLOSED (none
 * may start until the next open: pylog is closing or closed, or the thread
 * ended because the interpreter went away). */
enum { STATE_NONE, STATE_RUNNING, STATE_STOPPING, STATE_CLOSED };

static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t worker_wakeup = PTHREAD_COND_INITIALIZER;
static pthread_t worker_thread;
static int worker_state = STATE_CLOSED;
static int worker_sleeping;
static worker_calls worker_calls_;

/* The thread: sleeps until `ready`, then runs `work`, until asked to stop
 * or `work` says the interpreter is gone. */
static void *
worker_main(void *unused)
{
    sigset_t signals;
    struct timespec until;
    long idle_ms = 1;
    int stopping;

    (void)unused;
    /* Signals belong to the application's threads, not to this one. */
    sigfillset(&signals);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
#ifdef __linux__
    pthread_setname_np(pthread_self(), "pylog-delivery");
#endif
    for (;;) {
        /* worker_lock: the sleep handshake; released before `work`. */
        pthread_mutex_lock(&worker_lock);
        for (;;) {
            if (worker_state == STATE_STOPPING) {
                pthread_mutex_unlock(&worker_lock);
                worker_calls_.leave();
                return NULL;
            }
            /* seq_cst RMW: see pylog_internal_worker_wake */
            __atomic_exchange_n(&worker_sleeping, 1, __ATOMIC_SEQ_CST);
            if (worker_calls_.ready()) {
                __atomic_store_n(&worker_sleeping, 0, __ATOMIC_SEQ_CST);
                idle_ms = 1;
                break;
            }
            /* A nudge (no RMW) can miss this sleep by a few instructions:
               the timed sleep finds its work anyway, at most idle_ms late.
               It doubles while nothing comes, so an idle process wakes
               this thread about once per PYLOG_TUNE_WORKER_IDLE_MAX_MS. */
            until = pylog_internal_clock_after_ms(idle_ms);
            if (pthread_cond_timedwait(&worker_wakeup, &worker_lock,
                                       &until) != 0 &&
                idle_ms < PYLOG_TUNE_WORKER_IDLE_MAX_MS) {
                idle_ms *= 2;
            }
        }
        pthread_mutex_unlock(&worker_lock);
        if (worker_calls_.work() == 0) {
            continue;
        }
        /* The interpreter is going: end, and let none start until the next
           open. STOPPING means a thread is about to join this one. */
        pthread_mutex_lock(&worker_lock);
        stopping = worker_state == STATE_STOPPING;
        if (!stopping) {
            __atomic_store_n(&worker_state, STATE_CLOSED, __ATOMIC_RELAXED);
        }
        pthread_mutex_unlock(&worker_lock);
        if (!stopping) {
            pthread_detach(pthread_self());
        }
        return NULL;
    }
}

static void
worker_start(void)
{
    /* worker_lock: guards worker_state; pthread_create does not wait for
       the new thread. Released right below. */
    pthread_mutex_lock(&worker_lock);
    if (worker_state == STATE_NONE &&
        pthread_create(&worker_thread, NULL, worker_main, NULL) == 0) {
        __atomic_store_n(&worker_state, STATE_RUNNING, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&worker_lock);
}

/* The handshake: the thread swaps worker_sleeping to 1 and then calls
 * `ready`; a producer makes work ready and then reads worker_sleeping with
 * a read-modify-write. Both are RMWs on one variable, so one comes first:
 * if the producer's reads 0, the thread's swap reads the producer's write
 * and synchronises with it, so `ready` sees the work; else the producer
 * sees 1 and signals. Work is never left waiting for a sleeper. */
void
pylog_internal_worker_wake(void)
{
    /* relaxed: a stale STATE_NONE only costs a trip through the lock */
    if (__atomic_load_n(&worker_state, __ATOMIC_RELAXED) == STATE_NONE) {
        worker_start();
    }
    if (__atomic_fetch_or(&worker_sleeping, 0, __ATOMIC_SEQ_CST)) {
        /* worker_lock: the handshake; released right below. */
        pthread_mutex_lock(&worker_lock);
        __atomic_store_n(&worker_sleeping, 0, __ATOMIC_SEQ_CST);
        pthread_cond_signal(&worker_wakeup);
        pthread_mutex_unlock(&worker_lock);
    }
}

/* The handshake of a statement's hot path, which cannot afford an RMW: a
 * relaxed read of worker_sleeping after the work was published (release).
 * It may read 0 while the thread goes to sleep having just missed the work
 * (the store and the load are not ordered without a fence); the thread's
 * timed sleep (worker_main) then finds it. */
void
pylog_internal_worker_nudge(void)
{
    /* relaxed: see above */
    if (__atomic_load_n(&worker_sleeping, __ATOMIC_RELAXED) ||
        __atomic_load_n(&worker_state, __ATOMIC_RELAXED) == STATE_NONE) {
        pylog_internal_worker_wake();
    }
}

int
pylog_internal_worker_running(void)
{
    /* relaxed: callers re-check what they wait for after a wait */
    return __atomic_load_n(&worker_state, __ATOMIC_RELAXED) == STATE_RUNNING;
}

void
pylog_internal_worker_open(const worker_calls *calls)
{
    /* worker_lock: the state change; released right below. A thread that
       ended on its own (CLOSED) has detached itself. */
    pthread_mutex_lock(&worker_lock);
    worker_calls_ = *calls;
    if (worker_state == STATE_CLOSED) {
        __atomic_store_n(&worker_state, STATE_NONE, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&worker_lock);
}

void
pylog_internal_worker_stop(void)
{
    int joinable;

    /* worker_lock: the state change; released before the join. From here
       on no thread starts (STOPPING, then CLOSED). */
    pthread_mutex_lock(&worker_lock);
    joinable = worker_state == STATE_RUNNING;
    __atomic_store_n(&worker_state, joinable ? STATE_STOPPING : STATE_CLOSED,
                     __ATOMIC_RELAXED);
    pthread_cond_signal(&worker_wakeup);
    pthread_mutex_unlock(&worker_lock);
    if (joinable) {
#ifdef __linux__
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += PYLOG_TUNE_JOIN_SECONDS;
        if (pthread_timedjoin_np(worker_thread, NULL, &deadline) != 0) {
            pthread_detach(worker_thread); /* stuck in `work`: left behind */
        }
#else
        pthread_join(worker_thread, NULL);
#endif
    }
    /* worker_lock: the state change; released right below. */
    pthread_mutex_lock(&worker_lock);
    __atomic_store_n(&worker_state, STATE_CLOSED, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&worker_lock);
}

void
pylog_internal_worker_fork(int phase)
{
    pylog_internal_fork_lock(&worker_lock, phase);
    if (phase == PYLOG_INTERNAL_FORK_CHILD) {
        /* The child has one thread, the forking one; no worker. */
        pthread_cond_init(&worker_wakeup, NULL);
        if (worker_state != STATE_CLOSED) {
            worker_state = STATE_NONE; /* started again on demand */
        }
        worker_sleeping = 0;
    }
}
