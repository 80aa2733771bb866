/*
 * threshold.c: Python's side of a level decision: the lowest level a
 * logger's isEnabledFor accepts (its effective level, logging.disable's,
 * `disabled`), learnt under the GIL and cached in the site's slot when the
 * caching mode allows.
 * No globals, no locks. GIL: held in every function.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/slot.h"
#include "internal/threshold.h"

/* getattr(obj, name) as a C long. 0 or -1 with an exception set. */
static int
threshold_long_attr(PyObject *obj, const char *name, long *value)
{
    PyObject *attr = PyObject_GetAttrString(obj, name);

    if (attr == NULL) {
        return -1;
    }
    *value = PyLong_AsLong(attr);
    Py_DECREF(attr);
    return *value == -1 && PyErr_Occurred() ? -1 : 0;
}

/* The lowest level `logger.isEnabledFor` accepts now: its effective level,
 * above `logging.disable`'s level, or none when the logger is disabled.
 * 0 or -1 with an exception set. */
static int
threshold_python(PyObject *logger, int *threshold)
{
    PyObject *value, *manager;
    long effective, disable;
    int disabled;

    value = PyObject_GetAttrString(logger, "disabled");
    if (value == NULL) {
        return -1;
    }
    disabled = PyObject_IsTrue(value);
    Py_DECREF(value);
    if (disabled < 0) {
        return -1;
    }
    if (disabled) {
        *threshold = PYLOG_INTERNAL_THRESHOLD_NONE;
        return 0;
    }
    value = PyObject_CallMethod(logger, "getEffectiveLevel", NULL);
    if (value == NULL) {
        return -1;
    }
    effective = PyLong_AsLong(value);
    Py_DECREF(value);
    if (effective == -1 && PyErr_Occurred()) {
        return -1;
    }
    manager = PyObject_GetAttrString(logger, "manager");
    if (manager == NULL) {
        return -1;
    }
    if (threshold_long_attr(manager, "disable", &disable) < 0) {
        Py_DECREF(manager);
        return -1;
    }
    Py_DECREF(manager);
    if (disable + 1 > effective) {
        effective = disable + 1;
    }
    *threshold = effective > PYLOG_INTERNAL_THRESHOLD_NONE
                     ? PYLOG_INTERNAL_THRESHOLD_NONE
                 : effective < 0 ? 0
                                 : (int)effective;
    return 0;
}

int
pylog_internal_threshold_decide(const site_call *call, PyObject *logger,
                                uint64_t generation, int caching)
{
    uint64_t state = pylog_internal_slot_state(call, generation);
    PyObject *answer;
    int threshold, enabled;

    if (state == 0) {
        PyErr_NoMemory();
        return -1;
    }
    switch (pylog_internal_slot_decide(state, call->level)) {
    case SLOT_OFF:
        return 0;
    case SLOT_ON:
        return 1;
    case SLOT_ASK_PYTHON:
        break;
    }
    if (caching == PYLOG_CACHE_LOGGERS_AND_LEVELS) {
        if (threshold_python(logger, &threshold) < 0) {
            return -1;
        }
        state = pylog_internal_slot_resolve(call, state, threshold);
        return pylog_internal_slot_decide(state, call->level) == SLOT_ON;
    }
    answer = PyObject_CallMethod(logger, "isEnabledFor", "i", call->level);
    if (answer == NULL) {
        return -1;
    }
    enabled = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return enabled;
}
