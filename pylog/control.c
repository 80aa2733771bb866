/*
 * control.c: pylog_add_control(), the Python-side control object
 * `module.pylog` of an extension embedding pylog: reset, filters, stats and
 * flush from Python, and the site registry: sites(), control(query),
 * site_table() and the object's repr. Every method runs with the GIL held
 * (it is Python code); the C functions it calls need none of it, except
 * the site switches, which the GIL orders (sites.c). No globals.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/control_site_table.h"
#include "internal/control_sites.h"
#include "internal/filter_spec.h"
#include "internal/rate.h"
#include "internal/site_query.h"
#include "internal/sites.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A level from Python: an int in 0..PYLOG_LEVEL_OFF, pylog's own names in
 * any case (trace .. off, warn) or a name registered with Python's logging
 * (logging.addLevelName). 0, or -1 with TypeError (not an int or a str, or
 * a bool) or ValueError (any int outside the range, however large, and an
 * unknown name). */
static int
control_level(PyObject *value, int *level)
{
    if (PyLong_Check(value) && !PyBool_Check(value)) {
        int overflow;
        long number = PyLong_AsLongAndOverflow(value, &overflow);
        if (number == -1 && overflow == 0 && PyErr_Occurred()) {
            return -1;
        }
        /* beyond a C long (2**70, -2**70) is outside the range too */
        if (overflow != 0 || number < 0 || number > PYLOG_LEVEL_OFF) {
            PyErr_Format(PyExc_ValueError, "level %R is outside 0..%d",
                         value, PYLOG_LEVEL_OFF);
            return -1;
        }
        *level = (int)number;
        return 0;
    }
    if (PyUnicode_Check(value)) {
        /* A UTF-8 copy: the limited API (abi3) has no view before 3.10. */
        PyObject *utf8 = PyUnicode_AsUTF8String(value), *logging, *known;
        char *name;
        Py_ssize_t length;
        int found;
        if (utf8 == NULL ||
            PyBytes_AsStringAndSize(utf8, &name, &length) < 0) {
            Py_XDECREF(utf8);
            return -1;
        }
        found = pylog_internal_spec_level(name, (size_t)length, level) == 0;
        Py_DECREF(utf8);
        if (found) {
            return 0;
        }
        logging = PyImport_ImportModule("logging");
        if (logging == NULL) {
            return -1;
        }
        known = PyObject_CallMethod(logging, "getLevelName", "(O)", value);
        Py_DECREF(logging);
        if (known == NULL) {
            return -1;
        }
        if (PyLong_Check(known)) {
            int status = control_level(known, level);
            Py_DECREF(known);
            return status;
        }
        Py_DECREF(known);
        PyErr_Format(PyExc_ValueError, "unknown level name %R", value);
        return -1;
    }
    /* %R of the type: the limited API (abi3) hides tp_name. */
    PyErr_Format(PyExc_TypeError, "a level must be an int or a str, not %R",
                 (PyObject *)Py_TYPE(value));
    return -1;
}

/* None for 0; RuntimeError for "not installed", MemoryError for "out of
 * memory"; ValueError otherwise. */
static PyObject *
control_status(int status)
{
    if (status == PYLOG_OK) {
        Py_RETURN_NONE;
    }
    if (status == PYLOG_ERR_NOT_INSTALLED) {
        PyErr_SetString(PyExc_RuntimeError, "pylog is not installed");
    }
    else if (status == PYLOG_ERR_NO_MEMORY) {
        PyErr_NoMemory();
    }
    else {
        PyErr_Format(PyExc_ValueError, "pylog refused the change (%d)",
                     status);
    }
    return NULL;
}

static PyObject *
control_reset(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    pylog_reset();
    Py_RETURN_NONE;
}

static PyObject *
control_set_filter(PyObject *self, PyObject *value)
{
    int level;

    (void)self;
    if (control_level(value, &level) < 0) {
        return NULL;
    }
    return control_status(pylog_set_filter(level));
}

static PyObject *
control_set_target_filter(PyObject *self, PyObject *args)
{
    PyObject *target, *value, *utf8, *result = NULL;
    char *text;
    int level;

    (void)self;
    if (!PyArg_ParseTuple(args, "UO:set_target_filter", &target, &value)) {
        return NULL;
    }
    /* A UTF-8 copy (abi3, as above); an embedded NUL is a ValueError. */
    utf8 = PyUnicode_AsUTF8String(target);
    if (utf8 == NULL || PyBytes_AsStringAndSize(utf8, &text, NULL) < 0 ||
        control_level(value, &level) < 0) {
        goto done;
    }
    if (text[0] == '\0') {
        PyErr_SetString(PyExc_ValueError, "the target is empty");
        goto done;
    }
    result = control_status(pylog_set_target_filter(text, level));

done:
    Py_XDECREF(utf8);
    return result;
}

static PyObject *
control_filters(PyObject *self, PyObject *unused)
{
    filter_rules rules;
    PyObject *targets = NULL, *result = NULL;
    int status;

    (void)self;
    (void)unused;
    status = pylog_internal_config_filters(&rules);
    if (status != 0) {
        return status == PYLOG_ERR_NOT_INSTALLED ? control_status(status)
                                                 : PyErr_NoMemory();
    }
    targets = PyDict_New();
    for (size_t i = 0; targets != NULL && i < rules.n_rules; i++) {
        PyObject *level = PyLong_FromLong(rules.rules[i].level);
        if (level == NULL ||
            PyDict_SetItemString(targets, rules.rules[i].target, level) < 0) {
            Py_XDECREF(level);
            Py_CLEAR(targets);
            break;
        }
        Py_DECREF(level);
    }
    if (targets != NULL) {
        result = Py_BuildValue("{s:i,s:O}", "level", rules.level, "targets",
                               targets);
    }
    Py_XDECREF(targets);
    pylog_internal_filter_rules_clear(&rules);
    return result;
}

static PyObject *
control_stats(PyObject *self, PyObject *unused)
{
    pylog_stats stats;

    (void)self;
    (void)unused;
    pylog_get_stats(&stats);
    return Py_BuildValue("{s:K,s:K,s:K}", "emitted",
                         (unsigned long long)stats.emitted, "dropped",
                         (unsigned long long)stats.dropped, "errors",
                         (unsigned long long)stats.errors);
}

static PyObject *
control_flush(PyObject *self, PyObject *unused)
{
    int status;

    (void)self;
    (void)unused;
    status = pylog_flush();
    switch (status) {
    case PYLOG_OK:
        Py_RETURN_TRUE;
    case PYLOG_ERR_IN_HANDLER:
        Py_RETURN_FALSE;
    case PYLOG_ERR_FLUSH_STALLED:
        PyErr_SetString(PyExc_TimeoutError,
                        "pylog: delivery stalled: no record was finished "
                        "for flush_stall_ms; records may be left in the "
                        "threads' buffers");
        return NULL;
    case PYLOG_ERR_NO_MEMORY:
        return PyErr_NoMemory();
    default:
        PyErr_SetString(PyExc_RuntimeError,
                        "pylog is not installed (or the interpreter is "
                        "exiting): nothing to flush");
        return NULL;
    }
}

/* repr(module.pylog): whether installed, the sites and the counters. */
static PyObject *
control_repr(PyObject *self)
{
    size_t total, on, off;
    pylog_stats stats;

    (void)self;
    if (pylog_internal_sites_count(&total, &on, &off) < 0) {
        return PyErr_NoMemory();
    }
    pylog_get_stats(&stats);
    return PyUnicode_FromFormat(
        "<pylog control: %s, %zu sites (%zu on, %zu off); emitted %llu, "
        "dropped %llu, errors %llu; site_table() lists the sites>",
        pylog_internal_config_installed() ? "installed" : "not installed",
        total, on, off, (unsigned long long)stats.emitted,
        (unsigned long long)stats.dropped, (unsigned long long)stats.errors);
}

static PyMethodDef control_methods[] = {
    {"reset", control_reset, METH_NOARGS,
     "reset($self, /)\n--\n\nForget every cached logger and level, so each log "
     "statement asks Python again.\nNeeded only after changes logging does "
     "not announce, such as `logger.level = 10`."},
    {"set_filter", control_set_filter, METH_O,
     "set_filter($self, level, /)\n--\n\nSet pylog's global level filter. `level` is "
     "an int (0..100) or a name:\ntrace, debug, info, warn, warning, error, "
     "critical, off (any case), or a\nname registered with "
     "logging.addLevelName. Raises TypeError/ValueError."},
    {"set_target_filter", control_set_target_filter, METH_VARARGS,
     "set_target_filter($self, target, level, /)\n--\n\nAdd or replace the rule for "
     "`target` and its dotted children (`::` or `.`).\nLevel 0 or 'notset' "
     "removes the rule. Raises TypeError/ValueError."},
    {"filters", control_filters, METH_NOARGS,
     "filters($self, /)\n--\n\nThe current filters: {'level': int, 'targets': "
     "{target: level}}."},
    {"stats", control_stats, METH_NOARGS,
     "stats($self, /)\n--\n\nCounters since the process started: {'emitted', "
     "'dropped', 'errors'}."},
    {"flush", control_flush, METH_NOARGS,
     "flush($self, /)\n--\n\nDeliver every record queued before the call "
     "and wait until they\nreached the handlers: True. False when called "
     "from a handler pylog\nis delivering to (it returns at once). "
     "TimeoutError when delivery\nstalled (no record finished for "
     "flush_stall_ms, default 10 s)."},
    {"sites", pylog_internal_control_sites, METH_NOARGS,
     "sites($self, /)\n--\n\nEvery statement compiled into this extension, "
     "run or not: a list of dicts\nwith file, line, function, target "
     "(dotted, without the prefix), level\n(None when not a constant), "
     "format (None when not a constant), state\n('default', 'on', 'off') "
     "and emitted (records sent); rate-limited\nstatements add kind "
     "('every_n', 'first_n', 'every_n_sec', 'every_pow_2'),\nparam and "
     "occurrences."},
    {"control", pylog_internal_control_query, METH_O,
     "control($self, query, /)\n--\n\nSwitch sites, as the kernel's "
     "dynamic debug does: `keyword value` pairs\n(file GLOB, func GLOB, "
     "line N or N-M, target GLOB, format TEXT, level NAME),\nall of which "
     "must match, then one action: on (sent whatever the filters\nand the "
     "logger's level say; handlers still filter), off (never sent) or\n"
     "default. Queries may be separated by ';'. Returns the number of sites "
     "\nmatched. ValueError naming the position for a bad query (nothing "
     "changes);\nRuntimeError when pylog is not installed."},
    {"site_table", pylog_internal_control_site_table, METH_NOARGS,
     "site_table($self, /)\n--\n\nThe sites as aligned text, one per line, "
     "as /proc/dynamic_debug/control\nreads: print(module.pylog."
     "site_table())."},
    {NULL, NULL, 0, NULL}};

/* A type slot stores a function in a void *: ISO C has no such conversion
 * (-Wpedantic says so), POSIX and CPython rely on it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
static PyType_Slot control_slots[] = {
    {Py_tp_doc,
     "pylog's control object for this extension module: its own filters, "
     "cache and counters,\nseparate from any other extension embedding "
     "pylog."},
    {Py_tp_methods, control_methods},
    {Py_tp_repr, (void *)control_repr},
    {0, NULL}};
#pragma GCC diagnostic pop

static PyType_Spec control_spec = {"pylog.Control", sizeof(PyObject), 0,
                                   Py_TPFLAGS_DEFAULT, control_slots};

int
pylog_add_control(PyObject *module)
{
    PyObject *type, *control;

    if (module == NULL || !PyModule_Check(module)) {
        PyErr_SetString(PyExc_TypeError,
                        "pylog_add_control: expected a module object");
        return -1;
    }
    type = PyType_FromSpec(&control_spec);
    if (type == NULL) {
        return -1;
    }
    control = PyObject_CallObject(type, NULL);
    Py_DECREF(type); /* the instance keeps its type alive */
    if (control == NULL) {
        return -1;
    }
    if (PyModule_AddObject(module, "pylog", control) < 0) { /* steals on 0 */
        Py_DECREF(control);
        return -1;
    }
    return 0;
}
