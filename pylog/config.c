/*
 * config.c: the installed configuration every thread reads (prefix,
 * default target, filter rules, caching mode): pylog_config_init, the
 * checks and the build of a pylog_config into the data that lifecycle.c
 * publishes at install (with the start-up site queries, which lifecycle.c
 * hands to sites.c), and the run-time filter setters.
 *
 * Globals:
 *   config_state    installed flag, prefix, default target and filter rules;
 *                   guarded by config_lock.
 *   config_caching  atomic; stored before the generation that publishes it.
 * Lock: config_lock is held for one lookup, one copy or one change of
 * config_state and nothing else; no thread waits for the GIL while holding
 * it. Building a configuration needs the GIL (it raises and warns).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/config_check.h"
#include "internal/filter_spec.h"
#include "internal/generation.h"
#include "internal/name.h"
#include "internal/site_query.h"
#include "internal/tunables.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct config_data {
    int installed;
    char *prefix;         /* owned; NULL: none */
    char *default_target; /* owned; NULL: the file's stem */
    filter_rules filters;
    int caching;
    site_query_list site_queries; /* owned until taken at install */
};

#define CONFIG_DATA_EMPTY                                    \
    {0,                                                      \
     NULL,                                                   \
     NULL,                                                   \
     {PYLOG_LEVEL_OFF, NULL, 0, 0},                          \
     PYLOG_CACHE_LOGGERS_AND_LEVELS,                         \
     SITE_QUERY_LIST_EMPTY}

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static config_data config_state = CONFIG_DATA_EMPTY;
static int config_caching = PYLOG_CACHE_LOGGERS_AND_LEVELS;

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
    config->filter_spec = NULL;
    config->env_var = "PYLOG_FILTER";
    config->delivery = PYLOG_DELIVERY_AUTO;
    config->queue_capacity = PYLOG_TUNE_QUEUE_CAPACITY;
    config->thread_buffer_bytes = PYLOG_TUNE_THREAD_BUFFER_BYTES;
    config->flush_stall_ms = PYLOG_TUNE_FLUSH_STALL_MS;
    config->site_control = NULL;
    config->site_env_var = "PYLOG_SITES";
}

/* Apply a filter spec to *table. A bad directive raises ValueError when
 * `strict`, else warns (RuntimeWarning) and is skipped. GIL: held. 0, or -1
 * with an exception set. `origin` names the spec in messages. */
static int
config_apply_spec(filter_rules *table, const char *spec, int strict,
                  const char *origin)
{
    spec_cursor cursor;
    spec_directive directive;
    spec_error error;
    int status;

    pylog_internal_spec_start(&cursor, spec);
    while ((status = pylog_internal_spec_next(&cursor, &directive, &error))) {
        if (status < 0) {
            /* PyErr_Format has no "%.*s": name the directive as an object */
            PyObject *bad = PyUnicode_DecodeUTF8(
                spec + error.offset, (Py_ssize_t)error.length, "replace");
            if (bad == NULL) {
                return -1;
            }
            if (strict) {
                PyErr_Format(PyExc_ValueError,
                             "pylog_install: %s: bad directive '%U' "
                             "(directive %zu, at offset %zu): %s",
                             origin, bad, error.index + 1, error.offset,
                             error.reason);
                Py_DECREF(bad);
                return -1;
            }
            status = PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                                      "pylog: %s: skipping bad directive "
                                      "'%U' (directive %zu, at offset %zu): "
                                      "%s",
                                      origin, bad, error.index + 1,
                                      error.offset, error.reason);
            Py_DECREF(bad);
            if (status < 0) {
                return -1;
            }
            continue;
        }
        if (directive.target == NULL) {
            table->level = directive.level;
        }
        else if (pylog_internal_filter_rules_set(
                     table, directive.target, directive.target_length,
                     directive.level) < 0) {
            PyErr_NoMemory();
            return -1;
        }
    }
    return 0;
}

/* Parse the site queries of `text` into *list. A bad query raises
 * ValueError when `strict`, else warns (RuntimeWarning) and is skipped.
 * GIL: held. 0, or -1 with an exception set. `origin` names the text in
 * messages. */
static int
config_parse_site_queries(site_query_list *list, const char *text,
                          int strict, const char *origin)
{
    site_query_cursor cursor;
    site_query_error error;
    site_query *query;
    int status;

    pylog_internal_site_query_start(&cursor, text);
    while ((status = pylog_internal_site_query_next(&cursor, &query,
                                                    &error))) {
        if (status > 0) {
            if (pylog_internal_site_query_list_add(list, query) < 0) {
                PyErr_NoMemory();
                return -1;
            }
            continue;
        }
        if (error.no_memory) {
            PyErr_NoMemory();
            return -1;
        }
        /* PyErr_Format has no "%.*s": name the word as an object */
        PyObject *bad = PyUnicode_DecodeUTF8(
            text + error.offset, (Py_ssize_t)error.length, "replace");
        if (bad == NULL) {
            return -1;
        }
        if (strict) {
            PyErr_Format(PyExc_ValueError,
                         "pylog_install: %s: bad query %zu, at offset %zu"
                         "%s%U%s: %s",
                         origin, error.index + 1, error.offset,
                         error.length > 0 ? " ('" : "", bad,
                         error.length > 0 ? "')" : "", error.reason);
            Py_DECREF(bad);
            return -1;
        }
        status = PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                                  "pylog: %s: skipping bad query %zu, at "
                                  "offset %zu%s%U%s: %s",
                                  origin, error.index + 1, error.offset,
                                  error.length > 0 ? " ('" : "", bad,
                                  error.length > 0 ? "')" : "", error.reason);
        Py_DECREF(bad);
        if (status < 0) {
            return -1;
        }
    }
    return 0;
}

/* A heap copy of `text` (NULL stays NULL). 0, or -1 with MemoryError. */
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
    pylog_internal_site_query_list_clear(&data->site_queries);
    data->installed = 0;
    data->prefix = NULL;
    data->default_target = NULL;
    data->filters.level = PYLOG_LEVEL_OFF;
}

/* Swap *data with config_state under config_lock. */
static void
config_swap(config_data *data)
{
    config_data old;

    /* config_lock: one swap; released right below. */
    pthread_mutex_lock(&config_lock);
    old = config_state;
    config_state = *data;
    pthread_mutex_unlock(&config_lock);
    *data = old;
}

int
pylog_internal_config_installed(void)
{
    int installed;

    /* config_lock: one read; released right below. */
    pthread_mutex_lock(&config_lock);
    installed = config_state.installed;
    pthread_mutex_unlock(&config_lock);
    return installed;
}

config_data *
pylog_internal_config_build(const pylog_config *config)
{
    config_data *fresh;
    const char *env;

    if (pylog_internal_config_check(config) < 0) {
        return NULL;
    }
    fresh = (config_data *)malloc(sizeof *fresh);
    if (fresh == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    *fresh = (config_data)CONFIG_DATA_EMPTY;
    if (config_copy_string(config->prefix, &fresh->prefix) < 0 ||
        config_copy_string(config->default_target, &fresh->default_target) <
            0) {
        goto error;
    }
    if (pylog_internal_filter_rules_init(&fresh->filters, config->filter,
                                         config->target_filters,
                                         config->n_target_filters) < 0) {
        PyErr_NoMemory();
        goto error;
    }
    if (config->filter_spec != NULL &&
        config_apply_spec(&fresh->filters, config->filter_spec, 1,
                          "filter_spec") < 0) {
        goto error;
    }
    env = config->env_var != NULL ? getenv(config->env_var) : NULL;
    if (env != NULL &&
        config_apply_spec(&fresh->filters, env, 0, config->env_var) < 0) {
        goto error;
    }
    if (config->site_control != NULL &&
        config_parse_site_queries(&fresh->site_queries, config->site_control,
                                  1, "site_control") < 0) {
        goto error;
    }
    env = config->site_env_var != NULL ? getenv(config->site_env_var) : NULL;
    if (env != NULL &&
        config_parse_site_queries(&fresh->site_queries, env, 0,
                                  config->site_env_var) < 0) {
        goto error;
    }
    fresh->caching = config->caching;
    fresh->installed = 1;
    return fresh;

error:
    pylog_internal_config_free(fresh);
    return NULL;
}

void
pylog_internal_config_free(config_data *data)
{
    if (data != NULL) {
        config_data_clear(data);
        free(data);
    }
}

void
pylog_internal_config_take_site_queries(config_data *data,
                                        site_query_list *queries)
{
    *queries = data->site_queries;
    data->site_queries = (site_query_list)SITE_QUERY_LIST_EMPTY;
}

void
pylog_internal_config_publish(config_data *data)
{
    config_data old = *data;

    /* relaxed: the release store of the next generation publishes it */
    __atomic_store_n(&config_caching, data->caching, __ATOMIC_RELAXED);
    free(data);
    config_swap(&old);
    config_data_clear(&old); /* what was there: an uninstalled table */
}

void
pylog_internal_config_withdraw(void)
{
    config_data empty = CONFIG_DATA_EMPTY;

    config_swap(&empty);
    config_data_clear(&empty); /* what was installed */
}

int
pylog_set_filter(int level)
{
    int status = PYLOG_OK;

    if (!pylog_internal_config_level_ok(level)) {
        return PYLOG_ERR_INVALID_ARGUMENT;
    }
    /* config_lock: one change; released right below. */
    pthread_mutex_lock(&config_lock);
    if (config_state.installed) {
        config_state.filters.level = level;
    }
    else {
        status = PYLOG_ERR_NOT_INSTALLED;
    }
    pthread_mutex_unlock(&config_lock);
    if (status == PYLOG_OK) {
        pylog_reset(); /* a new generation: every slot re-reads its filter */
    }
    return status;
}

int
pylog_set_target_filter(const char *target, int level)
{
    int status = PYLOG_OK;

    if (target == NULL || target[0] == '\0' || !pylog_internal_config_level_ok(level)) {
        return PYLOG_ERR_INVALID_ARGUMENT;
    }
    /* config_lock: one change; released right below. */
    pthread_mutex_lock(&config_lock);
    if (!config_state.installed) {
        status = PYLOG_ERR_NOT_INSTALLED;
    }
    else if (pylog_internal_filter_rules_set(&config_state.filters, target,
                                             strlen(target), level) < 0) {
        status = PYLOG_ERR_NO_MEMORY;
    }
    pthread_mutex_unlock(&config_lock);
    if (status == PYLOG_OK) {
        pylog_reset();
    }
    return status;
}

void
pylog_internal_config_fork(int phase)
{
    pylog_internal_fork_lock(&config_lock, phase);
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
pylog_internal_config_target_name(const char *target, const char *file)
{
    char *name;

    /* config_lock: held for the copy; released before returning. */
    pthread_mutex_lock(&config_lock);
    name = pylog_internal_name_build(NULL, target,
                                     config_state.default_target, file);
    pthread_mutex_unlock(&config_lock);
    return name;
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

int
pylog_internal_config_filters(filter_rules *copy)
{
    int status = 0;

    copy->rules = NULL;
    copy->n_rules = copy->capacity = 0;
    /* config_lock: held for the copy; released before returning. */
    pthread_mutex_lock(&config_lock);
    copy->level = config_state.filters.level;
    if (!config_state.installed) {
        status = PYLOG_ERR_NOT_INSTALLED;
    }
    for (size_t i = 0; status == 0 && i < config_state.filters.n_rules; i++) {
        const pylog_target_filter *rule = &config_state.filters.rules[i];
        status = pylog_internal_filter_rules_set(
            copy, rule->target, strlen(rule->target), rule->level);
    }
    pthread_mutex_unlock(&config_lock);
    if (status != 0) {
        pylog_internal_filter_rules_clear(copy);
    }
    return status;
}

#undef CONFIG_DATA_EMPTY
