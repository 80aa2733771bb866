/*
 * internal/record_direct.h: per-site record templates and LogRecords built
 * from them without running makeRecord or LogRecord.__init__
 * (record_direct.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_DIRECT_H_
#define PYLOG_INTERNAL_RECORD_DIRECT_H_

#include "queue.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The names the direct path looks up, interned at install. The first block
 * is a LogRecord's attributes in the order LogRecord.__init__ sets them. */
#define PYLOG_INTERNAL_DIRECT_NAMES(X)                                      \
    X(NAME, "name") X(MSG, "msg") X(ARGS, "args") X(LEVELNAME, "levelname") \
    X(LEVELNO, "levelno") X(PATHNAME, "pathname") X(FILENAME, "filename")   \
    X(MODULE, "module") X(EXC_INFO, "exc_info") X(EXC_TEXT, "exc_text")     \
    X(STACK_INFO, "stack_info") X(LINENO, "lineno")                         \
    X(FUNCNAME, "funcName") X(CREATED, "created") X(MSECS, "msecs")         \
    X(RELATIVE, "relativeCreated") X(THREAD, "thread")                      \
    X(THREADNAME, "threadName") X(PROCESSNAME, "processName")               \
    X(PROCESS, "process") X(TASKNAME, "taskName")                           \
    X(LOG_THREADS, "logThreads") X(LOG_MP, "logMultiprocessing")            \
    X(LOG_PROCESSES, "logProcesses") X(LOG_TASKS, "logAsyncioTasks")        \
    X(START_TIME, "_startTime") X(LEVEL_TO_NAME, "_levelToName")            \
    X(NAME_TO_LEVEL, "_nameToLevel") X(FACTORY, "_logRecordFactory")        \
    X(THREADING, "threading") X(OS, "os") X(PATH, "path")                   \
    X(BASENAME, "basename") X(SPLITEXT, "splitext") X(DICT, "__dict__")     \
    X(INIT, "__init__") X(MAKE_RECORD, "makeRecord") X(HANDLE, "handle")    \
    X(CALL_HANDLERS, "callHandlers") X(FILTER, "filter")                    \
    X(ACQUIRE, "acquire") X(RELEASE, "release") X(LOCK, "lock")             \
    X(EMIT, "emit")                                                         \
    X(FILTERS, "filters") X(DISABLED, "disabled") X(HANDLERS, "handlers")   \
    X(LEVEL, "level") X(PROPAGATE, "propagate") X(PARENT, "parent")         \
    X(ACTIVE, "_active") X(PRIVATE_NAME, "_name")                           \
    X(CURRENT_THREAD, "current_thread")                                     \
    X(MULTIPROCESSING, "multiprocessing")                                   \
    X(CURRENT_PROCESS, "current_process") X(ASYNCIO, "asyncio")             \
    X(CURRENT_TASK, "current_task") X(GET_NAME, "get_name")                 \
    X(MAIN_PROCESS, "MainProcess")

#define PYLOG_INTERNAL_DIRECT_ENUM(ID, TEXT) K_##ID,
enum { PYLOG_INTERNAL_DIRECT_NAMES(PYLOG_INTERNAL_DIRECT_ENUM) DIRECT_N_KEYS };
#undef PYLOG_INTERNAL_DIRECT_ENUM

/* The interned names, valid between open and close. GIL: held to read. */
PYLOG_API extern PyObject *pylog_internal_direct_keys[DIRECT_N_KEYS];
#define PYLOG_INTERNAL_DIRECT_KEY(ID) (pylog_internal_direct_keys[K_##ID])

/* At install: keep what the direct path compares against and reads
 * (`logging`'s globals, LogRecord, Logger.makeRecord as they are now).
 * GIL: held. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_direct_open(PyObject *logging);

/* In a fork() child, before any other code runs (lifecycle.c): the
 * parent's pid and threading tables are set aside, to be released under
 * the GIL by the child's first record. No Python call. */
PYLOG_API void pylog_internal_direct_after_fork_child(void);

/* At uninstall: drop every reference, templates included. GIL: held. */
PYLOG_API void pylog_internal_direct_close(void);

/* The site's template for `generation`: a dict with the record attributes
 * that depend only on the site and its logger (name, pathname, filename,
 * module, lineno, funcName, ...), in LogRecord.__init__'s order, with None
 * where a call fills in its own value. Made once per site and generation;
 * a borrowed reference (pylog's template list owns it until the generation
 * moves on). GIL: held. NULL with an exception set on failure. */
PYLOG_API PyObject *pylog_internal_direct_template(const site_call *call,
                                                   PyObject *logger,
                                                   uint64_t generation);

/* The template's `name`, `pathname` and `funcName`: borrowed. GIL: held. */
PYLOG_API void pylog_internal_direct_site_fields(PyObject *template_,
                                                 PyObject **name,
                                                 PyObject **pathname,
                                                 PyObject **func);

/* How much of the logger's machinery is Python's own, so that pylog may do
 * its work without running its Python code: a mask of the flags below (0:
 * call logger.makeRecord and logger.handle), or -1 with an exception set.
 * "Python's own" means the class's method is the one Logger (Filterer for
 * filter) had at install and the instance dict does not shadow it. GIL:
 * held. */
#define PYLOG_INTERNAL_DIRECT_RECORD 1 /* makeRecord and the factory are
    Python's own (LogRecord, its __init__ unpatched): build the record with
    pylog_internal_direct_make() */
#define PYLOG_INTERNAL_DIRECT_FACTORY 2 /* makeRecord is, the factory is
    not: call the factory as makeRecord would */
#define PYLOG_INTERNAL_DIRECT_HANDLE 4 /* handle, callHandlers and filter
    are: pylog_internal_direct_handle() does what handle() would */
PYLOG_API int pylog_internal_direct_applies(PyObject *logger);

/* A new LogRecord: `template_` plus this call's msg (borrowed), level,
 * exc_info (borrowed), time and thread, each as LogRecord.__init__ of the
 * running CPython would set it, for a call made now on this thread
 * (`origin` NULL) or at `origin`. GIL: held. NULL with an exception set. */
PYLOG_API PyObject *pylog_internal_direct_make(PyObject *template_, int level,
                                               PyObject *msg,
                                               PyObject *exc_info,
                                               const pending_origin *origin);

/* _logRecordFactory(name, level, pathname, line, msg, (), exc_info, func,
 * None): what Logger.makeRecord does without `extra`. GIL: held. A new
 * reference, or NULL with an exception set. */
PYLOG_API PyObject *pylog_internal_direct_factory_make(
    PyObject *name, int level, PyObject *pathname, int line, PyObject *msg,
    PyObject *exc_info, PyObject *func);

/* 1 when the handler's handle, filter, acquire and release are Handler's
 * and Filterer's own (as pylog_internal_direct_applies checks a logger's):
 * pylog_internal_direct_handle() then does what handler.handle() would.
 * 0 when customised; -1 with an exception set. GIL: held. */
PYLOG_API int pylog_internal_direct_handler_applies(PyObject *handler);

/* logger.handle(record) as Logger.handle and callHandlers of the running
 * CPython do it (direct_handle.c), for a logger the direct path applies to.
 * Filters and emit() still run in Python, and so does the handle() of a
 * handler that customises it.
 * GIL: held. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_direct_handle(PyObject *logger, PyObject *record);

/* record.created, .msecs and .relativeCreated for a call at CLOCK_REALTIME
 * `ns`, as LogRecord.__init__ of the running CPython computes them
 * against logging._startTime. GIL: held. 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_direct_created(int64_t ns, double *created,
                                            double *msecs, double *relative);

/* The name of the thread of `origin`: a Python thread's name from
 * `threading` (if it still runs), else the name pylog gave it at the call.
 * GIL: held. A new reference, or NULL with an exception set. */
PYLOG_API PyObject *
pylog_internal_direct_origin_thread_name(const pending_origin *origin);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_DIRECT_H_ */
