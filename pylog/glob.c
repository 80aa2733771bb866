/*
 * glob.c: shell-style glob patterns (`*`, `?`, `[...]`, `\` escapes) for
 * site queries: checking one and matching a text against it. No globals,
 * no locks, no allocation, no Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/glob.h"

/* Nonzero when `glob` is well formed: every `[` closed, no trailing `\`. */
int
pylog_internal_glob_valid(const char *glob)
{
    for (const char *p = glob; *p != '\0'; p++) {
        if (*p == '\\') {
            if (*++p == '\0') {
                return 0;
            }
        }
        else if (*p == '[') {
            p++;
            if (*p == '!' || *p == '^') {
                p++;
            }
            if (*p == ']') {
                p++; /* a leading ']' is a member */
            }
            while (*p != ']') {
                if (*p == '\0') {
                    return 0;
                }
                p++;
            }
        }
    }
    return 1;
}

/* Match byte `c` against the set at *pattern (just past its `[`); moves
 * *pattern past the `]`. The glob is valid. */
static int
glob_set_matches(const char **pattern, unsigned char c)
{
    const char *p = *pattern;
    int negated = 0, found = 0, first = 1;

    if (*p == '!' || *p == '^') {
        negated = 1;
        p++;
    }
    while (first || *p != ']') {
        unsigned char low = (unsigned char)*p++, high = low;
        if (*p == '-' && p[1] != ']' && p[1] != '\0') {
            high = (unsigned char)p[1];
            p += 2;
        }
        if (low <= c && c <= high) {
            found = 1;
        }
        first = 0;
    }
    *pattern = p + 1;
    return found != negated;
}

/* Nonzero when `text` matches the valid glob `glob` as a whole. Backtracks
 * only to the last `*`, so it takes time linear in the product of the
 * lengths at worst. */
int
pylog_internal_glob_matches(const char *glob, const char *text)
{
    const char *p = glob, *s = text, *star = NULL, *star_text = NULL;

    while (*s != '\0') {
        if (*p == '*') {
            star = ++p;
            star_text = s;
            continue;
        }
        if (*p == '?') {
            p++;
            s++;
            continue;
        }
        if (*p == '[') {
            const char *after = p + 1;
            if (glob_set_matches(&after, (unsigned char)*s)) {
                p = after;
                s++;
                continue;
            }
        }
        else if (*p != '\0') {
            const char *literal = *p == '\\' ? p + 1 : p;
            if (*literal == *s) {
                p = literal + 1;
                s++;
                continue;
            }
        }
        if (star == NULL) {
            return 0;
        }
        p = star;
        s = ++star_text;
    }
    while (*p == '*') {
        p++;
    }
    return *p == '\0';
}
