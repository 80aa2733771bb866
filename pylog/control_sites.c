/*
 * control_sites.c: module.pylog.sites() and module.pylog.control(query),
 * the Python side of the site registry (sites.c) and its queries
 * (site_query.c). No globals, no locks. GIL: held (Python methods).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/filter_spec.h"
#include "internal/rate.h"
#include "internal/site_query.h"
#include "internal/sites.h"
#include "internal/control_sites.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* control(query): parse every query of the text first (nothing changes
 * when one is bad), then apply them in order; the number of sites matched,
 * summed over the queries. */
PyObject *
pylog_internal_control_query(PyObject *self, PyObject *value)
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

PyObject *
pylog_internal_control_sites(PyObject *self, PyObject *unused)
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
