/*
 * config_check.c: what pylog_install accepts of a pylog_config, field by
 * field, with the exception that names a bad one. No globals, no locks.
 * GIL: held (it raises).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config_check.h"

int
pylog_internal_config_level_ok(int level)
{
    return level >= 0 && level <= PYLOG_LEVEL_OFF;
}

int
pylog_internal_config_check(const pylog_config *config)
{
    if (config == NULL) {
        PyErr_SetString(PyExc_TypeError, "pylog_install: config is NULL");
        return -1;
    }
    if (!pylog_internal_config_level_ok(config->filter)) {
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
    if (config->delivery != PYLOG_DELIVERY_AUTO &&
        config->delivery != PYLOG_DELIVERY_SYNC) {
        PyErr_Format(PyExc_ValueError,
                     "pylog_install: delivery mode %d is not a "
                     "PYLOG_DELIVERY_*",
                     config->delivery);
        return -1;
    }
    if (config->queue_capacity < 1 ||
        config->queue_capacity > PYLOG_QUEUE_CAPACITY_MAX) {
        PyErr_Format(PyExc_ValueError,
                     "pylog_install: queue_capacity %zu is outside 1..%zu",
                     config->queue_capacity, PYLOG_QUEUE_CAPACITY_MAX);
        return -1;
    }
    if (config->thread_buffer_bytes < PYLOG_THREAD_BUFFER_BYTES_MIN ||
        config->thread_buffer_bytes > PYLOG_THREAD_BUFFER_BYTES_MAX) {
        PyErr_Format(PyExc_ValueError,
                     "pylog_install: thread_buffer_bytes %zu is outside "
                     "%zu..%zu",
                     config->thread_buffer_bytes,
                     PYLOG_THREAD_BUFFER_BYTES_MIN,
                     PYLOG_THREAD_BUFFER_BYTES_MAX);
        return -1;
    }
    if (config->flush_stall_ms < 1 ||
        config->flush_stall_ms > PYLOG_FLUSH_STALL_MS_MAX) {
        PyErr_Format(PyExc_ValueError,
                     "pylog_install: flush_stall_ms %ld is outside 1..%ld",
                     config->flush_stall_ms, PYLOG_FLUSH_STALL_MS_MAX);
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
        if (!pylog_internal_config_level_ok(rule->level)) {
            PyErr_Format(PyExc_ValueError,
                         "pylog_install: target_filters[%zu] (\"%s\") level "
                         "%d is outside 0..%d",
                         i, rule->target, rule->level, PYLOG_LEVEL_OFF);
            return -1;
        }
    }
    return 0;
}
