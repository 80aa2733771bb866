/*
 * testext.c: an extension module for pylog's Python-level tests, built twice
 * (testext_a, testext_b: TESTEXT_NAME) to show that two extensions embedding
 * pylog in one process stay independent. Exposes the C API to Python, and
 * pylog's control object as `pylog`. With testext_sites.c, its second
 * translation unit (the site registry's statements).
 */
#define PYLOG_TARGET "testext"
#include "pylog/pylog.h"

#include <pthread.h>

#define TESTEXT_CAT(A, B) A##B
#define TESTEXT_INIT(NAME) TESTEXT_CAT(PyInit_, NAME)
#define TESTEXT_STR(NAME) #NAME
#define TESTEXT_NAME_STRING(NAME) TESTEXT_STR(NAME)

/* install(filter, rules, caching, prefix, default_target) -> status.
 * rules: a sequence of (target, level). -1 raises (pylog set the error). */
static PyObject *
testext_install(PyObject *module, PyObject *args)
{
    pylog_config config;
    pylog_target_filter rules[8];
    PyObject *rule_list;
    Py_ssize_t n;
    int status;

    (void)module;
    pylog_config_init(&config);
    if (!PyArg_ParseTuple(args, "iOizz", &config.filter, &rule_list,
                          &config.caching, &config.prefix,
                          &config.default_target)) {
        return NULL;
    }
    n = PySequence_Length(rule_list);
    if (n < 0 || n > 8) {
        PyErr_SetString(PyExc_ValueError, "at most 8 rules");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_GetItem(rule_list, i);
        int ok = item != NULL && PyArg_ParseTuple(item, "si", &rules[i].target,
                                                  &rules[i].level);
        Py_XDECREF(item); /* the tuple's strings live in rule_list */
        if (!ok) {
            return NULL;
        }
    }
    config.target_filters = rules;
    config.n_target_filters = (size_t)n;
    status = pylog_install(&config);
    if (status == PYLOG_ERR_PYTHON) {
        return NULL;
    }
    return PyLong_FromLong(status);
}

/* install_sites(site_control, site_env_var, filter=DEBUG) -> status:
 * pylog_install() with the defaults but these (None: NULL). */
static PyObject *
testext_install_sites(PyObject *module, PyObject *args)
{
    pylog_config config;
    int status;

    (void)module;
    pylog_config_init(&config);
    if (!PyArg_ParseTuple(args, "zz|i", &config.site_control,
                          &config.site_env_var, &config.filter)) {
        return NULL;
    }
    status = pylog_install(&config);
    if (status == PYLOG_ERR_PYTHON) {
        return NULL;
    }
    return PyLong_FromLong(status);
}

/* whoami(): an INFO statement whose format names this module, so that each
 * of testext_a and testext_b has a site the other has not. */
static PyObject *
testext_whoami(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    PYLOG_INFO("I am " TESTEXT_NAME_STRING(TESTEXT_NAME));
    Py_RETURN_NONE;
}

static PyObject *
testext_status(int status)
{
    if (status == PYLOG_ERR_PYTHON) {
        return NULL;
    }
    return PyLong_FromLong(status);
}

static PyObject *
testext_try_init(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return testext_status(pylog_try_init());
}

static PyObject *
testext_init(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return testext_status(pylog_init());
}

/* log(level, message) at target "testext"; log_other at "testext::other". */
static PyObject *
testext_log(PyObject *module, PyObject *args)
{
    int level;
    const char *text;

    (void)module;
    if (!PyArg_ParseTuple(args, "is", &level, &text)) {
        return NULL;
    }
    PYLOG_LOG(level, "%s", text);
    Py_RETURN_NONE;
}

static PyObject *
testext_log_other(PyObject *module, PyObject *args)
{
    int level;
    const char *text;

    (void)module;
    if (!PyArg_ParseTuple(args, "is", &level, &text)) {
        return NULL;
    }
    PYLOG_LOG_TARGET("testext::other", level, "%s", text);
    Py_RETURN_NONE;
}

#define TESTEXT_MAX_THREADS 16

typedef struct testext_worker {
    pthread_t thread;
    int index;
    int count;
} testext_worker;

/* One C thread that never holds the GIL: WARNING "<index>:<i>" count times. */
static void *
testext_worker_main(void *arg)
{
    const testext_worker *worker = (const testext_worker *)arg;

    for (int i = 0; i < worker->count; i++) {
        PYLOG_WARN("%d:%d", worker->index, i);
    }
    return NULL;
}

/* log_from_threads(n, count): n C threads log `count` records each without
 * the GIL; returns once they ended, without flushing: the records are
 * queued for pylog's delivery thread or the next flush. */
static PyObject *
testext_log_from_threads(PyObject *module, PyObject *args)
{
    testext_worker workers[TESTEXT_MAX_THREADS];
    int n, count, started = 0;

    (void)module;
    if (!PyArg_ParseTuple(args, "ii", &n, &count)) {
        return NULL;
    }
    if (n < 1 || n > TESTEXT_MAX_THREADS) {
        PyErr_SetString(PyExc_ValueError, "1 to 16 threads");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    for (; started < n; started++) {
        workers[started].index = started;
        workers[started].count = count;
        if (pthread_create(&workers[started].thread, NULL,
                           testext_worker_main, &workers[started]) != 0) {
            break;
        }
    }
    for (int i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
    }
    Py_END_ALLOW_THREADS
    if (started < n) {
        PyErr_SetString(PyExc_OSError, "pthread_create failed");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
testext_flush(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyLong_FromLong(pylog_flush());
}

static PyObject *
testext_enabled(PyObject *module, PyObject *args)
{
    int level;

    (void)module;
    if (!PyArg_ParseTuple(args, "i", &level)) {
        return NULL;
    }
    return PyBool_FromLong(PYLOG_ENABLED(level));
}

static PyObject *
testext_reset(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    pylog_reset();
    Py_RETURN_NONE;
}

/* stats() -> (emitted, dropped, errors) */
static PyObject *
testext_stats(PyObject *module, PyObject *unused)
{
    pylog_stats stats;

    (void)module;
    (void)unused;
    pylog_get_stats(&stats);
    return Py_BuildValue("(KKK)", (unsigned long long)stats.emitted,
                         (unsigned long long)stats.dropped,
                         (unsigned long long)stats.errors);
}

static PyMethodDef testext_methods[] = {
    {"install", testext_install, METH_VARARGS, NULL},
    {"install_sites", testext_install_sites, METH_VARARGS, NULL},
    {"whoami", testext_whoami, METH_NOARGS, NULL},
    {"try_init", testext_try_init, METH_NOARGS, NULL},
    {"init", testext_init, METH_NOARGS, NULL},
    {"log", testext_log, METH_VARARGS, NULL},
    {"log_other", testext_log_other, METH_VARARGS, NULL},
    {"enabled", testext_enabled, METH_VARARGS, NULL},
    {"log_from_threads", testext_log_from_threads, METH_VARARGS, NULL},
    {"flush", testext_flush, METH_NOARGS, NULL},
    {"reset", testext_reset, METH_NOARGS, NULL},
    {"stats", testext_stats, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef testext_module = {
    PyModuleDef_HEAD_INIT, TESTEXT_NAME_STRING(TESTEXT_NAME), NULL, -1,
    testext_methods, NULL, NULL, NULL, NULL};

int testext_sites_add(PyObject *module); /* testext_sites.c */

/* The module, with pylog's control object as `pylog`. */
PyMODINIT_FUNC
TESTEXT_INIT(TESTEXT_NAME)(void)
{
    PyObject *module = PyModule_Create(&testext_module);

    if (module != NULL && (pylog_add_control(module) < 0 ||
                           testext_sites_add(module) < 0)) {
        Py_CLEAR(module);
    }
    return module;
}
