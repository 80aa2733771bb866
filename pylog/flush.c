/*
 * flush.c: pylog_flush(), the promise that when it returns 0 every record
 * queued before the call has been handed to the handlers, whoever delivers
 * it, from any thread, with or without the GIL; or a distinct result when
 * that cannot be kept without risking a deadlock (pylog.h).
 * "Queued before the call": in any thread's buffer before the position it
 * had when pylog_flush() took its mark.
 * No globals, no locks of its own (drain.c's wait takes its lock).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/compat.h"
#include "internal/delivery.h"
#include "internal/drain.h"
#include "internal/generation.h"
#include "internal/thread_buffer.h"
#include "internal/worker.h"

#include <errno.h>

int
pylog_flush(void)
{
    thread_buffers_mark mark;
    PyGILState_STATE gil;
    PyThreadState *released;
    int holds, status, call_errno = errno;

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
    /* Every buffer's position now: the records before them are "earlier". */
    if (pylog_internal_thread_buffers_mark(&mark) < 0) {
        errno = call_errno;
        return PYLOG_ERR_NO_MEMORY;
    }
    if (holds) {
        pylog_internal_delivery_flush_here();
    }
    else if (!pylog_internal_thread_buffers_reached(&mark)) {
        pylog_internal_worker_wake();
    }
    for (;;) {
        if (pylog_internal_thread_buffers_reached(&mark)) {
            status = PYLOG_OK;
            break;
        }
        /* Another thread delivers them (holding the GIL, this thread lets
           it go meanwhile), or nobody does and this thread must. */
        released = holds ? PyEval_SaveThread() : NULL;
        status = pylog_internal_drain_wait(&mark);
        if (released != NULL) {
            PyEval_RestoreThread(released);
        }
        if (status == DELIVERY_WAIT_DONE) {
            status = PYLOG_OK;
            break;
        }
        if (status == DELIVERY_WAIT_STALLED) {
            status = PYLOG_ERR_FLUSH_STALLED;
            break;
        }
        if (pylog_internal_bridge_closed()) {
            status = PYLOG_ERR_NOT_INSTALLED;
            break;
        }
        gil = holds ? PyGILState_UNLOCKED : PyGILState_Ensure();
        pylog_internal_delivery_flush_here();
        if (!holds) {
            PyGILState_Release(gil);
        }
    }
    pylog_internal_thread_buffers_mark_free(&mark);
    errno = call_errno;
    return status;
}
