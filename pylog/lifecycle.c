/*
 * lifecycle.c: pylog's life in a process: pylog_install (and try_init,
 * init), which undoes every step it made when a later one fails and puts
 * every site's switch back to default before the start-up site queries; the
 * atexit hook that uninstalls while the interpreter is still whole; the
 * fork handlers of every file that owns a lock or per-process state; and
 * installing again after Py_Finalize() and a new Py_Initialize().
 *
 * Globals, guarded by the GIL:
 *   lifecycle_exit_registered  whether this interpreter's `atexit` holds
 *                              our hook (cleared when the hook runs, so
 *                              the next interpreter registers it again).
 *   lifecycle_retired          the exit hook stopped pylog and kept the
 *                              bridge's Python objects for statements
 *                              still under way; the next install abandons
 *                              them (pylog_internal_compat_drop).
 *   pylog_internal_install_fault  tests only (internal/lifecycle.h).
 * lifecycle_fork_once: the fork handlers are registered once per process.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/compat.h"
#include "internal/config.h"
#include "internal/delivery.h"
#include "internal/dynamic_site.h"
#include "internal/generation.h"
#include "internal/lifecycle.h"
#include "internal/logging_hooks.h"
#include "internal/drain.h"
#include "internal/record_origin.h"
#include "internal/sites.h"

#include <pthread.h>

static int lifecycle_exit_registered;
static int lifecycle_retired;
static pthread_once_t lifecycle_fork_once = PTHREAD_ONCE_INIT;
static int lifecycle_fork_status;
int pylog_internal_install_fault;

/* Fails the install after step `step` when a test asked for it. 0, or -1
 * with RuntimeError. */
static int
lifecycle_step_done(int step)
{
    if (pylog_internal_install_fault != step) {
        return 0;
    }
    pylog_internal_install_fault = 0;
    PyErr_Format(PyExc_RuntimeError, "pylog: injected fault after step %d",
                 step);
    return -1;
}

/* Deliver what is queued while everything still stands; then no
 * statement starts, what came in meanwhile is counted as dropped, and the
 * configuration goes. The bridge's Python objects stay. GIL: held. */
static void
lifecycle_stop(void)
{
    pylog_internal_delivery_close();
    pylog_internal_generation_stop();
    pylog_internal_drain_discard();
    pylog_internal_config_withdraw();
}

/* atexit callback: shut pylog down while the interpreter is still whole,
 * so statements from here on (daemon threads, __del__, later atexit
 * callbacks) are no-ops. The bridge's Python objects are kept for the
 * statements under way (retired); the next install, in the interpreter
 * that follows, abandons them (they were that interpreter's). */
static PyObject *
lifecycle_exit(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    lifecycle_exit_registered = 0;
    if (pylog_internal_config_installed()) {
        /* A daemon thread may be inside a statement that passed the gates
           before this (in a handler that let the GIL go, or building a
           record while Python code runs): what it uses stays. */
        lifecycle_stop();
        lifecycle_retired = 1;
    }
    pylog_internal_hooks_release();
    Py_RETURN_NONE;
}

static PyMethodDef lifecycle_exit_def = {
    "pylog_shutdown", lifecycle_exit, METH_NOARGS,
    "Shut pylog down before the interpreter finalizes."};

/* Register lifecycle_exit with `atexit` once per interpreter. 0, or -1
 * with an exception set. */
static int
lifecycle_register_exit(void)
{
    PyObject *atexit, *hook, *result;

    if (lifecycle_exit_registered) {
        return 0;
    }
    atexit = PyImport_ImportModule("atexit");
    if (atexit == NULL) {
        return -1;
    }
    hook = PyCFunction_New(&lifecycle_exit_def, NULL);
    if (hook == NULL) {
        Py_DECREF(atexit);
        return -1;
    }
    result = PyObject_CallMethod(atexit, "register", "(O)", hook);
    Py_DECREF(hook);
    Py_DECREF(atexit);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    lifecycle_exit_registered = 1;
    return 0;
}

/* Locks are taken in this order before fork() and released in the other
 * order after it, in both processes. */
static void
lifecycle_before_fork(void)
{
    pylog_internal_generation_fork(PYLOG_INTERNAL_FORK_PREPARE);
    pylog_internal_config_fork(PYLOG_INTERNAL_FORK_PREPARE);
    pylog_internal_dynamic_site_fork(PYLOG_INTERNAL_FORK_PREPARE);
    pylog_internal_drain_fork(PYLOG_INTERNAL_FORK_PREPARE);
}

static void
lifecycle_after_fork(int phase)
{
    pylog_internal_drain_fork(phase);
    pylog_internal_dynamic_site_fork(phase);
    pylog_internal_config_fork(phase);
    pylog_internal_generation_fork(phase);
}

static void
lifecycle_after_fork_parent(void)
{
    lifecycle_after_fork(PYLOG_INTERNAL_FORK_PARENT);
}

/* The child is a new process with one thread: the drain's state and the
 * threads' buffers start over (drain.c), and the record's per-process values (the
 * pid, threading's tables) are asked again at its first record. */
static void
lifecycle_after_fork_child(void)
{
    lifecycle_after_fork(PYLOG_INTERNAL_FORK_CHILD);
    pylog_internal_record_after_fork_child();
}

static void
lifecycle_register_fork_once(void)
{
    lifecycle_fork_status =
        pthread_atfork(lifecycle_before_fork, lifecycle_after_fork_parent,
                       lifecycle_after_fork_child);
}

/* Once per process. 0, or -1 with MemoryError (pthread_atfork's only
 * failure). */
static int
lifecycle_register_fork(void)
{
    pthread_once(&lifecycle_fork_once, lifecycle_register_fork_once);
    if (lifecycle_fork_status != 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

int
pylog_install(const pylog_config *config)
{
    int gil = Py_IsInitialized() ? pylog_internal_compat_gil()
                                 : COMPAT_GIL_NONE;
    site_query_list site_queries;
    config_data *fresh;

    /* Without an interpreter, or without the GIL, no exception can be set. */
    if (gil == COMPAT_GIL_NONE) {
        return PYLOG_ERR_INVALID_ARGUMENT;
    }
    if (gil == COMPAT_GIL_OTHER) {
        PyErr_SetString(PyExc_ImportError,
                        "pylog: an extension logging through pylog can be "
                        "used only in the main interpreter, not in a "
                        "sub-interpreter");
        return PYLOG_ERR_PYTHON;
    }
    if (pylog_internal_config_installed()) {
        return PYLOG_ERR_ALREADY_INSTALLED;
    }
    if (lifecycle_retired) {
        /* The objects the exit hook kept belong to an interpreter that
           has finalized (or to this one, after a manual run of the exit
           functions: then they are merely leaked). */
        pylog_internal_compat_forget(1);
        pylog_internal_bridge_uninstall();
        pylog_internal_compat_forget(0);
        pylog_internal_drain_abandon();
        lifecycle_retired = 0;
    }
    /* Each step is undone, in reverse, when a later one fails. The exit
       hook stays registered (it finds nothing to do), as do the fork
       handlers (they find nothing to do) and logging's hooks. */
    fresh = pylog_internal_config_build(config);
    if (fresh == NULL) {
        return PYLOG_ERR_PYTHON;
    }
    if (lifecycle_step_done(1) < 0) {
        goto free_config;
    }
    if (pylog_internal_bridge_install() < 0) {
        goto free_config;
    }
    if (lifecycle_step_done(2) < 0 || lifecycle_register_exit() < 0 ||
        lifecycle_step_done(3) < 0) {
        goto uninstall_bridge;
    }
    if (pylog_internal_delivery_open(config->delivery,
                                     config->thread_buffer_bytes,
                                     config->queue_capacity,
                                     config->flush_stall_ms) < 0) {
        goto uninstall_bridge;
    }
    if (lifecycle_step_done(4) < 0 || lifecycle_register_fork() < 0 ||
        lifecycle_step_done(5) < 0) {
        goto close_delivery;
    }
    pylog_internal_config_take_site_queries(fresh, &site_queries);
    pylog_internal_config_publish(fresh);
    /* Every site back to default, then the start-up queries: the
       generation started next publishes the switches with the rest. */
    pylog_internal_sites_start(&site_queries);
    pylog_internal_generation_start();
    return PYLOG_OK;

close_delivery:
    pylog_internal_delivery_close();
    pylog_internal_drain_discard();
uninstall_bridge:
    pylog_internal_bridge_uninstall();
free_config:
    pylog_internal_config_free(fresh);
    return PYLOG_ERR_PYTHON;
}

int
pylog_try_init(void)
{
    pylog_config config;

    pylog_config_init(&config);
    return pylog_install(&config);
}

int
pylog_init(void)
{
    int status = pylog_try_init();

    if (status == PYLOG_ERR_ALREADY_INSTALLED) {
        PyErr_SetString(PyExc_RuntimeError,
                        "pylog_init: pylog is already installed in this "
                        "extension module (use pylog_try_init to allow it)");
        return PYLOG_ERR_PYTHON;
    }
    return status;
}

void
pylog_internal_uninstall(void)
{
    /* GIL: held */
    if (!pylog_internal_config_installed()) {
        return;
    }
    lifecycle_stop();
    pylog_internal_bridge_uninstall();
}
