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
                        "queue");
        return NULL;
    default:
        PyErr_SetString(PyExc_RuntimeError,
                        "pylog is not installed (or the interpreter is "
                        "exiting): nothing to flush");
        return NULL;
    }
}

/* control(query): parse every query of the text first (nothing changes
 * when one is bad), then apply them in order; the number of sites matched,
 * summed over the queries. */
static PyObject *
control_control(PyObject *self, PyObject *value)
{
    PyObject *utf8, *bad, *result = NULL;
    site_query_list queries = SITE_QUERY_LIST_EMPTY;
    site_query_cursor cursor;
    site_query_error error;
    site_query *query;
    size_t total = 0, matched;
    char *text;
    int status;

    (void)self;
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "a site query must be a str, not %R",
                     (PyObject *)Py_TYPE(value));
        return NULL;
    }
    /* A UTF-8 copy (abi3, as above); an embedded NUL is a ValueError. */
    utf8 = PyUnicode_AsUTF8String(value);
    if (utf8 == NULL || PyBytes_AsStringAndSize(utf8, &text, NULL) < 0) {
        Py_XDECREF(utf8);
        return NULL;
    }
    pylog_internal_site_query_start(&cursor, text);
    while ((status = pylog_internal_site_query_next(&cursor, &query,
                                                    &error)) != 0) {
        if (status > 0) {
            if (pylog_internal_site_query_list_add(&queries, query) < 0) {
                PyErr_NoMemory();
                goto done;
            }
            continue;
        }
        if (error.no_memory) {
            PyErr_NoMemory();
            goto done;
        }
        bad = PyUnicode_DecodeUTF8(text + error.offset,
                                   (Py_ssize_t)error.length, "replace");
        if (bad != NULL) {
            PyErr_Format(PyExc_ValueError,
                         "pylog: control: bad query %zu, at offset %zu%s%U%s: "
                         "%s",
                         error.index + 1, error.offset,
                         error.length > 0 ? " ('" : "", bad,
                         error.length > 0 ? "')" : "", error.reason);
            Py_DECREF(bad);
        }
        goto done;
    }
    if (queries.n_queries == 0) {
        PyErr_SetString(PyExc_ValueError,
                        "pylog: control: no query (e.g. 'file io.c line "
                        "40-60 on', 'func parse* off', 'level debug "
                        "default')");
        goto done;
    }
    if (!pylog_internal_config_installed()) {
        PyErr_SetString(PyExc_RuntimeError, "pylog is not installed");
        goto done;
    }
    for (size_t i = 0; i < queries.n_queries; i++) {
        if (pylog_internal_sites_apply(queries.queries[i], &matched) < 0) {
            PyErr_NoMemory();
            goto done;
        }
        total += matched;
    }
    result = PyLong_FromSize_t(total);

done:
    pylog_internal_site_query_list_clear(&queries);
    Py_DECREF(utf8);
    return result;
}

/* A str for `text`, None for NULL. A new reference, or NULL with an
 * exception set. */
static PyObject *
control_text(const char *text)
{
    if (text == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
}

/* A rate site's parameter: an int for a count, a float for seconds, None
 * for EVERY_POW_2 or when not known yet. */
static PyObject *
control_param(const site_view *view)
{
    if (view->kind == PYLOG_INTERNAL_KIND_EVERY_POW_2 || !view->has_param) {
        Py_RETURN_NONE;
    }
    if (view->kind == PYLOG_INTERNAL_KIND_EVERY_N_SEC ||
        !isfinite(view->param)) {
        return PyFloat_FromDouble(view->param);
    }
    return PyLong_FromDouble(view->param);
}

/* dict[key] = value, stealing `value` (NULL: its error is already set). */
static int
control_set(PyObject *dict, const char *key, PyObject *value)
{
    int status;

    if (value == NULL) {
        return -1;
    }
    status = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return status;
}

/* The dict sites() shows for one site. A new reference, or NULL. */
static PyObject *
control_site_dict(const site_view *view)
{
    PyObject *dict = PyDict_New();

    if (dict == NULL) {
        return NULL;
    }
    if (control_set(dict, "file", control_text(view->file)) < 0 ||
        control_set(dict, "line", PyLong_FromLong(view->line)) < 0 ||
        control_set(dict, "function", control_text(view->func)) < 0 ||
        control_set(dict, "target", control_text(view->target)) < 0 ||
        control_set(dict, "level",
                    view->level < 0 ? (Py_INCREF(Py_None), Py_None)
                                    : PyLong_FromLong(view->level)) < 0 ||
        control_set(dict, "format", control_text(view->format)) < 0 ||
        control_set(dict, "state",
                    control_text(pylog_internal_sites_mode_name(
                        view->mode))) < 0 ||
        control_set(dict, "emitted",
                    PyLong_FromUnsignedLongLong(view->emitted)) < 0) {
        Py_DECREF(dict);
        return NULL;
    }
    if (view->kind != PYLOG_INTERNAL_KIND_PLAIN &&
        (control_set(dict, "kind",
                     control_text(pylog_internal_rate_kind_name(
                         view->kind))) < 0 ||
         control_set(dict, "param", control_param(view)) < 0 ||
         control_set(dict, "occurrences",
                     PyLong_FromUnsignedLongLong(view->occurrences)) < 0)) {
        Py_DECREF(dict);
        return NULL;
    }
    return dict;
}

static PyObject *
control_sites(PyObject *self, PyObject *unused)
{
    PyObject *result, *item;
    sites_list list;
    site_view view;

    (void)self;
    (void)unused;
    if (pylog_internal_sites_list(&list) < 0) {
        return PyErr_NoMemory();
    }
    result = PyList_New(0);
    for (size_t i = 0; result != NULL && i < list.n_sites; i++) {
        if (pylog_internal_sites_view(list.sites[i], &view) < 0) {
            PyErr_NoMemory();
            Py_CLEAR(result);
            break;
        }
        item = control_site_dict(&view);
        pylog_internal_sites_view_clear(&view);
        if (item == NULL || PyList_Append(result, item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(result);
            break;
        }
        Py_DECREF(item);
    }
    pylog_internal_sites_list_clear(&list);
    return result;
}

/* A growing text, for site_table(). `failed` once out of memory. */
typedef struct control_buffer {
    char *data;
    size_t length, capacity;
    int failed;
} control_buffer;

static void
control_append(control_buffer *buffer, const char *text, size_t length)
{
    if (buffer->failed) {
        return;
    }
    if (buffer->length + length + 1 > buffer->capacity) {
        size_t capacity = buffer->capacity == 0 ? 1024 : buffer->capacity;
        char *grown;
        while (buffer->length + length + 1 > capacity) {
            capacity *= 2;
        }
        grown = (char *)realloc(buffer->data, capacity);
        if (grown == NULL) {
            buffer->failed = 1;
            return;
        }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, text, length);
    buffer->length += length;
    buffer->data[buffer->length] = '\0';
}

/* `text` then blanks up to `width` bytes, then one more blank. */
static void
control_append_cell(control_buffer *buffer, const char *text, size_t width)
{
    size_t length = strlen(text);

    control_append(buffer, text, length);
    while (length++ <= width) {
        control_append(buffer, " ", 1);
    }
}

/* The format in double quotes, with \\, \", \n, \t and \xNN escapes, as
 * /proc/dynamic_debug/control shows it; "-" when unknown. */
static void
control_append_format(control_buffer *buffer, const char *format)
{
    char escaped[8];

    if (format == NULL) {
        control_append(buffer, "-", 1);
        return;
    }
    control_append(buffer, "\"", 1);
    for (const char *p = format; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\' || c == '"') {
            escaped[0] = '\\';
            escaped[1] = (char)c;
            control_append(buffer, escaped, 2);
        }
        else if (c == '\n') {
            control_append(buffer, "\\n", 2);
        }
        else if (c == '\t') {
            control_append(buffer, "\\t", 2);
        }
        else if (c < 0x20 || c == 0x7f) {
            snprintf(escaped, sizeof escaped, "\\x%02x", c);
            control_append(buffer, escaped, 4);
        }
        else {
            control_append(buffer, (const char *)p, 1);
        }
    }
    control_append(buffer, "\"", 1);
}

/* The columns of one site's row, but the format. */
enum { CELL_PLACE, CELL_TARGET, CELL_FUNC, CELL_LEVEL, CELL_STATE,
       CELL_EMITTED, CELL_RATE, CELLS };

static const char *const control_headers[CELLS] = {
    "# file:line", "target", "function", "level", "state", "emitted",
    "rate"};

typedef struct control_row {
    char *cells[CELLS];
    const char *format;
} control_row;

static char *
control_printf_cell(const char *format, ...) PYLOG_PRINTF_LIKE(1, 2);

/* A heap string, or NULL when out of memory. */
static char *
control_printf_cell(const char *format, ...)
{
    va_list args;
    char *cell;
    int length;

    va_start(args, format);
    length = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (length < 0) {
        return NULL;
    }
    cell = (char *)malloc((size_t)length + 1);
    if (cell != NULL) {
        va_start(args, format);
        vsnprintf(cell, (size_t)length + 1, format, args);
        va_end(args);
    }
    return cell;
}

static const char *
control_level_name(int level, char *number, size_t size)
{
    switch (level) {
    case PYLOG_LEVEL_TRACE:
        return "TRACE";
    case PYLOG_LEVEL_DEBUG:
        return "DEBUG";
    case PYLOG_LEVEL_INFO:
        return "INFO";
    case PYLOG_LEVEL_WARN:
        return "WARNING";
    case PYLOG_LEVEL_ERROR:
        return "ERROR";
    case PYLOG_LEVEL_CRITICAL:
        return "CRITICAL";
    case -1:
        return "-";
    default:
        snprintf(number, size, "%d", level);
        return number;
    }
}

/* Fill `row` from `view`. 0, or -1 when out of memory. */
static int
control_row_fill(control_row *row, const site_view *view)
{
    char number[16];
    const char *kind = pylog_internal_rate_kind_name(view->kind);

    row->format = view->format;
    row->cells[CELL_PLACE] =
        control_printf_cell("%s:%d", view->file, view->line);
    row->cells[CELL_TARGET] =
        control_printf_cell("%s", view->target != NULL ? view->target : "-");
    row->cells[CELL_FUNC] =
        control_printf_cell("%s", view->func != NULL ? view->func : "-");
    row->cells[CELL_LEVEL] = control_printf_cell(
        "%s", control_level_name(view->level, number, sizeof number));
    row->cells[CELL_STATE] = control_printf_cell(
        "%s", pylog_internal_sites_mode_name(view->mode));
    row->cells[CELL_EMITTED] =
        control_printf_cell("%llu", (unsigned long long)view->emitted);
    if (kind == NULL) {
        row->cells[CELL_RATE] = control_printf_cell("-");
    }
    else if (view->kind == PYLOG_INTERNAL_KIND_EVERY_POW_2 ||
             !view->has_param) {
        row->cells[CELL_RATE] = control_printf_cell(
            "%s:%llu", kind, (unsigned long long)view->occurrences);
    }
    else {
        row->cells[CELL_RATE] = control_printf_cell(
            "%s=%g:%llu", kind, view->param,
            (unsigned long long)view->occurrences);
    }
    for (int c = 0; c < CELLS; c++) {
        if (row->cells[c] == NULL) {
            return -1;
        }
    }
    return 0;
}

/* site_table(): every site on a line, in aligned columns. */
static PyObject *
control_site_table(PyObject *self, PyObject *unused)
{
    control_buffer buffer = {NULL, 0, 0, 0};
    size_t width[CELLS];
    control_row *rows;
    PyObject *result = NULL;
    sites_list list;
    site_view view;
    int failed = 0;

    (void)self;
    (void)unused;
    if (pylog_internal_sites_list(&list) < 0) {
        return PyErr_NoMemory();
    }
    rows = (control_row *)calloc(list.n_sites + 1, sizeof *rows);
    for (size_t i = 0; rows != NULL && !failed && i < list.n_sites; i++) {
        failed = pylog_internal_sites_view(list.sites[i], &view) < 0;
        if (!failed) {
            failed = control_row_fill(&rows[i], &view) < 0;
            pylog_internal_sites_view_clear(&view);
        }
    }
    if (rows != NULL && !failed) {
        for (int c = 0; c < CELLS; c++) {
            width[c] = strlen(control_headers[c]);
            for (size_t i = 0; i < list.n_sites; i++) {
                size_t length = strlen(rows[i].cells[c]);
                width[c] = length > width[c] ? length : width[c];
            }
            control_append_cell(&buffer, control_headers[c], width[c]);
        }
        control_append(&buffer, "format\n", 7);
        for (size_t i = 0; i < list.n_sites; i++) {
            for (int c = 0; c < CELLS; c++) {
                control_append_cell(&buffer, rows[i].cells[c], width[c]);
            }
            control_append_format(&buffer, rows[i].format);
            control_append(&buffer, "\n", 1);
        }
        if (!buffer.failed) {
            result = PyUnicode_DecodeUTF8(buffer.data,
                                          (Py_ssize_t)buffer.length,
                                          "replace");
        }
    }
    if (rows == NULL || failed || buffer.failed) {
        PyErr_NoMemory();
    }
    for (size_t i = 0; rows != NULL && i < list.n_sites; i++) {
        for (int c = 0; c < CELLS; c++) {
            free(rows[i].cells[c]);
        }
    }
    free(rows);
    free(buffer.data);
    pylog_internal_sites_list_clear(&list);
    return result;
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
    {"sites", control_sites, METH_NOARGS,
     "sites($self, /)\n--\n\nEvery statement compiled into this extension, "
     "run or not: a list of dicts\nwith file, line, function, target "
     "(dotted, without the prefix), level\n(None when not a constant), "
     "format (None when not a constant), state\n('default', 'on', 'off') "
     "and emitted (records sent); rate-limited\nstatements add kind "
     "('every_n', 'first_n', 'every_n_sec', 'every_pow_2'),\nparam and "
     "occurrences."},
    {"control", control_control, METH_O,
     "control($self, query, /)\n--\n\nSwitch sites, as the kernel's "
     "dynamic debug does: `keyword value` pairs\n(file GLOB, func GLOB, "
     "line N or N-M, target GLOB, format TEXT, level NAME),\nall of which "
     "must match, then one action: on (sent whatever the filters\nand the "
     "logger's level say; handlers still filter), off (never sent) or\n"
     "default. Queries may be separated by ';'. Returns the number of sites "
     "\nmatched. ValueError naming the position for a bad query (nothing "
     "changes);\nRuntimeError when pylog is not installed."},
    {"site_table", control_site_table, METH_NOARGS,
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
