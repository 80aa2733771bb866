/*
 * filter_spec.c: parses filter specs ("warn,mypkg=debug") one directive at a
 * time for config.c; the grammar is in internal/filter_spec.h. No globals,
 * no allocation, no Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/filter_spec.h"

#include <string.h>

static const struct {
    const char *name;
    int level;
} spec_names[] = {
    {"notset", PYLOG_LEVEL_NOTSET}, {"trace", PYLOG_LEVEL_TRACE},
    {"debug", PYLOG_LEVEL_DEBUG},   {"info", PYLOG_LEVEL_INFO},
    {"warn", PYLOG_LEVEL_WARN},     {"warning", PYLOG_LEVEL_WARNING},
    {"error", PYLOG_LEVEL_ERROR},   {"critical", PYLOG_LEVEL_CRITICAL},
    {"off", PYLOG_LEVEL_OFF},
};

static int
spec_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Narrow [*start, *end) to exclude blanks at both ends. */
static void
spec_trim(const char *text, size_t *start, size_t *end)
{
    while (*start < *end && spec_is_blank(text[*start])) {
        (*start)++;
    }
    while (*end > *start && spec_is_blank(text[*end - 1])) {
        (*end)--;
    }
}

static char
spec_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int
pylog_internal_spec_level(const char *text, size_t length, int *level)
{
    if (length > 0 && text[0] >= '0' && text[0] <= '9') {
        int value = 0;
        for (size_t i = 0; i < length; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return -1;
            }
            value = value * 10 + (text[i] - '0');
            if (value > PYLOG_LEVEL_OFF) {
                return -1;
            }
        }
        *level = value;
        return 0;
    }
    for (size_t n = 0; n < sizeof spec_names / sizeof spec_names[0]; n++) {
        const char *name = spec_names[n].name;
        size_t i = 0;
        while (i < length && name[i] != '\0' &&
               spec_lower(text[i]) == name[i]) {
            i++;
        }
        if (i == length && name[i] == '\0') {
            *level = spec_names[n].level;
            return 0;
        }
    }
    return -1;
}

void
pylog_internal_spec_start(spec_cursor *cursor, const char *spec)
{
    cursor->spec = spec;
    cursor->offset = 0;
    cursor->index = 0;
}

int
pylog_internal_spec_next(spec_cursor *cursor, spec_directive *directive,
                         spec_error *error)
{
    const char *spec = cursor->spec;

    for (;;) {
        size_t start = cursor->offset, end = start, equals;
        size_t target_start, target_end, level_start, level_end;

        if (spec[start] == '\0') {
            return 0;
        }
        while (spec[end] != '\0' && spec[end] != ',') {
            end++;
        }
        cursor->offset = spec[end] == ',' ? end + 1 : end;
        error->index = cursor->index++;
        spec_trim(spec, &start, &end);
        /* Errors name the directive as written, without its blanks. */
        error->offset = start;
        error->length = end - start;
        if (start == end) {
            continue; /* an empty directive: "a,,b" or a trailing comma */
        }
        for (equals = start; equals < end && spec[equals] != '='; equals++) {
        }
        directive->target = NULL;
        directive->target_length = 0;
        level_start = start;
        level_end = end;
        if (equals < end) {
            target_start = start;
            target_end = equals;
            level_start = equals + 1;
            spec_trim(spec, &target_start, &target_end);
            spec_trim(spec, &level_start, &level_end);
            if (memchr(spec + level_start, '=', level_end - level_start)) {
                error->reason = "more than one '='";
                return -1;
            }
            if (target_start == target_end) {
                error->reason = "empty target";
                return -1;
            }
            directive->target = spec + target_start;
            directive->target_length = target_end - target_start;
        }
        if (level_start == level_end) {
            error->reason = "missing level";
            return -1;
        }
        if (pylog_internal_spec_level(spec + level_start,
                                      level_end - level_start,
                                      &directive->level) < 0) {
            error->reason = "unknown level (expected a name such as warn, "
                            "or a number from 0 to 100)";
            return -1;
        }
        return 1;
    }
}
