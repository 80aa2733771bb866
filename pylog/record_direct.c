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
 * What is customised runs as Python's own code would run it: a record
 * factory of the application's is called as Logger.makeRecord calls it, an
 * overridden makeRecord is called (record.c), a customised handle(),
 * callHandlers() or handler's handle() is called (direct_handle.c); the
 * templates still save them the decoding. Whether something is customised
 * is checked on every record (pylog_internal_direct_applies).
 *
 * Globals, all guarded by the GIL, set by open and dropped by close:
 *   direct_logging      logging's module dict; owned. Its globals
 *                       (logThreads, _startTime, ...) are read per record,
 *                       as __init__ reads them.
 *   direct_record_type  logging.LogRecord at install; owned.
 *   direct_*_methods    the methods of loggers, handlers and LogRecord
 *                       that must be Python's own, as they were at
 *                       install (owned), and the last type that had them.
 *   direct_thread_name  the threading.Thread.name property; owned.
 *   direct_threading, direct_level_names, direct_start_time  logging's
 *                       globals `threading`, `_levelToName` and
 *                       `_startTime`, which logging never rebinds; owned.
 *   direct_active       threading._active, or NULL: not looked up in this
 *                       process yet (threading rebinds it in a fork child).
 *   pylog_internal_direct_keys  interned names (attributes, globals, methods;
 *                       see record_direct.h); owned.
 *   direct_templates    list owning every template of
 *                       direct_templates_generation; slots borrow them.
 *   direct_pid          os.getpid() as an int, or NULL: not known in this
 *                       process yet. A fork() child drops it (see below).
 *   direct_parent_pid, direct_parent_active  in a fork child, the parent's
 *                       direct_pid and direct_active until released.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_direct.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The record attributes: K_NAME up to K_TASKNAME (3.12+ only). */
#define DIRECT_FIRST_ATTRIBUTE K_NAME
#define DIRECT_LAST_ATTRIBUTE K_TASKNAME

#define DIRECT_TEXT(ID, TEXT) TEXT,
static const char *const direct_key_text[] = {PYLOG_INTERNAL_DIRECT_NAMES(
    DIRECT_TEXT)};

/* Methods whose originals, kept at install, make an object behave as
 * Python's own: `owners[i]` (a class in `logging`) defines `keys[i]`. The
 * last type found to have them all is remembered with its version tag,
 * which CPython changes whenever the type or a base is modified, so the
 * common case costs no lookup (compat: abi3 builds cannot see the tag). */
#define DIRECT_MAX_METHODS 4
typedef struct direct_methods {
    int n;
    const char *owners[DIRECT_MAX_METHODS];
    int keys[DIRECT_MAX_METHODS];
    PyObject *originals[DIRECT_MAX_METHODS]; /* owned */
    PyTypeObject *known_type;                /* compared only, never used */
    unsigned int known_tag;
    int known_mask; /* of known_type */
} direct_methods;

static direct_methods direct_logger_methods = {
    4,
    {"Logger", "Logger", "Logger", "Filterer"},
    {K_MAKE_RECORD, K_HANDLE, K_CALL_HANDLERS, K_FILTER},
    {NULL},
    NULL,
    0,
    0};
static direct_methods direct_handler_methods = {
    4,
    {"Handler", "Filterer", "Handler", "Handler"},
    {K_HANDLE, K_FILTER, K_ACQUIRE, K_RELEASE},
    {NULL},
    NULL,
    0,
    0};
static direct_methods direct_record_methods = {
    1, {"LogRecord"}, {K_INIT}, {NULL}, NULL, 0, 0};
static direct_methods *const direct_all_methods[] = {
    &direct_logger_methods, &direct_handler_methods, &direct_record_methods};
#define DIRECT_N_METHOD_SETS 3

PyObject *pylog_internal_direct_keys[DIRECT_N_KEYS];
static PyObject *direct_logging;
static PyObject *direct_record_type;
static PyObject *direct_thread_name; /* threading.Thread.name */
static PyObject *direct_threading;
static PyObject *direct_level_names;
static PyObject *direct_start_time;
static PyObject *direct_active;
static PyObject *direct_templates;
static uint64_t direct_templates_generation;
static PyObject *direct_pid;
static PyObject *direct_parent_pid;
static PyObject *direct_parent_active;

static PyObject *direct_global(PyObject *key);

#define KEY(ID) PYLOG_INTERNAL_DIRECT_KEY(ID)

/* A fork() child is a new process: its first record asks for its own pid
 * and for threading's new _active. Runs in the child before any other
 * code, the only thread there, where no Python call is safe: the parent's
 * references are set aside, and released under the GIL by the next record
 * (direct_forget_parent). */
void
pylog_internal_direct_after_fork_child(void)
{
    direct_parent_pid = direct_pid;
    direct_parent_active = direct_active;
    direct_pid = NULL;
    direct_active = NULL;
}

/* GIL: held. Release what the parent's references were (see above). */
static void
direct_forget_parent(void)
{
    Py_CLEAR(direct_parent_pid);
    Py_CLEAR(direct_parent_active);
}

int
pylog_internal_direct_open(PyObject *logging)
{
    PyObject *owner;

    pylog_internal_direct_close();
    for (int i = 0; i < DIRECT_N_KEYS; i++) {
        pylog_internal_direct_keys[i] =
            PyUnicode_InternFromString(direct_key_text[i]);
        if (pylog_internal_direct_keys[i] == NULL) {
            goto error;
        }
    }
    direct_logging = PyObject_GetAttr(logging, KEY(DICT));
    direct_record_type = PyObject_GetAttrString(logging, "LogRecord");
    direct_templates = PyList_New(0);
    if (direct_logging == NULL || direct_record_type == NULL ||
        direct_templates == NULL) {
        goto error;
    }
    for (int set = 0; set < DIRECT_N_METHOD_SETS; set++) {
        direct_methods *methods = direct_all_methods[set];
        for (int i = 0; i < methods->n; i++) {
            owner = PyObject_GetAttrString(logging, methods->owners[i]);
            if (owner == NULL) {
                goto error;
            }
            methods->originals[i] = PyObject_GetAttr(
                owner, pylog_internal_direct_keys[methods->keys[i]]);
            Py_DECREF(owner);
            if (methods->originals[i] == NULL) {
                goto error;
            }
        }
    }
    direct_threading = direct_global(KEY(THREADING));
    direct_level_names = direct_global(KEY(LEVEL_TO_NAME));
    direct_start_time = direct_global(KEY(START_TIME));
    if (direct_threading == NULL || direct_level_names == NULL ||
        direct_start_time == NULL) {
        direct_threading = direct_level_names = direct_start_time = NULL;
        goto error;
    }
    Py_INCREF(direct_threading); /* borrowed from logging's dict: ours now */
    Py_INCREF(direct_level_names);
    Py_INCREF(direct_start_time);
    owner = PyObject_GetAttrString(direct_threading, "Thread");
    if (owner == NULL) {
        goto error;
    }
    direct_thread_name = PyObject_GetAttr(owner, KEY(NAME));
    Py_DECREF(owner);
    if (direct_thread_name == NULL) {
        goto error;
    }
    return 0;

error:
    pylog_internal_direct_close();
    return -1;
}

void
pylog_internal_direct_close(void)
{
    /* GIL: held. Everything goes, so that nothing survives into a later
       interpreter (Py_Finalize, then Py_Initialize). */
    Py_CLEAR(direct_templates);
    Py_CLEAR(direct_thread_name);
    Py_CLEAR(direct_active);
    Py_CLEAR(direct_start_time);
    Py_CLEAR(direct_level_names);
    Py_CLEAR(direct_threading);
    for (int set = 0; set < DIRECT_N_METHOD_SETS; set++) {
        direct_methods *methods = direct_all_methods[set];
        for (int i = 0; i < methods->n; i++) {
            Py_CLEAR(methods->originals[i]);
        }
        methods->known_type = NULL;
    }
    Py_CLEAR(direct_record_type);
    Py_CLEAR(direct_logging);
    Py_CLEAR(direct_pid);
    direct_forget_parent();
    for (int i = 0; i < DIRECT_N_KEYS; i++) {
        Py_CLEAR(pylog_internal_direct_keys[i]);
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
    /* taskName from 3.12 (delete the test when 3.11 is unsupported) */
    int last = pylog_internal_compat_running(0x030C0000) ? K_TASKNAME
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
        if (PyDict_SetItem(template_, pylog_internal_direct_keys[i],
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

/* Which of `methods`' originals `type` has: bit i for methods->keys[i],
 * or -1 with an exception set. */
static int
direct_type_mask(direct_methods *methods, PyTypeObject *type)
{
    unsigned int tag = pylog_internal_compat_type_version(type);
    PyObject *attribute;
    int mask = 0;

    if (tag != 0 && type == methods->known_type && tag == methods->known_tag) {
        return methods->known_mask;
    }
    for (int i = 0; i < methods->n; i++) {
        attribute = PyObject_GetAttr(
            (PyObject *)type, pylog_internal_direct_keys[methods->keys[i]]);
        if (attribute == NULL) {
            return -1;
        }
        mask |= (attribute == methods->originals[i]) << i;
        Py_DECREF(attribute);
    }
    /* the tag is read after the lookups, which give the type one if it
       had none */
    methods->known_type = type;
    methods->known_tag = pylog_internal_compat_type_version(type);
    methods->known_mask = mask;
    return mask;
}

/* Which of `methods`' originals `obj` has: its type's (as above) that its
 * instance dict does not shadow. A mask, or -1 with an exception set. */
static int
direct_object_mask(direct_methods *methods, PyObject *obj)
{
    PyObject *dict;
    int mask = direct_type_mask(methods, Py_TYPE(obj));

    if (mask <= 0) {
        return mask;
    }
    dict = pylog_internal_compat_instance_dict(obj);
    if (dict == NULL) {
        return PyErr_Occurred() ? -1 : mask; /* no dict: nothing shadows */
    }
    for (int i = 0; PyDict_Check(dict) && i < methods->n; i++) {
        if (PyDict_GetItemWithError(
                dict, pylog_internal_direct_keys[methods->keys[i]]) != NULL) {
            mask &= ~(1 << i);
        }
    }
    Py_DECREF(dict);
    return PyErr_Occurred() ? -1 : mask;
}

/* The bits of direct_logger_methods. */
#define DIRECT_OWN_MAKE_RECORD 1
#define DIRECT_OWN_HANDLING (2 | 4 | 8) /* handle, callHandlers, filter */

int
pylog_internal_direct_applies(PyObject *logger)
{
    PyObject *factory = direct_global(KEY(FACTORY)); /* borrowed */
    int mask, flags = 0, record;

    if (factory == NULL) {
        return -1;
    }
    mask = direct_object_mask(&direct_logger_methods, logger);
    if (mask < 0) {
        return -1;
    }
    if ((mask & DIRECT_OWN_HANDLING) == DIRECT_OWN_HANDLING) {
        flags |= PYLOG_INTERNAL_DIRECT_HANDLE;
    }
    if ((mask & DIRECT_OWN_MAKE_RECORD) == 0) {
        return flags;
    }
    record = factory == direct_record_type
                 ? direct_type_mask(&direct_record_methods,
                                    (PyTypeObject *)direct_record_type)
                 : 0;
    if (record < 0) {
        return -1;
    }
    return flags | (record == 1 ? PYLOG_INTERNAL_DIRECT_RECORD
                                : PYLOG_INTERNAL_DIRECT_FACTORY);
}

int
pylog_internal_direct_handler_applies(PyObject *handler)
{
    int mask = direct_object_mask(&direct_handler_methods, handler);

    return mask < 0 ? -1 : mask == (1 << direct_handler_methods.n) - 1;
}

#undef DIRECT_OWN_HANDLING
#undef DIRECT_OWN_MAKE_RECORD

PyObject *
pylog_internal_direct_factory_make(PyObject *name, int level,
                                   PyObject *pathname, int line,
                                   PyObject *msg, PyObject *exc_info,
                                   PyObject *func)
{
    /* Logger.makeRecord without extra: _logRecordFactory(name, level, fn,
       lno, msg, args, exc_info, func, sinfo), positionally */
    PyObject *factory = direct_global(KEY(FACTORY)); /* borrowed */

    if (factory == NULL) {
        return NULL;
    }
    return PyObject_CallFunction(factory, "OiOiO()OOO", name, level, pathname,
                                 line, msg, exc_info, func, Py_None);
}

/* logging.getLevelName(level): a new reference, or NULL with an exception. */
static PyObject *
direct_level_name(int level)
{
    PyObject *number = PyLong_FromLong(level), *names, *name;

    if (number == NULL) {
        return NULL;
    }
    name = PyObject_GetItem(direct_level_names, number);
    if (name == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        names = direct_global(KEY(NAME_TO_LEVEL));
        name = names == NULL ? NULL : PyObject_GetItem(names, number);
        if (name == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            name = PyUnicode_FromFormat("Level %d", level);
        }
    }
    Py_DECREF(number);
    /* getLevelName treats a stored None as missing; nobody stores one */
    return name;
}

/* threading._active (borrowed), or NULL with an exception set. */
static PyObject *
direct_active_threads(void)
{
    if (direct_active == NULL) {
        direct_forget_parent();
        direct_active = PyObject_GetAttr(direct_threading, KEY(ACTIVE));
    }
    return direct_active;
}

/* thread.name: a new reference, or NULL with an exception set. Where that
 * is Thread's own property, its value is thread._name, read without
 * running the property. */
static PyObject *
direct_thread_name_of(PyObject *thread)
{
    PyObject *property = PyObject_GetAttr((PyObject *)Py_TYPE(thread),
                                          KEY(NAME));
    int own = property == direct_thread_name;

    Py_XDECREF(property);
    if (property == NULL) {
        return NULL;
    }
    return PyObject_GetAttr(thread, own ? KEY(PRIVATE_NAME) : KEY(NAME));
}

/* The name of threading._active[ident], the Python thread with that
 * threading.get_ident(): a new reference; NULL with no exception set when
 * there is none (never started by threading, or ended), NULL with an
 * exception set on failure. GIL: held. */
static PyObject *
direct_active_thread_name(PyObject *ident)
{
    PyObject *active = direct_active_threads(), *thread, *name; /* borrowed */

    if (active == NULL) {
        return NULL;
    }
    if (PyDict_Check(active)) {
        thread = PyDict_GetItemWithError(active, ident); /* borrowed */
        Py_XINCREF(thread);
    }
    else {
        thread = PyObject_GetItem(active, ident);
        if (thread == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
        }
    }
    if (thread == NULL) {
        return NULL;
    }
    name = direct_thread_name_of(thread);
    Py_DECREF(thread);
    return name;
}

/* threading.current_thread().name for the calling thread, whose
 * threading.get_ident() is `ident`: _active[ident], else a new
 * _DummyThread, as current_thread() does. GIL: held. A new reference, or
 * NULL with an exception set. */
static PyObject *
direct_current_thread_name(PyObject *ident)
{
    PyObject *thread, *name = direct_active_thread_name(ident);

    if (name != NULL || PyErr_Occurred()) {
        return name;
    }
    thread = direct_call(direct_threading, KEY(CURRENT_THREAD));
    if (thread == NULL) {
        return NULL;
    }
    name = direct_thread_name_of(thread);
    Py_DECREF(thread);
    return name;
}

PyObject *
pylog_internal_direct_origin_thread_name(const pending_origin *origin)
{
    char fallback[sizeof origin->thread_name];
    const char *text = origin->thread_name;
    PyObject *ident, *name;

    if (origin->python_thread) {
        ident = PyLong_FromUnsignedLong(origin->thread_id);
        if (ident == NULL) {
            return NULL;
        }
        name = direct_active_thread_name(ident);
        Py_DECREF(ident);
        if (name != NULL || PyErr_Occurred()) {
            return name;
        }
        /* the thread has ended since */
        snprintf(fallback, sizeof fallback, "pylog-%lu", origin->thread_id);
        text = fallback;
    }
    return PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
}

/* What LogRecord.__init__ does for processName and taskName:
 *     if not logging.<flag>: None
 *     elif not sys.modules.get(<module>): <fallback>
 *     else: try: <module>.<function>().<attribute> (called if `call`)
 *           except Exception: <fallback>
 * A new reference, or NULL with an exception set. */
static PyObject *
direct_from_module(PyObject *flag, PyObject *module_name, PyObject *function,
                   PyObject *attribute, int call, PyObject *fallback)
{
    PyObject *module, *result, *value;
    int enabled = direct_flag(flag);

    if (enabled <= 0) {
        return enabled < 0 ? NULL : (Py_INCREF(Py_None), Py_None);
    }
    module = PyDict_GetItemWithError(PyImport_GetModuleDict(),
                                     module_name); /* borrowed */
    if (module == NULL || module == Py_None) { /* a module is true */
        if (PyErr_Occurred()) {
            return NULL;
        }
        Py_INCREF(fallback);
        return fallback;
    }
    result = direct_call(module, function);
    value = result == NULL ? NULL
            : call         ? direct_call(result, attribute)
                           : PyObject_GetAttr(result, attribute);
    Py_XDECREF(result);
    if (value == NULL && PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        Py_INCREF(fallback);
        value = fallback;
    }
    return value;
}

/* processName: multiprocessing.current_process().name, else 'MainProcess'. */
static PyObject *
direct_process_name(void)
{
    return direct_from_module(KEY(LOG_MP), KEY(MULTIPROCESSING),
                              KEY(CURRENT_PROCESS), KEY(NAME), 0,
                              KEY(MAIN_PROCESS));
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
        direct_forget_parent();
        direct_pid = PyLong_FromLong((long)getpid());
        if (direct_pid == NULL) {
            return NULL;
        }
    }
    Py_INCREF(direct_pid);
    return direct_pid;
}

/* taskName (3.12+) for a call made now on this thread: the running
 * task's get_name(), else None. */
static PyObject *
direct_task_name(void)
{
    return direct_from_module(KEY(LOG_TASKS), KEY(ASYNCIO), KEY(CURRENT_TASK),
                              KEY(GET_NAME), 1, Py_None);
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

int
pylog_internal_direct_created(int64_t ns, double *created, double *msecs,
                              double *relative)
{
    return pylog_internal_compat_created(ns, direct_start_time, created,
                                         msecs, relative);
}

/* The call's time fields into `dict`, for CLOCK_REALTIME `ns`. */
static int
direct_put_time(PyObject *dict, int64_t ns)
{
    double created, msecs, relative;

    if (pylog_internal_direct_created(ns, &created, &msecs, &relative) < 0) {
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
    PyObject *ident;
    int enabled = direct_flag(KEY(LOG_THREADS)), status;

    if (enabled < 0) {
        return -1;
    }
    if (enabled == 0) {
        return 0; /* the template has None for both */
    }
    ident = PyLong_FromUnsignedLong(origin != NULL
                                        ? origin->thread_id
                                        : PyThread_get_thread_ident());
    if (ident == NULL || PyDict_SetItem(dict, KEY(THREAD), ident) < 0) {
        Py_XDECREF(ident);
        return -1;
    }
    status = direct_put(dict, KEY(THREADNAME),
                        origin != NULL
                            ? pylog_internal_direct_origin_thread_name(origin)
                            : direct_current_thread_name(ident));
    Py_DECREF(ident);
    return status;
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
    /* a record delivered away from its call ran in no task here; taskName
       from 3.12 (delete the test when 3.11 is unsupported) */
    if (origin == NULL && pylog_internal_compat_running(0x030C0000) &&
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
