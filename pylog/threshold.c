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

#include <limits.h>

/* `value` (a new reference, stolen; NULL passes the pending exception on)
 * as a C long, saturated at LONG_MIN and LONG_MAX: levels are compared,
 * and 2**70 is as far above every level as LONG_MAX is. 0 or -1 with an
 * exception set. */
static int
threshold_saturated_long(PyObject *value, long *result)
{
    int overflow;

    if (value == NULL) {
        return -1;
    }
    *result = PyLong_AsLongAndOverflow(value, &overflow);
    Py_DECREF(value);
    if (overflow != 0) {
        *result = overflow > 0 ? LONG_MAX : LONG_MIN;
        return 0;
    }
    return *result == -1 && PyErr_Occurred() ? -1 : 0;
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
    if (threshold_saturated_long(
            PyObject_CallMethod(logger, "getEffectiveLevel", NULL),
            &effective) < 0) {
        return -1;
    }
    manager = PyObject_GetAttrString(logger, "manager");
    if (manager == NULL) {
        return -1;
    }
    if (threshold_saturated_long(PyObject_GetAttrString(manager, "disable"),
                                 &disable) < 0) {
        Py_DECREF(manager);
        return -1;
    }
    Py_DECREF(manager);
    /* Python passes a level when level > disable and level >= effective:
       the threshold is max(disable + 1, effective), computed without
       overflow (disable may be LONG_MAX) and clamped to 0..NONE. */
    if (disable >= effective) {
        effective = disable >= PYLOG_INTERNAL_THRESHOLD_NONE
                        ? PYLOG_INTERNAL_THRESHOLD_NONE
                        : disable + 1;
    }
    *threshold = effective >= PYLOG_INTERNAL_THRESHOLD_NONE
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
