/*
 * config.c: pylog_config_init, pylog_install, pylog_try_init, pylog_init and
 * the installed configuration that every thread reads.
 *
 * Globals:
 *   config_installed  guarded by the GIL (install and uninstall hold it).
 *   config_caching    atomic; stored before the generation that publishes it.
 *   config_state      prefix, default target and filter rules; guarded by
 *                     config_lock.
 * Lock: config_lock is held for one lookup or one swap of config_state and
 * nothing else; no thread waits for the GIL while holding it.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/bridge.h"
#include "internal/config.h"
#include "internal/filter.h"
#include "internal/name.h"
#include "internal/slot.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct config_data {
    char *prefix;         /* owned; NULL: none */
    char *default_target; /* owned; NULL: the file's stem */
    filter_rules filters;
} config_data;

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static config_data config_state = {NULL, NULL, {PYLOG_LEVEL_OFF, NULL, 0}};
static int config_caching = PYLOG_CACHE_LOGGERS_AND_LEVELS;
static int config_installed;

void
pylog_config_init(pylog_config *config)
{
    if (config == NULL) {
        return;
    }
    config->filter = PYLOG_LEVEL_DEBUG;
    config->target_filters = NULL;
    config->n_target_filters = 0;
    config->caching = PYLOG_CACHE_LOGGERS_AND_LEVELS;
    config->prefix = NULL;
    config->default_target = NULL;
}

/* GIL: held. 0, or -1 with TypeError/ValueError naming the bad field. */
static int
config_check(const pylog_config *config)
{
    if (config == NULL) {
        PyErr_SetString(PyExc_TypeError, "pylog_install: config is NULL");
        return -1;
    }
    if (config->filter < 0 || config->filter > PYLOG_LEVEL_OFF) {
        PyErr_Format(PyExc_ValueError,
                     "pylog_install: filter level %d is outside 0..%d",
                     config->filter, PYLOG_LEVEL_OFF);
        return -1;
    }
    if (config->caching < PYLOG_CACHE_NOTHING ||
        config->caching > PYLOG_CACHE_LOGGERS_AND_LEVELS) {
        PyErr_Format(PyExc_ValueError,
                     "pylog_install: caching mode %d is not a PYLOG_CACHE_*",
                     config->caching);
        return -1;
    }
    if (config->n_target_filters > 0 && config->target_filters == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "pylog_install: target_filters is NULL but "
                     "n_target_filters is %zu",
                     config->n_target_filters);
        return -1;
    }
    for (size_t i = 0; i < config->n_target_filters; i++) {
        const pylog_target_filter *rule = &config->target_filters[i];
        if (rule->target == NULL) {
            PyErr_Format(PyExc_TypeError,
                         "pylog_install: target_filters[%zu].target is NULL",
                         i);
            return -1;
        }
        if (rule->target[0] == '\0') {
            PyErr_Format(PyExc_ValueError,
                         "pylog_install: target_filters[%zu].target is empty",
                         i);
            return -1;
        }
        if (rule->level < 0 || rule->level > PYLOG_LEVEL_OFF) {
            PyErr_Format(PyExc_ValueError,
                         "pylog_install: target_filters[%zu] (\"%s\") level "
                         "%d is outside 0..%d",
                         i, rule->target, rule->level, PYLOG_LEVEL_OFF);
            return -1;
        }
    }
    return 0;
}

/* A heap copy of `text`, or NULL for NULL. Sets MemoryError on failure. */
static int
config_copy_string(const char *text, char **copy)
{
    *copy = NULL;
    if (text == NULL) {
        return 0;
    }
    *copy = (char *)malloc(strlen(text) + 1);
    if (*copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    strcpy(*copy, text);
    return 0;
}

static void
config_data_clear(config_data *data)
{
    free(data->prefix);
    free(data->default_target);
    pylog_internal_filter_rules_clear(&data->filters);
    data->prefix = NULL;
    data->default_target = NULL;
    data->filters.level = PYLOG_LEVEL_OFF;
}

int
pylog_install(const pylog_config *config)
{
    config_data fresh = {NULL, NULL, {PYLOG_LEVEL_OFF, NULL, 0}};
    config_data old;

    /* Without an interpreter, or without the GIL, no exception can be set. */
    if (!Py_IsInitialized() || !PyGILState_Check()) {
        return PYLOG_ERR_INVALID_ARGUMENT;
    }
    if (config_installed) {
        return PYLOG_ERR_ALREADY_INSTALLED;
    }
    if (config_check(config) < 0) {
        return PYLOG_ERR_PYTHON;
    }
    if (config_copy_string(config->prefix, &fresh.prefix) < 0 ||
        config_copy_string(config->default_target, &fresh.default_target) < 0) {
        goto error;
    }
    if (pylog_internal_filter_rules_init(&fresh.filters, config->filter,
                                         config->target_filters,
                                         config->n_target_filters) < 0) {
        PyErr_NoMemory();
        goto error;
    }
    if (pylog_internal_bridge_install() < 0) {
        goto error;
    }
    /* config_lock: swap in the new data; released right below. */
    pthread_mutex_lock(&config_lock);
    old = config_state;
    config_state = fresh;
    pthread_mutex_unlock(&config_lock);
    config_data_clear(&old);
    /* relaxed: the release store of the new generation publishes it */
    __atomic_store_n(&config_caching, config->caching, __ATOMIC_RELAXED);
    config_installed = 1;
    pylog_internal_slot_start();
    return PYLOG_OK;

error:
    config_data_clear(&fresh);
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
pylog_internal_config_uninstall(void)
{
    config_data old;

    /* GIL: held */
    if (!config_installed) {
        return;
    }
    pylog_internal_slot_stop();
    pylog_internal_bridge_uninstall();
    /* config_lock: swap out the data; freed after the release below. */
    pthread_mutex_lock(&config_lock);
    old = config_state;
    config_state.prefix = NULL;
    config_state.default_target = NULL;
    config_state.filters.rules = NULL;
    config_state.filters.n_rules = 0;
    config_state.filters.level = PYLOG_LEVEL_OFF;
    pthread_mutex_unlock(&config_lock);
    config_data_clear(&old);
    config_installed = 0;
}

int
pylog_internal_config_caching(void)
{
    /* relaxed: callers loaded the generation with acquire first */
    return __atomic_load_n(&config_caching, __ATOMIC_RELAXED);
}

int
pylog_internal_config_threshold(const char *target, const char *file)
{
    char *dotted;
    int threshold;

    /* config_lock: held for the lookup; released before returning. */
    pthread_mutex_lock(&config_lock);
    dotted = pylog_internal_name_build(NULL, target,
                                       config_state.default_target, file);
    threshold = dotted != NULL ? pylog_internal_filter_threshold(
                                     &config_state.filters, dotted)
                               : -1;
    pthread_mutex_unlock(&config_lock);
    free(dotted);
    return threshold;
}

char *
pylog_internal_config_logger_name(const char *target, const char *file)
{
    char *name;

    /* config_lock: held for the copy; released before returning. */
    pthread_mutex_lock(&config_lock);
    name = pylog_internal_name_build(config_state.prefix, target,
                                     config_state.default_target, file);
    pthread_mutex_unlock(&config_lock);
    return name;
}
