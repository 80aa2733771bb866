/*
 * flush.c: pylog_flush(), the promise that when it returns 0 every record
 * queued before the call has been handed to the handlers, whoever delivers
 * it, from any thread, with or without the GIL; or a distinct result when
 * that cannot be kept without risking a deadlock (pylog.h).
 * No globals, no locks of its own (delivery.c's wait takes its lock).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/compat.h"
#include "internal/delivery.h"
#include "internal/generation.h"
#include "internal/queue.h"
#include "internal/worker.h"

int
pylog_flush(void)
{
    PyGILState_STATE gil;
    PyThreadState *released;
    uint64_t target;
    int holds, status;

    if (pylog_internal_generation_current() == 0 ||
        pylog_internal_bridge_closed()) {
        return PYLOG_ERR_NOT_INSTALLED;
    }
    if (pylog_internal_delivery_inside()) {
        /* From a handler pylog is delivering to: waiting could wait for
           this very thread. The delivery under way goes on. */
        return PYLOG_ERR_IN_HANDLER;
    }
    holds = pylog_internal_compat_gil();
    if (holds == COMPAT_GIL_OTHER) {
        return PYLOG_ERR_NOT_INSTALLED; /* not in a sub-interpreter */
    }
    holds = holds == COMPAT_GIL_MAIN;
    target = pylog_internal_queue_pushed();
    if (holds) {
        pylog_internal_delivery_flush_here();
    }
    else if (pylog_internal_queue_finished() < target) {
        pylog_internal_worker_wake();
    }
    for (;;) {
        if (pylog_internal_queue_finished() >= target) {
            return PYLOG_OK;
        }
        /* Another thread delivers them (holding the GIL, this thread lets
           it go meanwhile), or nobody does and this thread must. */
        released = holds ? PyEval_SaveThread() : NULL;
        status = pylog_internal_delivery_wait(target);
        if (released != NULL) {
            PyEval_RestoreThread(released);
        }
        if (status == DELIVERY_WAIT_DONE) {
            return PYLOG_OK;
        }
        if (status == DELIVERY_WAIT_STALLED) {
            return PYLOG_ERR_FLUSH_STALLED;
        }
        if (pylog_internal_bridge_closed()) {
            return PYLOG_ERR_NOT_INSTALLED;
        }
        gil = holds ? PyGILState_UNLOCKED : PyGILState_Ensure();
        pylog_internal_delivery_flush_here();
        if (!holds) {
            PyGILState_Release(gil);
        }
    }
}
