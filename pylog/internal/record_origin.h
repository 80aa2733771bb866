/*
 * internal/record_origin.h: the thread, process and task a record names,
 * for a call on the calling thread or a queued record's origin
 * (record_origin.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_ORIGIN_H_
#define PYLOG_INTERNAL_RECORD_ORIGIN_H_

#include "queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install, after pylog_internal_direct_keys_open: keep logging's
 * `threading` and threading.Thread.name. GIL: held. 0, or -1 with an
 * exception set (and nothing kept). */
PYLOG_API int pylog_internal_direct_origin_open(void);

/* At uninstall: drop every reference. GIL: held. */
PYLOG_API void pylog_internal_direct_origin_close(void);

/* In a fork() child, before any other code runs there (the only thread,
 * no Python call allowed, no GIL): the parent's pid and threading._active
 * are set aside, to be released under the GIL by the child's next record,
 * which looks its own up. Called by lifecycle.c's pthread_atfork child
 * handler. */
PYLOG_API void pylog_internal_record_after_fork_child(void);

/* All of the functions below: GIL held, between open and close; a new
 * reference, or NULL with an exception set. */

/* threading.current_thread().name for the calling thread, whose
 * threading.get_ident() is `ident` (an int). */
PYLOG_API PyObject *pylog_internal_direct_current_thread_name(PyObject *ident);

/* The name of the thread of `origin`: a Python thread's name from
 * `threading` (if it still runs), else the name pylog gave it at the
 * call. */
PYLOG_API PyObject *
pylog_internal_direct_origin_thread_name(const pending_origin *origin);

/* processName as LogRecord.__init__ computes it:
 * multiprocessing.current_process().name, 'MainProcess', or None. */
PYLOG_API PyObject *pylog_internal_direct_process_name(void);

/* process as LogRecord.__init__ computes it: os.getpid() (looked up once
 * per process), or None. */
PYLOG_API PyObject *pylog_internal_direct_process(void);

/* taskName (3.12+) for a call made now on this thread: the running
 * asyncio task's get_name(), or None. */
PYLOG_API PyObject *pylog_internal_direct_task_name(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_ORIGIN_H_ */
