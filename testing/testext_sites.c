/*
 * testext_sites.c: the second translation unit of testext_a and testext_b
 * (testing/testext.c), for the site registry's tests (sites_test.py): a
 * statement at each level, one that no test ever runs, rate-limited
 * statements of every kind, and C threads without the GIL that run them
 * while Python switches sites. Its target is "testext::sites".
 */
#define PYLOG_TARGET "testext::sites"
#include "pylog/pylog.h"

#include <pthread.h>

int testext_sites_add(PyObject *module);

/* levels(text): one statement per level, formats "sites <level> %s". */
static PyObject *
sites_levels(PyObject *module, PyObject *args)
{
    const char *text;

    (void)module;
    if (!PyArg_ParseTuple(args, "s", &text)) {
        return NULL;
    }
    PYLOG_TRACE("sites trace %s", text);
    PYLOG_DEBUG("sites debug %s", text);
    PYLOG_INFO("sites info %s", text);
    PYLOG_WARN("sites warn %s", text);
    PYLOG_ERROR("sites error %s", text);
    PYLOG_CRITICAL("sites critical %s", text);
    Py_RETURN_NONE;
}

/* never_called(): no test calls it; its statement is listed all the same. */
static PyObject *
sites_never_called(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    PYLOG_INFO("never run %d", 42);
    Py_RETURN_NONE;
}

/* The rate-limited statements, one per kind; each function is one site,
 * whether a Python thread or a C thread runs it. */
enum { RATE_EVERY_N, RATE_FIRST_N, RATE_EVERY_N_SEC, RATE_EVERY_POW_2,
       RATE_LOG_EVERY_N, RATE_KINDS };

static void
sites_rate_once(int kind, double param, int level, int i)
{
    switch (kind) {
    case RATE_EVERY_N:
        PYLOG_WARN_EVERY_N(7, "every_n %d", i);
        break;
    case RATE_FIRST_N:
        PYLOG_WARN_FIRST_N(10, "first_n %d", i);
        break;
    case RATE_EVERY_N_SEC:
        PYLOG_WARN_EVERY_N_SEC(param, "every_n_sec %d", i);
        break;
    case RATE_EVERY_POW_2:
        PYLOG_WARN_EVERY_POW_2("every_pow_2 %d", i);
        break;
    case RATE_LOG_EVERY_N:
        PYLOG_LOG_EVERY_N(level, (int)param, "log_every_n %d", i);
        break;
    }
}

/* rate(kind, count, param=0.0, level=30): run statement `kind` count
 * times on this thread (holding the GIL). */
static PyObject *
sites_rate(PyObject *module, PyObject *args)
{
    int kind, count, level = PYLOG_LEVEL_WARN;
    double param = 0.0;

    (void)module;
    if (!PyArg_ParseTuple(args, "ii|di", &kind, &count, &param, &level)) {
        return NULL;
    }
    if (kind < 0 || kind >= RATE_KINDS) {
        PyErr_SetString(PyExc_ValueError, "no such kind");
        return NULL;
    }
    for (int i = 0; i < count; i++) {
        sites_rate_once(kind, param, level, i);
    }
    Py_RETURN_NONE;
}

#define SITES_MAX_THREADS 16

typedef struct sites_worker {
    pthread_t thread;
    int index;
    int kind; /* a RATE_* kind, or -1: spin_once */
    int count;
    double param;
} sites_worker;

/* The statement the switching tests toggle: DEBUG, off by the filters
 * unless switched on. */
static void
sites_spin_once(int thread, int i)
{
    PYLOG_DEBUG("spin %d:%d", thread, i);
}

static void *
sites_worker_main(void *arg)
{
    const sites_worker *worker = (const sites_worker *)arg;

    for (int i = 0; i < worker->count; i++) {
        if (worker->kind < 0) {
            sites_spin_once(worker->index, i);
        }
        else {
            sites_rate_once(worker->kind, worker->param, PYLOG_LEVEL_WARN,
                            i);
        }
    }
    return NULL;
}

/* Run `n` C threads without the GIL, each `count` times; thread t gets
 * index first + t. */
static PyObject *
sites_run_threads(int n, int first, int kind, int count, double param)
{
    sites_worker workers[SITES_MAX_THREADS];
    int started = 0;

    if (n < 1 || n > SITES_MAX_THREADS) {
        PyErr_SetString(PyExc_ValueError, "1 to 16 threads");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    for (; started < n; started++) {
        workers[started].index = first + started;
        workers[started].kind = kind;
        workers[started].count = count;
        workers[started].param = param;
        if (pthread_create(&workers[started].thread, NULL,
                           sites_worker_main, &workers[started]) != 0) {
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

/* rate_from_threads(kind, threads, count, param=0.0): the rate statement
 * `kind`, count times on each of `threads` C threads without the GIL;
 * returns once they ended (records may still be queued). */
static PyObject *
sites_rate_from_threads(PyObject *module, PyObject *args)
{
    int kind, n, count;
    double param = 0.0;

    (void)module;
    if (!PyArg_ParseTuple(args, "iii|d", &kind, &n, &count, &param)) {
        return NULL;
    }
    if (kind < 0 || kind >= RATE_KINDS) {
        PyErr_SetString(PyExc_ValueError, "no such kind");
        return NULL;
    }
    return sites_run_threads(n, 0, kind, count, param);
}

/* spin(thread, count, first=0): the toggled statement, count times, on
 * this thread (holding the GIL); messages "spin <thread>:<i>", i from
 * `first`. */
static PyObject *
sites_spin(PyObject *module, PyObject *args)
{
    int thread, count, first = 0;

    (void)module;
    if (!PyArg_ParseTuple(args, "ii|i", &thread, &count, &first)) {
        return NULL;
    }
    for (int i = first; i < first + count; i++) {
        sites_spin_once(thread, i);
    }
    Py_RETURN_NONE;
}

/* The C threads of spin_start(), which log until spin_stop(). */
static sites_worker sites_spinners[SITES_MAX_THREADS];
static int sites_spinners_started;
static int sites_spinning; /* atomic: the spinners go on while set */
static long sites_spun;    /* atomic: statements the spinners ran */

static void *
sites_spinner_main(void *arg)
{
    sites_worker *worker = (sites_worker *)arg;
    int i = 0;

    /* acquire: pairs with spin_stop's release (nothing else is shared) */
    for (; __atomic_load_n(&sites_spinning, __ATOMIC_ACQUIRE); i++) {
        sites_spin_once(worker->index, i);
        /* relaxed: a progress count */
        __atomic_fetch_add(&sites_spun, 1, __ATOMIC_RELAXED);
    }
    worker->count = i;
    return NULL;
}

/* spin_start(threads): `threads` C threads without the GIL run the toggled
 * statement ("spin <100+t>:<i>") until spin_stop(). */
static PyObject *
sites_spin_start(PyObject *module, PyObject *args)
{
    int n;

    (void)module;
    if (!PyArg_ParseTuple(args, "i", &n)) {
        return NULL;
    }
    if (n < 1 || n > SITES_MAX_THREADS || sites_spinners_started > 0) {
        PyErr_SetString(PyExc_ValueError,
                        "1 to 16 threads, and not while spinning");
        return NULL;
    }
    __atomic_store_n(&sites_spun, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&sites_spinning, 1, __ATOMIC_RELEASE);
    for (; sites_spinners_started < n; sites_spinners_started++) {
        sites_worker *worker = &sites_spinners[sites_spinners_started];
        worker->index = 100 + sites_spinners_started;
        if (pthread_create(&worker->thread, NULL, sites_spinner_main,
                           worker) != 0) {
            PyErr_SetString(PyExc_OSError, "pthread_create failed");
            return NULL; /* spin_stop() joins those started */
        }
    }
    Py_RETURN_NONE;
}

/* spin_progress() -> the statements the spinners ran so far. */
static PyObject *
sites_spin_progress(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyLong_FromLong(__atomic_load_n(&sites_spun, __ATOMIC_RELAXED));
}

/* spin_stop() -> the number of statements the spinners ran. */
static PyObject *
sites_spin_stop(PyObject *module, PyObject *unused)
{
    long total = 0;

    (void)module;
    (void)unused;
    __atomic_store_n(&sites_spinning, 0, __ATOMIC_RELEASE);
    Py_BEGIN_ALLOW_THREADS
    for (int i = 0; i < sites_spinners_started; i++) {
        pthread_join(sites_spinners[i].thread, NULL);
        total += sites_spinners[i].count;
    }
    Py_END_ALLOW_THREADS
    sites_spinners_started = 0;
    return PyLong_FromLong(total);
}

/* spin_from_threads(threads, count): the toggled statement from C threads
 * without the GIL, thread t logging "spin t:<i>" (t from 100 up, so they
 * differ from spin()'s Python threads). */
static PyObject *
sites_spin_from_threads(PyObject *module, PyObject *args)
{
    int n, count;

    (void)module;
    if (!PyArg_ParseTuple(args, "ii", &n, &count)) {
        return NULL;
    }
    return sites_run_threads(n, 100, -1, count, 0.0);
}

static PyMethodDef sites_methods[] = {
    {"levels", sites_levels, METH_VARARGS, NULL},
    {"never_called", sites_never_called, METH_NOARGS, NULL},
    {"rate", sites_rate, METH_VARARGS, NULL},
    {"rate_from_threads", sites_rate_from_threads, METH_VARARGS, NULL},
    {"spin", sites_spin, METH_VARARGS, NULL},
    {"spin_from_threads", sites_spin_from_threads, METH_VARARGS, NULL},
    {"spin_start", sites_spin_start, METH_VARARGS, NULL},
    {"spin_progress", sites_spin_progress, METH_NOARGS, NULL},
    {"spin_stop", sites_spin_stop, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

/* Add this unit's functions to the module, and the rate kinds as
 * RATE_EVERY_N .. RATE_LOG_EVERY_N. 0, or -1 with an exception set. */
int
testext_sites_add(PyObject *module)
{
    if (PyModule_AddFunctions(module, sites_methods) < 0 ||
        PyModule_AddIntConstant(module, "RATE_EVERY_N", RATE_EVERY_N) < 0 ||
        PyModule_AddIntConstant(module, "RATE_FIRST_N", RATE_FIRST_N) < 0 ||
        PyModule_AddIntConstant(module, "RATE_EVERY_N_SEC",
                                RATE_EVERY_N_SEC) < 0 ||
        PyModule_AddIntConstant(module, "RATE_EVERY_POW_2",
                                RATE_EVERY_POW_2) < 0 ||
        PyModule_AddIntConstant(module, "RATE_LOG_EVERY_N",
                                RATE_LOG_EVERY_N) < 0) {
        return -1;
    }
    return 0;
}
