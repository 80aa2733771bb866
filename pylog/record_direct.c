/*
 * record_direct.c: per-site record templates, and LogRecords built from them
 * directly while the logger's class and the record factory are Python's own.
 *
 * LogRecord.__init__ recomputes on every call what never changes for a site
 * (path splitting, the process id, ...); it dominates the enabled path. A
 * site's template holds those attributes once per generation; a direct
 * record is a LogRecord instance (object.__new__, no __init__) whose
 * __dict__ is a copy of the template with the call's own fields filled in,
 * each the value __init__ of the running CPython computes, in its order.
 * Any customisation (setLoggerClass with its own makeRecord,
 * setLogRecordFactory, a patched LogRecord.__init__) makes record.c go
 * through makeRecord instead; the templates still save it the decoding.
 *
 * Globals, all guarded by the GIL, set by open and dropped by close:
 *   direct_logging      logging's module dict; owned. Its globals
 *                       (logThreads, _startTime, ...) are read per record,
 *                       as __init__ reads them.
 *   direct_record_type  logging.LogRecord at install; owned.
 *   direct_record_init  LogRecord.__init__ at install; owned.
 *   direct_make_record  logging.Logger.makeRecord at install; owned.
 *   direct_keys         interned names (attributes, globals); owned.
 *   direct_templates    list owning every template of
 *                       direct_templates_generation; slots borrow them.
 *   direct_pid          os.getpid() as an int, or NULL: not known in this
 *                       process yet. A fork() child drops it (see below).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_direct.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The names this file looks up, interned once. The first block is the
 * attributes of a LogRecord in the order LogRecord.__init__ sets them. */
#define DIRECT_NAMES(X)                                                     \
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
    X(INIT, "__init__") X(MAKE_RECORD, "makeRecord") X(ACTIVE, "_active")   \
    X(CURRENT_THREAD, "current_thread")                                     \
    X(MULTIPROCESSING, "multiprocessing")                                   \
    X(CURRENT_PROCESS, "current_process") X(ASYNCIO, "asyncio")             \
    X(CURRENT_TASK, "current_task") X(GET_NAME, "get_name")                 \
    X(MAIN_PROCESS, "MainProcess")

#define DIRECT_ENUM(ID, TEXT) K_##ID,
#define DIRECT_TEXT(ID, TEXT) TEXT,
enum { DIRECT_NAMES(DIRECT_ENUM) DIRECT_N_KEYS };
static const char *const direct_key_text[] = {DIRECT_NAMES(DIRECT_TEXT)};

/* The record attributes: K_NAME up to K_TASKNAME (3.12+ only). */
#define DIRECT_FIRST_ATTRIBUTE K_NAME
#define DIRECT_LAST_ATTRIBUTE K_TASKNAME

static PyObject *direct_logging;
static PyObject *direct_record_type;
static PyObject *direct_record_init;
static PyObject *direct_make_record;
static PyObject *direct_keys[DIRECT_N_KEYS];
static PyObject *direct_templates;
static uint64_t direct_templates_generation;
static PyObject *direct_pid;
static pthread_once_t direct_fork_once = PTHREAD_ONCE_INIT;

#define KEY(ID) (direct_keys[K_##ID])

/* A fork() child is a new process: its first record asks for its own pid.
 * Runs in the child before any other code, the only thread there; the
 * reference is leaked, not released: no Python call is safe here. */
static void
direct_after_fork_child(void)
{
    direct_pid = NULL;
}

static void
direct_register_fork(void)
{
    pthread_atfork(NULL, NULL, direct_after_fork_child);
}

int
pylog_internal_direct_open(PyObject *logging)
{
    PyObject *logger_type = NULL;

    pthread_once(&direct_fork_once, direct_register_fork);
    pylog_internal_direct_close();
    for (int i = 0; i < DIRECT_N_KEYS; i++) {
        direct_keys[i] = PyUnicode_InternFromString(direct_key_text[i]);
        if (direct_keys[i] == NULL) {
            goto error;
        }
    }
    direct_logging = PyObject_GetAttr(logging, KEY(DICT));
    direct_record_type = PyObject_GetAttrString(logging, "LogRecord");
    logger_type = PyObject_GetAttrString(logging, "Logger");
    direct_templates = PyList_New(0);
    if (direct_logging == NULL || direct_record_type == NULL ||
        logger_type == NULL || direct_templates == NULL) {
        goto error;
    }
    direct_record_init = PyObject_GetAttr(direct_record_type, KEY(INIT));
    direct_make_record = PyObject_GetAttr(logger_type, KEY(MAKE_RECORD));
    if (direct_record_init == NULL || direct_make_record == NULL) {
        goto error;
    }
    Py_DECREF(logger_type);
    return 0;

error:
    Py_XDECREF(logger_type);
    pylog_internal_direct_close();
    return -1;
}

void
pylog_internal_direct_close(void)
{
    /* GIL: held. Everything goes, so that nothing survives into a later
       interpreter (Py_Finalize, then Py_Initialize). */
    Py_CLEAR(direct_templates);
    Py_CLEAR(direct_make_record);
    Py_CLEAR(direct_record_init);
    Py_CLEAR(direct_record_type);
    Py_CLEAR(direct_logging);
    Py_CLEAR(direct_pid);
    for (int i = 0; i < DIRECT_N_KEYS; i++) {
        Py_CLEAR(direct_keys[i]);
    }
}

/* logging's global `key`: borrowed, or NULL with an exception set
 * (NameError when logging has no such global). */
static PyObject *
direct_global(PyObject *key)
{
    PyObject *value = PyDict_GetItemWithError(direct_logging, key);

    if (value == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_NameError, "pylog: logging.%U is missing", key);
    }
    return value;
}

/* Whether logging's global flag `key` is true, as `if key:` in
 * LogRecord.__init__ would have it. 1, 0, or -1 with an exception set. */
static int
direct_flag(PyObject *key)
{
    PyObject *value = direct_global(key);

    return value == NULL ? -1 : PyObject_IsTrue(value);
}

/* `obj.method()`: a new reference, or NULL with an exception set. */
static PyObject *
direct_call(PyObject *obj, PyObject *method)
{
    return PyObject_CallMethodObjArgs(obj, method, NULL);
}

/* The template's values for `call` in __init__'s order (None: per call).
 * GIL: held. A new dict, or NULL with an exception set. */
static PyObject *
direct_template_new(const site_call *call, PyObject *logger)
{
    PyObject *values[DIRECT_LAST_ATTRIBUTE + 1] = {NULL};
    PyObject *template_ = NULL, *path = NULL, *split = NULL, *os;
    int last = pylog_internal_compat_records_have_task() ? K_TASKNAME
                                                         : K_PROCESS;

    values[K_NAME] = PyObject_GetAttr(logger, KEY(NAME));
    values[K_ARGS] = PyTuple_New(0);
    values[K_PATHNAME] = PyUnicode_DecodeFSDefault(call->file);
    values[K_LINENO] = PyLong_FromLong(call->line);
    values[K_FUNCNAME] =
        call->func != NULL
            ? PyUnicode_DecodeUTF8(call->func, (Py_ssize_t)strlen(call->func),
                                   "replace")
            : (Py_INCREF(Py_None), Py_None);
    os = direct_global(KEY(OS)); /* borrowed */
    if (values[K_NAME] == NULL || values[K_ARGS] == NULL ||
        values[K_PATHNAME] == NULL || values[K_LINENO] == NULL ||
        values[K_FUNCNAME] == NULL || os == NULL) {
        goto done;
    }
    /* filename and module exactly as __init__ derives them */
    path = PyObject_GetAttr(os, KEY(PATH));
    if (path == NULL) {
        goto done;
    }
    values[K_FILENAME] = PyObject_CallMethodObjArgs(path, KEY(BASENAME),
                                                    values[K_PATHNAME], NULL);
    if (values[K_FILENAME] == NULL) {
        goto done;
    }
    split = PyObject_CallMethodObjArgs(path, KEY(SPLITEXT),
                                       values[K_FILENAME], NULL);
    if (split == NULL) {
        goto done;
    }
    values[K_MODULE] = PySequence_GetItem(split, 0);
    if (values[K_MODULE] == NULL) {
        goto done;
    }
    template_ = PyDict_New();
    if (template_ == NULL) {
        goto done;
    }
    for (int i = DIRECT_FIRST_ATTRIBUTE; i <= last; i++) {
        if (PyDict_SetItem(template_, direct_keys[i],
                           values[i] != NULL ? values[i] : Py_None) < 0) {
            Py_CLEAR(template_);
            break;
        }
    }

done:
    for (int i = DIRECT_FIRST_ATTRIBUTE; i <= DIRECT_LAST_ATTRIBUTE; i++) {
        Py_XDECREF(values[i]);
    }
    Py_XDECREF(split);
    Py_XDECREF(path);
    return template_;
}

PyObject *
pylog_internal_direct_template(const site_call *call, PyObject *logger,
                               uint64_t generation)
{
    pylog_internal_site *site = call->site;
    PyObject *template_;

    if (direct_templates == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "pylog: not installed");
        return NULL;
    }
    /* The slot's template belongs to its generation (GIL: only GIL holders
       write or read these two fields). */
    if (site->template_generation == generation &&
        site->record_template != NULL) {
        return site->record_template;
    }
    if (direct_templates_generation != generation) {
        /* a new generation: every template of the old one goes */
        if (PyList_SetSlice(direct_templates, 0,
                            PyList_Size(direct_templates), NULL) < 0) {
            return NULL;
        }
        direct_templates_generation = generation;
    }
    template_ = direct_template_new(call, logger);
    if (template_ == NULL) {
        return NULL;
    }
    /* The list's reference keeps it; the slot borrows. Making it ran
       Python code (os.path), which may have closed pylog. */
    if (direct_templates == NULL ||
        PyList_Append(direct_templates, template_) < 0) {
        Py_DECREF(template_);
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "pylog: closed");
        }
        return NULL;
    }
    Py_DECREF(template_);
    site->record_template = template_; /* borrowed from direct_templates */
    site->template_generation = generation;
    return template_;
}

void
pylog_internal_direct_site_fields(PyObject *template_, PyObject **name,
                                  PyObject **pathname, PyObject **func)
{
    /* borrowed; the template always holds all three */
    *name = PyDict_GetItem(template_, KEY(NAME));
    *pathname = PyDict_GetItem(template_, KEY(PATHNAME));
    *func = PyDict_GetItem(template_, KEY(FUNCNAME));
}

int
pylog_internal_direct_applies(PyObject *logger)
{
    PyObject *factory, *attribute, *own = NULL;
    int same;

    factory = direct_global(KEY(FACTORY)); /* borrowed */
    if (factory == NULL) {
        return -1;
    }
    if (factory != direct_record_type) {
        return 0;
    }
    attribute = PyObject_GetAttr(direct_record_type, KEY(INIT));
    if (attribute == NULL) {
        return -1;
    }
    same = attribute == direct_record_init;
    Py_DECREF(attribute);
    if (!same) {
        return 0;
    }
    attribute = PyObject_GetAttr((PyObject *)Py_TYPE(logger),
                                 KEY(MAKE_RECORD));
    if (attribute == NULL) {
        return -1;
    }
    same = attribute == direct_make_record;
    Py_DECREF(attribute);
    if (!same) {
        return 0;
    }
    /* an instance attribute would shadow the class's makeRecord */
    attribute = PyObject_GetAttr(logger, KEY(DICT));
    if (attribute == NULL) {
        return -1;
    }
    if (PyDict_Check(attribute)) {
        own = PyDict_GetItemWithError(attribute, KEY(MAKE_RECORD));
    }
    Py_DECREF(attribute);
    if (own == NULL && PyErr_Occurred()) {
        return -1;
    }
    return own == NULL;
}

/* logging.getLevelName(level): a new reference, or NULL with an exception. */
static PyObject *
direct_level_name(int level)
{
    PyObject *number = PyLong_FromLong(level), *names, *name = NULL;

    if (number == NULL) {
        return NULL;
    }
    names = direct_global(KEY(LEVEL_TO_NAME));
    if (names != NULL) {
        name = PyObject_GetItem(names, number);
        if (name == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            names = direct_global(KEY(NAME_TO_LEVEL));
            name = names == NULL ? NULL : PyObject_GetItem(names, number);
            if (name == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
                PyErr_Clear();
                name = PyUnicode_FromFormat("Level %d", level);
            }
        }
    }
    Py_DECREF(number);
    /* getLevelName treats a stored None as missing; nobody stores one */
    return name;
}

/* threading.current_thread().name for the calling thread. GIL: held. A
 * new reference, or NULL with an exception set. */
static PyObject *
direct_current_thread_name(void)
{
    PyObject *threading, *active, *ident, *thread = NULL, *name;

    threading = direct_global(KEY(THREADING)); /* borrowed */
    if (threading == NULL) {
        return NULL;
    }
    /* current_thread() is _active[get_ident()], else a new _DummyThread */
    active = PyObject_GetAttr(threading, KEY(ACTIVE));
    if (active == NULL) {
        return NULL;
    }
    ident = PyLong_FromUnsignedLong(PyThread_get_thread_ident());
    if (ident != NULL && PyDict_Check(active)) {
        thread = PyDict_GetItemWithError(active, ident); /* borrowed */
        Py_XINCREF(thread);
    }
    Py_XDECREF(ident);
    Py_DECREF(active);
    if (thread == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        thread = direct_call(threading, KEY(CURRENT_THREAD));
        if (thread == NULL) {
            return NULL;
        }
    }
    name = PyObject_GetAttr(thread, KEY(NAME));
    Py_DECREF(thread);
    return name;
}

PyObject *
pylog_internal_direct_origin_thread_name(const pending_origin *origin)
{
    char fallback[sizeof origin->thread_name];
    const char *name = origin->thread_name;

    if (origin->python_thread) {
        PyObject *threading, *active, *ident, *thread = NULL;

        threading = direct_global(KEY(THREADING)); /* borrowed */
        if (threading == NULL) {
            return NULL;
        }
        active = PyObject_GetAttr(threading, KEY(ACTIVE));
        if (active == NULL) {
            return NULL;
        }
        ident = PyLong_FromUnsignedLong(origin->thread_id);
        if (ident != NULL) {
            thread = PyObject_GetItem(active, ident);
            Py_DECREF(ident);
        }
        Py_DECREF(active);
        if (thread != NULL) {
            PyObject *value = PyObject_GetAttr(thread, KEY(NAME));
            Py_DECREF(thread);
            return value;
        }
        if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
            return NULL;
        }
        PyErr_Clear(); /* the thread has ended since */
        snprintf(fallback, sizeof fallback, "pylog-%lu", origin->thread_id);
        name = fallback;
    }
    return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
}

/* processName as __init__ computes it: a new reference, or NULL with an
 * exception set. */
static PyObject *
direct_process_name(void)
{
    PyObject *mp, *process, *name;
    int enabled = direct_flag(KEY(LOG_MP));

    if (enabled <= 0) {
        return enabled < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    mp = PyDict_GetItemWithError(PyImport_GetModuleDict(),
                                 KEY(MULTIPROCESSING)); /* borrowed */
    if (mp == NULL || mp == Py_None) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_INCREF(KEY(MAIN_PROCESS));
        return KEY(MAIN_PROCESS);
    }
    /* try: mp.current_process().name  except Exception: 'MainProcess' */
    process = direct_call(mp, KEY(CURRENT_PROCESS));
    name = process == NULL ? NULL : PyObject_GetAttr(process, KEY(NAME));
    Py_XDECREF(process);
    if (name == NULL && PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        Py_INCREF(KEY(MAIN_PROCESS));
        name = KEY(MAIN_PROCESS);
    }
    return name;
}

/* process as __init__ computes it (os.getpid(), once per process). */
static PyObject *
direct_process(void)
{
    int enabled = direct_flag(KEY(LOG_PROCESSES));

    if (enabled <= 0) {
        return enabled < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    if (direct_pid == NULL) {
        direct_pid = PyLong_FromLong((long)getpid());
        if (direct_pid == NULL) {
            return NULL;
        }
    }
    Py_INCREF(direct_pid);
    return direct_pid;
}

/* taskName (3.12+) for a call made now on this thread. */
static PyObject *
direct_task_name(void)
{
    PyObject *asyncio, *task, *name;
    int enabled = direct_flag(KEY(LOG_TASKS));

    if (enabled <= 0) {
        return enabled < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    asyncio = PyDict_GetItemWithError(PyImport_GetModuleDict(),
                                      KEY(ASYNCIO)); /* borrowed */
    if (asyncio == NULL || asyncio == Py_None) { /* a module is true */
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    /* try: asyncio.current_task().get_name()  except Exception: None */
    task = direct_call(asyncio, KEY(CURRENT_TASK));
    name = task == NULL ? NULL : direct_call(task, KEY(GET_NAME));
    Py_XDECREF(task);
    if (name == NULL && PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return name;
}

/* dict[key] = value, stealing `value`, which may be NULL (its error is
 * then already set). 0 or -1. */
static int
direct_put(PyObject *dict, PyObject *key, PyObject *value)
{
    int status;

    if (value == NULL) {
        return -1;
    }
    status = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return status;
}

/* The call's time fields into `dict`, for CLOCK_REALTIME `ns`. */
static int
direct_put_time(PyObject *dict, int64_t ns)
{
    double created, msecs, relative;
    PyObject *start = direct_global(KEY(START_TIME)); /* borrowed */

    if (start == NULL || pylog_internal_compat_created(ns, start, &created,
                                                       &msecs,
                                                       &relative) < 0) {
        return -1;
    }
    if (direct_put(dict, KEY(CREATED), PyFloat_FromDouble(created)) < 0 ||
        direct_put(dict, KEY(MSECS), PyFloat_FromDouble(msecs)) < 0 ||
        direct_put(dict, KEY(RELATIVE), PyFloat_FromDouble(relative)) < 0) {
        return -1;
    }
    return 0;
}

/* The call's thread fields into `dict` (None when logThreads is off). */
static int
direct_put_thread(PyObject *dict, const pending_origin *origin)
{
    int enabled = direct_flag(KEY(LOG_THREADS));

    if (enabled < 0) {
        return -1;
    }
    if (enabled == 0) {
        return 0; /* the template has None for both */
    }
    if (direct_put(dict, KEY(THREAD),
                   PyLong_FromUnsignedLong(origin != NULL
                                               ? origin->thread_id
                                               : PyThread_get_thread_ident())) <
        0) {
        return -1;
    }
    return direct_put(dict, KEY(THREADNAME),
                      origin != NULL
                          ? pylog_internal_direct_origin_thread_name(origin)
                          : direct_current_thread_name());
}

PyObject *
pylog_internal_direct_make(PyObject *template_, int level, PyObject *msg,
                           PyObject *exc_info, const pending_origin *origin)
{
    PyObject *dict, *record = NULL;
    struct timespec now;
    int64_t ns;

    /* the time of the call, as __init__ takes it first (time.time_ns()) */
    if (origin != NULL) {
        ns = origin->time_ns;
    }
    else {
        clock_gettime(CLOCK_REALTIME, &now);
        ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    }
    dict = PyDict_Copy(template_); /* keeps the template's key order */
    if (dict == NULL) {
        return NULL;
    }
    if (PyDict_SetItem(dict, KEY(MSG), msg) < 0 ||
        direct_put(dict, KEY(LEVELNAME), direct_level_name(level)) < 0 ||
        direct_put(dict, KEY(LEVELNO), PyLong_FromLong(level)) < 0 ||
        PyDict_SetItem(dict, KEY(EXC_INFO), exc_info) < 0 ||
        direct_put_time(dict, ns) < 0 || direct_put_thread(dict, origin) < 0 ||
        direct_put(dict, KEY(PROCESSNAME), direct_process_name()) < 0 ||
        direct_put(dict, KEY(PROCESS), direct_process()) < 0) {
        goto done;
    }
    /* a record delivered away from its call ran in no task here */
    if (origin == NULL && pylog_internal_compat_records_have_task() &&
        direct_put(dict, KEY(TASKNAME), direct_task_name()) < 0) {
        goto done;
    }
    record = pylog_internal_compat_new_instance(direct_record_type);
    if (record != NULL && PyObject_SetAttr(record, KEY(DICT), dict) < 0) {
        Py_CLEAR(record);
    }

done:
    Py_DECREF(dict);
    return record;
}

#undef KEY
#undef DIRECT_LAST_ATTRIBUTE
#undef DIRECT_FIRST_ATTRIBUTE
#undef DIRECT_TEXT
#undef DIRECT_ENUM
#undef DIRECT_NAMES
