/*
 * site_query.c: parses site queries ("file io.c line 40-60 on") one at a
 * time and matches them against a site's descriptor; the grammar is in
 * internal/site_query.h. No globals, no locks, no Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/filter_spec.h"
#include "internal/glob.h"
#include "internal/name.h"
#include "internal/site_query.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct site_query {
    char *file;   /* globs and text, NULL when not given */
    char *func;
    char *target; /* dotted */
    char *format;
    int has_line;
    int line_first, line_last;
    int level; /* -1: not given */
    int action;
};

/* One word of a query. */
typedef struct query_word {
    size_t offset; /* in the text, quotes included */
    size_t length;
    char *value;   /* unescaped; heap */
} query_word;

static int
query_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The end of the query starting at `start`: the next ';' outside quotes, or
 * the end of the text. *unterminated is set when a quote is left open. */
static size_t
query_end(const char *text, size_t start, int *unterminated)
{
    size_t i = start;
    int quoted = 0;

    *unterminated = 0;
    for (; text[i] != '\0'; i++) {
        if (quoted) {
            if (text[i] == '\\' && text[i + 1] != '\0') {
                i++;
            }
            else if (text[i] == '"') {
                quoted = 0;
            }
        }
        else if (text[i] == '"') {
            quoted = 1;
        }
        else if (text[i] == ';') {
            break;
        }
    }
    *unterminated = quoted;
    return i;
}

/* Read the next word of [*pos, end): 1 with *word set (its value is a new
 * heap string), 0 when none is left, -1 with *error set. */
static int
query_word_next(const char *text, size_t *pos, size_t end, query_word *word,
                site_query_error *error)
{
    size_t i = *pos, start, n = 0;
    char *value;

    while (i < end && query_is_blank(text[i])) {
        i++;
    }
    if (i == end) {
        *pos = i;
        return 0;
    }
    start = i;
    if (text[i] == '"') {
        for (i++; i < end && text[i] != '"'; i++) {
            if (text[i] == '\\' && i + 1 < end) {
                i++;
            }
        }
        if (i == end) {
            error->offset = start;
            error->length = i - start;
            error->reason = "a quote is not closed";
            return -1;
        }
        i++; /* the closing quote */
        if (i < end && !query_is_blank(text[i])) {
            error->offset = start;
            error->length = i + 1 - start;
            error->reason = "a word goes on after its closing quote";
            return -1;
        }
    }
    else {
        for (; i < end && !query_is_blank(text[i]); i++) {
            if (text[i] == '"') {
                error->offset = start;
                error->length = i + 1 - start;
                error->reason = "a quote inside a word (quote the whole "
                                "value)";
                return -1;
            }
        }
    }
    word->offset = start;
    word->length = i - start;
    *pos = i;
    value = (char *)malloc(word->length + 1);
    if (value == NULL) {
        error->no_memory = 1;
        error->offset = start;
        error->length = 0;
        error->reason = "out of memory";
        return -1;
    }
    if (text[start] == '"') {
        /* \" and \\ are unescaped; any other backslash stays (globs) */
        for (size_t j = start + 1; j + 1 < i; j++) {
            if (text[j] == '\\' && j + 2 < i &&
                (text[j + 1] == '"' || text[j + 1] == '\\')) {
                j++;
            }
            value[n++] = text[j];
        }
    }
    else {
        memcpy(value, text + start, word->length);
        n = word->length;
    }
    value[n] = '\0';
    word->value = value;
    return 1;
}


/* "N" or "N-M" (decimal, N <= M, up to INT_MAX). 0, or -1. */
static int
query_line_range(const char *text, int *first, int *last)
{
    long value[2] = {0, 0};
    int parts = 0;
    const char *p = text;

    for (;;) {
        const char *digits = p;
        while (*p >= '0' && *p <= '9') {
            value[parts] = value[parts] * 10 + (*p - '0');
            if (value[parts] > INT_MAX) {
                return -1;
            }
            p++;
        }
        if (p == digits) {
            return -1;
        }
        parts++;
        if (*p == '\0') {
            break;
        }
        if (*p != '-' || parts == 2) {
            return -1;
        }
        p++;
    }
    if (parts == 1) {
        value[1] = value[0];
    }
    if (value[0] > value[1]) {
        return -1;
    }
    *first = (int)value[0];
    *last = (int)value[1];
    return 0;
}

enum { KEY_FILE, KEY_FUNC, KEY_LINE, KEY_TARGET, KEY_FORMAT, KEY_LEVEL,
       KEY_NONE };

static const char *const query_keywords[] = {"file",   "func",   "line",
                                             "target", "format", "level"};

static int
query_keyword(const char *word)
{
    for (int k = 0; k < KEY_NONE; k++) {
        if (strcmp(word, query_keywords[k]) == 0) {
            return k;
        }
    }
    return KEY_NONE;
}

static int
query_action(const char *word)
{
    if (strcmp(word, "on") == 0) {
        return PYLOG_INTERNAL_MODE_ON;
    }
    if (strcmp(word, "off") == 0) {
        return PYLOG_INTERNAL_MODE_OFF;
    }
    if (strcmp(word, "default") == 0) {
        return PYLOG_INTERNAL_MODE_DEFAULT;
    }
    return -1;
}

/* Store the value of keyword `key` in *query, taking `value` over. 0, or -1
 * with error->reason set (the value is then freed). */
static int
query_set(site_query *query, int key, char *value, site_query_error *error)
{
    char *dotted;

    switch (key) {
    case KEY_FILE:
    case KEY_FUNC:
    case KEY_TARGET:
        if (!pylog_internal_glob_valid(value)) {
            error->reason = "bad glob (a '[' without its ']', or a "
                            "trailing '\\')";
            break;
        }
        if (key == KEY_TARGET) {
            dotted = pylog_internal_name_dotted_n(value, strlen(value));
            free(value);
            if (dotted == NULL) {
                error->no_memory = 1;
                error->reason = "out of memory";
                return -1;
            }
            query->target = dotted;
        }
        else if (key == KEY_FILE) {
            query->file = value;
        }
        else {
            query->func = value;
        }
        return 0;
    case KEY_LINE:
        if (query_line_range(value, &query->line_first, &query->line_last) <
            0) {
            error->reason = "bad line range (expected N or N-M, with "
                            "N <= M)";
            break;
        }
        query->has_line = 1;
        free(value);
        return 0;
    case KEY_FORMAT:
        query->format = value;
        return 0;
    case KEY_LEVEL:
        if (pylog_internal_spec_level(value, strlen(value), &query->level) <
                0 ||
            query->level < 1 || query->level >= PYLOG_LEVEL_OFF) {
            query->level = -1;
            error->reason = "unknown level (expected trace, debug, info, "
                            "warn, warning, error, critical or a number "
                            "from 1 to 99)";
            break;
        }
        free(value);
        return 0;
    }
    free(value);
    return -1;
}

/* Parse the words of one query, [start, end) of `text`. */
static int
query_parse(const char *text, size_t start, size_t end, site_query *query,
            site_query_error *error)
{
    size_t pos = start;
    int seen[KEY_NONE] = {0};
    query_word word, value;
    int status, key;

    for (;;) {
        status = query_word_next(text, &pos, end, &word, error);
        if (status < 0) {
            return -1;
        }
        if (status == 0) {
            error->offset = end;
            error->length = 0;
            error->reason = "missing action (on, off or default) at the "
                            "end of the query";
            return -1;
        }
        error->offset = word.offset;
        error->length = word.length;
        query->action = query_action(word.value);
        if (query->action >= 0) {
            free(word.value);
            status = query_word_next(text, &pos, end, &word, error);
            if (status < 0) {
                return -1;
            }
            if (status > 0) {
                free(word.value);
                error->offset = word.offset;
                error->length = word.length;
                error->reason = "text after the action (the action comes "
                                "last, once)";
                return -1;
            }
            return 0;
        }
        key = query_keyword(word.value);
        free(word.value);
        if (key == KEY_NONE) {
            error->reason = "unknown keyword (expected file, func, line, "
                            "target, format or level, or an action: on, "
                            "off, default)";
            return -1;
        }
        if (seen[key]) {
            error->reason = "keyword given twice";
            return -1;
        }
        seen[key] = 1;
        status = query_word_next(text, &pos, end, &value, error);
        if (status < 0) {
            return -1;
        }
        if (status == 0) {
            error->reason = "missing value after the keyword";
            return -1;
        }
        error->offset = value.offset;
        error->length = value.length;
        if (query_set(query, key, value.value, error) < 0) {
            return -1;
        }
    }
}

void
pylog_internal_site_query_start(site_query_cursor *cursor, const char *text)
{
    cursor->text = text;
    cursor->offset = 0;
    cursor->index = 0;
}

int
pylog_internal_site_query_next(site_query_cursor *cursor, site_query **query,
                               site_query_error *error)
{
    const char *text = cursor->text;
    site_query *fresh;
    size_t start, end;
    int unterminated;

    *query = NULL;
    for (;;) {
        start = cursor->offset;
        if (text[start] == '\0') {
            return 0;
        }
        end = query_end(text, start, &unterminated);
        cursor->offset = text[end] == ';' ? end + 1 : end;
        error->index = cursor->index++;
        error->no_memory = 0;
        while (start < end && query_is_blank(text[start])) {
            start++;
        }
        if (start == end) {
            continue; /* an empty query: "a on;;b off" or a trailing ';' */
        }
        if (unterminated) {
            error->offset = start;
            error->length = end - start;
            error->reason = "a quote is not closed";
            return -1;
        }
        fresh = (site_query *)calloc(1, sizeof *fresh);
        if (fresh == NULL) {
            error->no_memory = 1;
            error->offset = start;
            error->length = 0;
            error->reason = "out of memory";
            return -1;
        }
        fresh->level = -1;
        if (query_parse(text, start, end, fresh, error) < 0) {
            pylog_internal_site_query_free(fresh);
            return -1;
        }
        *query = fresh;
        return 1;
    }
}

void
pylog_internal_site_query_free(site_query *query)
{
    if (query != NULL) {
        free(query->file);
        free(query->func);
        free(query->target);
        free(query->format);
        free(query);
    }
}

int
pylog_internal_site_query_matches(const site_query *query,
                                  const site_query_subject *subject)
{
    if (query->file != NULL) {
        const char *slash = strrchr(subject->file, '/');
        if (!pylog_internal_glob_matches(query->file, subject->file) &&
            (slash == NULL ||
             !pylog_internal_glob_matches(query->file, slash + 1))) {
            return 0;
        }
    }
    if (query->func != NULL &&
        (subject->func == NULL ||
         !pylog_internal_glob_matches(query->func, subject->func))) {
        return 0;
    }
    if (query->has_line && (subject->line < query->line_first ||
                            subject->line > query->line_last)) {
        return 0;
    }
    if (query->target != NULL &&
        (subject->target == NULL ||
         !pylog_internal_glob_matches(query->target, subject->target))) {
        return 0;
    }
    if (query->format != NULL && (subject->format == NULL ||
                                  !strstr(subject->format, query->format))) {
        return 0;
    }
    return query->level < 0 || query->level == subject->level;
}

int
pylog_internal_site_query_uses_target(const site_query *query)
{
    return query->target != NULL;
}

int
pylog_internal_site_query_action(const site_query *query)
{
    return query->action;
}

int
pylog_internal_site_query_list_add(site_query_list *list, site_query *query)
{
    if (list->n_queries == list->capacity) {
        size_t capacity = list->capacity == 0 ? 4 : list->capacity * 2;
        site_query **grown = (site_query **)realloc(
            list->queries, capacity * sizeof *grown);
        if (grown == NULL) {
            pylog_internal_site_query_free(query);
            return -1;
        }
        list->queries = grown;
        list->capacity = capacity;
    }
    list->queries[list->n_queries++] = query;
    return 0;
}

void
pylog_internal_site_query_list_clear(site_query_list *list)
{
    for (size_t i = 0; i < list->n_queries; i++) {
        pylog_internal_site_query_free(list->queries[i]);
    }
    free(list->queries);
    list->queries = NULL;
    list->n_queries = list->capacity = 0;
}
