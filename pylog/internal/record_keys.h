/*
 * internal/record_keys.h: the names the record files look up, interned at
 * install, and the `logging` objects they all read (record_keys.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_KEYS_H_
#define PYLOG_INTERNAL_RECORD_KEYS_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The names, interned at install. The first block, K_NAME up to
 * K_TASKNAME, is a LogRecord's attributes in the order LogRecord.__init__
 * sets them (taskName: 3.12+ only). */
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

/* The interned names, valid between open and close (NULL otherwise).
 * GIL: held to read. */
PYLOG_API extern PyObject *pylog_internal_direct_keys[DIRECT_N_KEYS];
#define PYLOG_INTERNAL_DIRECT_KEY(ID) (pylog_internal_direct_keys[K_##ID])

/* logging.LogRecord as it was at install, between open and close (NULL
 * otherwise). GIL: held to read. */
PYLOG_API extern PyObject *pylog_internal_direct_record_type;

/* At install: intern the names, keep `logging`'s module dict and
 * LogRecord. GIL: held. 0, or -1 with an exception set (and nothing kept). */
PYLOG_API int pylog_internal_direct_keys_open(PyObject *logging);

/* At uninstall: drop all of it. GIL: held. */
PYLOG_API void pylog_internal_direct_keys_close(void);

/* logging's global `key`, read now (logging rebinds some of them at run
 * time): borrowed, or NULL with an exception set (NameError when logging
 * has no such global). GIL: held; between open and close. */
PYLOG_API PyObject *pylog_internal_direct_global(PyObject *key);

/* Whether logging's global flag `key` is true, as `if key:` in
 * LogRecord.__init__ would have it. 1, 0, or -1 with an exception set.
 * GIL: held; between open and close. */
PYLOG_API int pylog_internal_direct_flag(PyObject *key);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_KEYS_H_ */
