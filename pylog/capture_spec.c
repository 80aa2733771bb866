/*
 * capture_spec.c: one printf conversion specification for deferred
 * formatting (internal/capture_spec.h): parsed as glibc reads it, the kind
 * of value it takes, and respelled for snprintf. No globals, no locks, no
 * Python.
 */
#include "internal/capture_spec.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Length modifiers, in the order of CAPTURE_LENGTH_*. */
static const char capture_spec_lengths[][3] = {"", "hh", "h", "l", "ll",
                                               "j", "z", "t", "L"};

/* The flags, in the order of their bits and of a respelled conversion. */
static const char capture_spec_flags[] = "-+ #0";

/* A decimal number at *p (no sign) into *value; -1 when it exceeds INT_MAX
 * (vsnprintf fails with EOVERFLOW there, so such formats are not deferred)
 * or is followed by `$` (a positional argument). */
static int
capture_spec_number(const char **p, int *value)
{
    long long number = 0;

    while (**p >= '0' && **p <= '9') {
        number = number * 10 + (**p - '0');
        if (number > INT_MAX) {
            return -1;
        }
        (*p)++;
    }
    *value = (int)number;
    return **p == '$' ? -1 : 0;
}

int
pylog_internal_capture_spec_parse(const char *p,
                                  pylog_internal_capture_spec *spec)
{
    const char *flag;
    int length;

    spec->flags = 0;
    spec->width = CAPTURE_ABSENT;
    spec->precision = CAPTURE_ABSENT;
    spec->length = CAPTURE_LENGTH_NONE;
    if (*p == '%') {
        spec->conversion = '%';
        spec->end = p + 1;
        return 0;
    }
    while (*p != '\0' && (flag = strchr(capture_spec_flags, *p)) != NULL) {
        spec->flags |= 1u << (flag - capture_spec_flags);
        p++;
    }
    /* Digits right after a `*` make `*n$`, or a width glibc reads as well:
       neither is deferred. */
    if (*p == '*') {
        spec->width = CAPTURE_STAR;
        p++;
        if (*p >= '0' && *p <= '9') {
            return -1;
        }
    }
    else if (*p >= '1' && *p <= '9' &&
             capture_spec_number(&p, &spec->width) < 0) {
        return -1;
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            spec->precision = CAPTURE_STAR;
            p++;
            if (*p >= '0' && *p <= '9') {
                return -1;
            }
        }
        else if (capture_spec_number(&p, &spec->precision) < 0) {
            return -1;
        }
    }
    /* q is BSD's ll: glibc reads both alike. */
    switch (*p++) {
    case 'h':
        length = *p == 'h' ? (p++, CAPTURE_LENGTH_HH) : CAPTURE_LENGTH_H;
        break;
    case 'l':
        length = *p == 'l' ? (p++, CAPTURE_LENGTH_LL) : CAPTURE_LENGTH_L;
        break;
    case 'q': length = CAPTURE_LENGTH_LL; break;
    case 'j': length = CAPTURE_LENGTH_J; break;
    case 'z': length = CAPTURE_LENGTH_Z; break;
    case 't': length = CAPTURE_LENGTH_T; break;
    case 'L': length = CAPTURE_LENGTH_BIG_L; break;
    default: length = CAPTURE_LENGTH_NONE; p--; break;
    }
    spec->length = length;
    spec->conversion = *p;
    spec->end = p + 1;
    return *p == '\0' ? -1 : 0;
}

int
pylog_internal_capture_spec_kind(const pylog_internal_capture_spec *spec)
{
    static const signed char signed_kinds[] = {
        CAPTURE_INT, CAPTURE_INT, CAPTURE_INT, CAPTURE_LONG, CAPTURE_LLONG,
        CAPTURE_INTMAX, CAPTURE_SSIZE, CAPTURE_PTRDIFF, -1};
    static const signed char unsigned_kinds[] = {
        CAPTURE_UINT, CAPTURE_UINT, CAPTURE_UINT, CAPTURE_ULONG,
        CAPTURE_ULLONG, CAPTURE_UINTMAX, CAPTURE_SIZE, CAPTURE_UPTRDIFF, -1};
    int plain = spec->length == CAPTURE_LENGTH_NONE;

    switch (spec->conversion) {
    case 'd': case 'i':
        return signed_kinds[spec->length];
    case 'o': case 'u': case 'x': case 'X':
        return unsigned_kinds[spec->length];
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a':
    case 'A':
        if (spec->length == CAPTURE_LENGTH_BIG_L) {
            return CAPTURE_LDOUBLE;
        }
        return plain || spec->length == CAPTURE_LENGTH_L ? CAPTURE_DOUBLE
                                                         : -1;
    case 'c':
        return plain ? CAPTURE_INT : -1;
    case 's':
        if (!plain) {
            return -1;
        }
        return spec->precision == CAPTURE_STAR ? CAPTURE_STRING_STAR
                                               : CAPTURE_STRING;
    case 'p':
        return plain ? CAPTURE_POINTER : -1;
    case 'm':
        return plain ? CAPTURE_NOTHING : -1;
    case '%': /* only a bare %%: glibc ignores what would come between */
        return spec->end[-2] == '%' ? CAPTURE_NOTHING : -1;
    default:
        return -1;
    }
}

/* At most 1 + 5 + 10 + 1 + 10 + 2 + 1 + 1 bytes: text[32] holds it. */
void
pylog_internal_capture_spec_respell(const pylog_internal_capture_spec *spec,
                                    char *text)
{
    int i;

    *text++ = '%';
    for (i = 0; capture_spec_flags[i] != '\0'; i++) {
        if (spec->flags & (1u << i)) {
            *text++ = capture_spec_flags[i];
        }
    }
    if (spec->width == CAPTURE_STAR) {
        *text++ = '*';
    }
    else if (spec->width != CAPTURE_ABSENT) {
        text += sprintf(text, "%d", spec->width);
    }
    if (spec->precision == CAPTURE_STAR) {
        *text++ = '.';
        *text++ = '*';
    }
    else if (spec->precision != CAPTURE_ABSENT) {
        text += sprintf(text, ".%d", spec->precision);
    }
    strcpy(text, capture_spec_lengths[spec->length]);
    text += strlen(text);
    *text++ = spec->conversion;
    *text = '\0';
}
