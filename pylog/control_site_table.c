/*
 * control_site_table.c: module.pylog.site_table(), every call site of the
 * extension as aligned text, one per line, as /proc/dynamic_debug/control
 * reads. No globals, no locks. GIL: held (a Python method).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/filter_spec.h"
#include "internal/rate.h"
#include "internal/site_query.h"
#include "internal/sites.h"
#include "internal/control_site_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
PyObject *
pylog_internal_control_site_table(PyObject *self, PyObject *unused)
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
