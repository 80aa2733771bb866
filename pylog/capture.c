/*
 * capture.c: deferred printf formatting (internal/capture.h). A statement
 * on the caller's thread copies its raw arguments by a plan made once per
 * format (capture_write: a switch over the plan, no allocation, no
 * snprintf); later, on any thread, capture_format replays the format:
 * literal text is copied, and each conversion is handed to snprintf on its
 * own, respelled from its parsed parts, with the one value of the exact
 * type vsnprintf would have read (and the `*` widths and precisions as
 * they were passed). The text is then what vsnprintf made at the call,
 * byte for byte (testing/capture_test.cc compares the two). No globals, no
 * locks, no Python.
 *
 * The capture, 8-byte slots in the plan's order of arguments:
 *
 *   integer (any kind, `*` too)  one slot: intmax_t or uintmax_t
 *   double, void *               one slot
 *   long double                  sizeof(long double), rounded up to slots
 *   %s string                    a slot with its length (CAPTURE_NULL for
 *                                a NULL pointer), then its bytes and a NUL,
 *                                zero-padded to a whole slot
 *
 * and one zero slot for a format without arguments, so that a capture is
 * never empty (0 from capture_write means "declined").
 */
#include "internal/capture.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPTURE_SLOT 8
/* `n` bytes rounded up to whole slots. */
#define CAPTURE_ROUND(N) \
    (((N) + (CAPTURE_SLOT - 1)) & ~(size_t)(CAPTURE_SLOT - 1))
/* A %s slot's length for a NULL pointer. */
#define CAPTURE_NULL UINT64_MAX
/* Width and precision when absent, and when given by `*`. */
#define CAPTURE_ABSENT (-1)
#define CAPTURE_STAR (-2)

/* What va_arg reads for one argument. C99 names neither the signed size_t
 * (%zd) nor the unsigned ptrdiff_t (%tu): capture_ssize and
 * capture_uptrdiff are glibc's (int where size_t is unsigned int, else
 * long). */
enum {
    CAPTURE_INT, CAPTURE_UINT, CAPTURE_LONG, CAPTURE_ULONG, CAPTURE_LLONG,
    CAPTURE_ULLONG, CAPTURE_INTMAX, CAPTURE_UINTMAX, CAPTURE_SSIZE,
    CAPTURE_SIZE, CAPTURE_PTRDIFF, CAPTURE_UPTRDIFF, CAPTURE_DOUBLE,
    CAPTURE_LDOUBLE, CAPTURE_POINTER,
    CAPTURE_STRING,      /* precision absent or a number: plan->limits */
    CAPTURE_STRING_STAR, /* precision from the `*` argument just before */
    CAPTURE_NOTHING      /* %% and %m take no argument */
};

/* Length modifiers, in the order of their spellings below. */
enum { LENGTH_NONE, LENGTH_HH, LENGTH_H, LENGTH_L, LENGTH_LL, LENGTH_J,
       LENGTH_Z, LENGTH_T, LENGTH_BIG_L };
static const char capture_lengths[][3] = {"", "hh", "h", "l", "ll", "j",
                                          "z", "t", "L"};

/* The flags, in the order a respelled conversion writes them. */
static const char capture_flags[] = "-+ #0";

#if SIZE_MAX == UINT_MAX
typedef int capture_ssize;
typedef unsigned int capture_uptrdiff;
#else
typedef long capture_ssize;
typedef unsigned long capture_uptrdiff;
#endif

struct pylog_internal_capture_plan {
    const char *format;
    size_t max_size;
    int count; /* entries used in kinds and limits */
    unsigned char kinds[PYLOG_INTERNAL_CAPTURE_ARGS];
    /* CAPTURE_STRING: the most bytes looked at, STRING_MAX + 1 with no
       precision (one more than a capture takes: the longer ones decline). */
    unsigned short limits[PYLOG_INTERNAL_CAPTURE_ARGS];
};

/* One conversion, as parsed. */
typedef struct capture_spec {
    const char *end; /* just past the conversion character */
    unsigned flags;  /* bit i: capture_flags[i] */
    int width;       /* a number, CAPTURE_ABSENT or CAPTURE_STAR */
    int precision;   /* likewise */
    int length;      /* LENGTH_* */
    char conversion;
} capture_spec;

/* A decimal number at *p (no sign) into *value; -1 when it exceeds INT_MAX
 * (vsnprintf fails with EOVERFLOW there, so such formats are not deferred)
 * or is followed by `$` (a positional argument). */
static int
capture_number(const char **p, int *value)
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

/* Parses the conversion whose `%` is at p[-1]; -1 when it is not deferred.
 * Only the grammar flags* width? (. precision?)? length? conversion is
 * accepted, where glibc reads each part as this does. */
static int
capture_parse(const char *p, capture_spec *spec)
{
    const char *flag;
    int length;

    spec->flags = 0;
    spec->width = CAPTURE_ABSENT;
    spec->precision = CAPTURE_ABSENT;
    spec->length = LENGTH_NONE;
    if (*p == '%') {
        spec->conversion = '%';
        spec->end = p + 1;
        return 0;
    }
    while (*p != '\0' && (flag = strchr(capture_flags, *p)) != NULL) {
        spec->flags |= 1u << (flag - capture_flags);
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
             capture_number(&p, &spec->width) < 0) {
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
        else if (capture_number(&p, &spec->precision) < 0) {
            return -1;
        }
    }
    /* q is BSD's ll: glibc reads both alike. */
    switch (*p++) {
    case 'h': length = *p == 'h' ? (p++, LENGTH_HH) : LENGTH_H; break;
    case 'l': length = *p == 'l' ? (p++, LENGTH_LL) : LENGTH_L; break;
    case 'q': length = LENGTH_LL; break;
    case 'j': length = LENGTH_J; break;
    case 'z': length = LENGTH_Z; break;
    case 't': length = LENGTH_T; break;
    case 'L': length = LENGTH_BIG_L; break;
    default: length = LENGTH_NONE; p--; break;
    }
    spec->length = length;
    spec->conversion = *p;
    spec->end = p + 1;
    return *p == '\0' ? -1 : 0;
}

/* What the conversion's value is read as (CAPTURE_*), or -1 when the
 * conversion, or its length modifier with it, is not deferred. */
static int
capture_kind(const capture_spec *spec)
{
    static const signed char signed_kinds[] = {
        CAPTURE_INT, CAPTURE_INT, CAPTURE_INT, CAPTURE_LONG, CAPTURE_LLONG,
        CAPTURE_INTMAX, CAPTURE_SSIZE, CAPTURE_PTRDIFF, -1};
    static const signed char unsigned_kinds[] = {
        CAPTURE_UINT, CAPTURE_UINT, CAPTURE_UINT, CAPTURE_ULONG,
        CAPTURE_ULLONG, CAPTURE_UINTMAX, CAPTURE_SIZE, CAPTURE_UPTRDIFF, -1};
    int plain = spec->length == LENGTH_NONE;

    switch (spec->conversion) {
    case 'd': case 'i':
        return signed_kinds[spec->length];
    case 'o': case 'u': case 'x': case 'X':
        return unsigned_kinds[spec->length];
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a':
    case 'A':
        if (spec->length == LENGTH_BIG_L) {
            return CAPTURE_LDOUBLE;
        }
        return plain || spec->length == LENGTH_L ? CAPTURE_DOUBLE : -1;
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

/* Appends one argument of `kind` to the plan; -1 when it has no room. */
static int
capture_push(pylog_internal_capture_plan *plan, int kind, int precision)
{
    size_t limit = PYLOG_INTERNAL_CAPTURE_STRING_MAX + 1;

    if (plan->count == PYLOG_INTERNAL_CAPTURE_ARGS) {
        return -1;
    }
    if (kind == CAPTURE_STRING && precision >= 0 &&
        (size_t)precision < limit) {
        limit = (size_t)precision;
    }
    plan->kinds[plan->count] = (unsigned char)kind;
    plan->limits[plan->count] = (unsigned short)limit;
    plan->count++;
    if (kind == CAPTURE_STRING || kind == CAPTURE_STRING_STAR) {
        if (limit > PYLOG_INTERNAL_CAPTURE_STRING_MAX) {
            limit = PYLOG_INTERNAL_CAPTURE_STRING_MAX;
        }
        plan->max_size += CAPTURE_SLOT + CAPTURE_ROUND(limit + 1);
    }
    else if (kind == CAPTURE_LDOUBLE) {
        plan->max_size += CAPTURE_ROUND(sizeof(long double));
    }
    else {
        plan->max_size += CAPTURE_SLOT;
    }
    return 0;
}

pylog_internal_capture_plan *
pylog_internal_capture_plan_new(const char *fmt)
{
    pylog_internal_capture_plan plan, *copy;
    const char *p = fmt;
    capture_spec spec;
    int kind;

    if (fmt == NULL) {
        return NULL;
    }
    plan.format = fmt;
    plan.max_size = 0;
    plan.count = 0;
    while ((p = strchr(p, '%')) != NULL) {
        if (capture_parse(p + 1, &spec) < 0 ||
            (kind = capture_kind(&spec)) < 0 ||
            (spec.width == CAPTURE_STAR &&
             capture_push(&plan, CAPTURE_INT, 0) < 0) ||
            (spec.precision == CAPTURE_STAR &&
             capture_push(&plan, CAPTURE_INT, 0) < 0) ||
            (kind != CAPTURE_NOTHING &&
             capture_push(&plan, kind, spec.precision) < 0)) {
            return NULL;
        }
        p = spec.end;
    }
    if (plan.max_size == 0) {
        plan.max_size = CAPTURE_SLOT;
    }
    copy = (pylog_internal_capture_plan *)malloc(sizeof(plan));
    if (copy != NULL) {
        memcpy(copy, &plan, sizeof(plan));
    }
    return copy;
}

void
pylog_internal_capture_plan_free(pylog_internal_capture_plan *plan)
{
    free(plan);
}

const char *
pylog_internal_capture_plan_format(const pylog_internal_capture_plan *plan)
{
    return plan->format;
}

size_t
pylog_internal_capture_max_size(const pylog_internal_capture_plan *plan)
{
    return plan->max_size;
}

/* Copies string `s` (at most `limit` bytes of it: memchr is C99's strnlen)
 * into the slots at `slot`; returns the next slot, or NULL when it is
 * longer than PYLOG_INTERNAL_CAPTURE_STRING_MAX. */
static inline unsigned char *
capture_string(unsigned char *slot, const char *s, size_t limit)
{
    const char *nul;
    uint64_t length = CAPTURE_NULL;
    size_t padded;

    if (s == NULL) {
        memcpy(slot, &length, sizeof(length));
        return slot + CAPTURE_SLOT;
    }
    nul = (const char *)memchr(s, '\0', limit);
    length = nul != NULL ? (uint64_t)(nul - s) : limit;
    if (length > PYLOG_INTERNAL_CAPTURE_STRING_MAX) {
        return NULL;
    }
    memcpy(slot, &length, sizeof(length));
    padded = CAPTURE_ROUND((size_t)length + 1);
    /* The NUL and the padding first: the bytes may overwrite part of it. */
    memset(slot + padded, 0, CAPTURE_SLOT);
    memcpy(slot + CAPTURE_SLOT, s, (size_t)length);
    return slot + CAPTURE_SLOT + padded;
}

/* One slot: VALUE widened to WIDE. */
#define CAPTURE_PUT(WIDE, VALUE)                                       \
    do {                                                               \
        WIDE wide_ = (WIDE)(VALUE);                                    \
        memcpy(slot, &wide_, sizeof(wide_));                           \
        slot += CAPTURE_SLOT;                                          \
    } while (0)

size_t
pylog_internal_capture_write(const pylog_internal_capture_plan *plan,
                             void *out, va_list args)
{
    unsigned char *slot = (unsigned char *)out;
    int i, star = 0;
    size_t limit;
    va_list copy;

    va_copy(copy, args);
    for (i = 0; i < plan->count; i++) {
        switch (plan->kinds[i]) {
        case CAPTURE_INT:
            /* Kept: a `*` precision is read just before its string. */
            star = va_arg(copy, int);
            CAPTURE_PUT(intmax_t, star);
            break;
        case CAPTURE_UINT:
            CAPTURE_PUT(uintmax_t, va_arg(copy, unsigned int));
            break;
        case CAPTURE_LONG: CAPTURE_PUT(intmax_t, va_arg(copy, long)); break;
        case CAPTURE_ULONG:
            CAPTURE_PUT(uintmax_t, va_arg(copy, unsigned long));
            break;
        case CAPTURE_LLONG:
            CAPTURE_PUT(intmax_t, va_arg(copy, long long));
            break;
        case CAPTURE_ULLONG:
            CAPTURE_PUT(uintmax_t, va_arg(copy, unsigned long long));
            break;
        case CAPTURE_INTMAX:
            CAPTURE_PUT(intmax_t, va_arg(copy, intmax_t));
            break;
        case CAPTURE_UINTMAX:
            CAPTURE_PUT(uintmax_t, va_arg(copy, uintmax_t));
            break;
        case CAPTURE_SSIZE:
            CAPTURE_PUT(intmax_t, va_arg(copy, capture_ssize));
            break;
        case CAPTURE_SIZE: CAPTURE_PUT(uintmax_t, va_arg(copy, size_t)); break;
        case CAPTURE_PTRDIFF:
            CAPTURE_PUT(intmax_t, va_arg(copy, ptrdiff_t));
            break;
        case CAPTURE_UPTRDIFF:
            CAPTURE_PUT(uintmax_t, va_arg(copy, capture_uptrdiff));
            break;
        case CAPTURE_DOUBLE: CAPTURE_PUT(double, va_arg(copy, double)); break;
        case CAPTURE_POINTER:
            CAPTURE_PUT(uintmax_t, (uintptr_t)va_arg(copy, void *));
            break;
        case CAPTURE_LDOUBLE: {
            long double value = va_arg(copy, long double);

            memcpy(slot, &value, sizeof(value));
            slot += CAPTURE_ROUND(sizeof(value));
            break;
        }
        default: /* CAPTURE_STRING, CAPTURE_STRING_STAR */
            limit = plan->limits[i];
            if (plan->kinds[i] == CAPTURE_STRING_STAR) {
                /* A negative `*` precision counts as none. */
                limit = star >= 0 && star <= PYLOG_INTERNAL_CAPTURE_STRING_MAX
                            ? (size_t)star
                            : PYLOG_INTERNAL_CAPTURE_STRING_MAX + 1;
            }
            slot = capture_string(slot, va_arg(copy, const char *), limit);
            if (slot == NULL) {
                va_end(copy);
                return 0;
            }
            break;
        }
    }
    va_end(copy);
    if (slot == (unsigned char *)out) {
        memset(slot, 0, CAPTURE_SLOT);
        slot += CAPTURE_SLOT;
    }
    return (size_t)(slot - (unsigned char *)out);
}


/* The `*` value in the next slot. */
static int
capture_star(const unsigned char **slot)
{
    intmax_t value;

    memcpy(&value, *slot, sizeof(value));
    *slot += CAPTURE_SLOT;
    return (int)value;
}

/* The conversion `spec` respelled into text[32] ('%', each flag once, the
 * width, the precision, the length modifier, the conversion, NUL): at most
 * 1 + 5 + 10 + 1 + 10 + 2 + 1 + 1 bytes. */
static void
capture_respell(const capture_spec *spec, char *text)
{
    int i;

    *text++ = '%';
    for (i = 0; capture_flags[i] != '\0'; i++) {
        if (spec->flags & (1u << i)) {
            *text++ = capture_flags[i];
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
    strcpy(text, capture_lengths[spec->length]);
    text += strlen(text);
    *text++ = spec->conversion;
    *text = '\0';
}

/* The format is respelled at run time: the types of what is passed come
 * from the same parse (capture_kind). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

/* snprintf of `text`, with the `*` values first, then VALUE. */
#define CAPTURE_PRINT(VALUE)                                            \
    (stars == 0   ? snprintf(out, size, text, VALUE)                    \
     : stars == 1 ? snprintf(out, size, text, star[0], VALUE)           \
                  : snprintf(out, size, text, star[0], star[1], VALUE))

/* Formats one conversion of `kind` from the slots at *slot into
 * out[0 .. size) as snprintf does (out may be NULL when size is 0). */
static int
capture_one(const capture_spec *spec, int kind, const unsigned char **slot,
            int call_errno, char *out, size_t size)
{
    char text[32];
    int star[2], stars = 0;
    union {
        intmax_t i;
        uintmax_t u;
        double d;
        long double ld;
        uint64_t length; /* CAPTURE_STRING*: its slot */
    } v;
    const char *string;

    capture_respell(spec, text);
    if (spec->width == CAPTURE_STAR) {
        star[stars++] = capture_star(slot);
    }
    if (spec->precision == CAPTURE_STAR) {
        star[stars++] = capture_star(slot);
    }
    if (kind == CAPTURE_LDOUBLE) {
        memcpy(&v.ld, *slot, sizeof(v.ld));
        *slot += CAPTURE_ROUND(sizeof(v.ld));
    }
    else if (kind != CAPTURE_NOTHING) {
        memcpy(&v, *slot, CAPTURE_SLOT);
        *slot += CAPTURE_SLOT;
    }
    switch (kind) {
    case CAPTURE_INT: return CAPTURE_PRINT((int)v.i);
    case CAPTURE_UINT: return CAPTURE_PRINT((unsigned int)v.u);
    case CAPTURE_LONG: return CAPTURE_PRINT((long)v.i);
    case CAPTURE_ULONG: return CAPTURE_PRINT((unsigned long)v.u);
    case CAPTURE_LLONG: return CAPTURE_PRINT((long long)v.i);
    case CAPTURE_ULLONG: return CAPTURE_PRINT((unsigned long long)v.u);
    case CAPTURE_INTMAX: return CAPTURE_PRINT(v.i);
    case CAPTURE_UINTMAX: return CAPTURE_PRINT(v.u);
    case CAPTURE_SSIZE: return CAPTURE_PRINT((capture_ssize)v.i);
    case CAPTURE_SIZE: return CAPTURE_PRINT((size_t)v.u);
    case CAPTURE_PTRDIFF: return CAPTURE_PRINT((ptrdiff_t)v.i);
    case CAPTURE_UPTRDIFF: return CAPTURE_PRINT((capture_uptrdiff)v.u);
    case CAPTURE_POINTER: return CAPTURE_PRINT((void *)(uintptr_t)v.u);
    case CAPTURE_DOUBLE: return CAPTURE_PRINT(v.d);
    case CAPTURE_LDOUBLE: return CAPTURE_PRINT(v.ld);
    case CAPTURE_STRING:
    case CAPTURE_STRING_STAR:
        string = NULL;
        if (v.length != CAPTURE_NULL) {
            string = (const char *)*slot;
            *slot += CAPTURE_ROUND((size_t)v.length + 1);
        }
        return CAPTURE_PRINT(string);
    default: /* %m: errno is the caller's to put back */
        errno = call_errno;
        return stars == 0   ? snprintf(out, size, text)
               : stars == 1 ? snprintf(out, size, text, star[0])
                            : snprintf(out, size, text, star[0], star[1]);
    }
}

#undef CAPTURE_PRINT
#pragma GCC diagnostic pop

int
pylog_internal_capture_format(const pylog_internal_capture_plan *plan,
                              const void *captured, int call_errno,
                              char *out, size_t size)
{
    const unsigned char *slot = (const unsigned char *)captured;
    const char *p = plan->format, *percent;
    size_t total = 0, n;
    int saved = errno, piece, kind;
    capture_spec spec;

    for (;;) {
        percent = strchr(p, '%');
        n = percent != NULL ? (size_t)(percent - p) : strlen(p);
        if (total + 1 < size) {
            memcpy(out + total, p,
                   n < size - 1 - total ? n : size - 1 - total);
        }
        total += n;
        if (percent == NULL) {
            break;
        }
        /* Both succeed: the plan was made from this format. */
        capture_parse(percent + 1, &spec);
        kind = capture_kind(&spec);
        if (kind == CAPTURE_NOTHING && spec.conversion == '%') {
            if (total + 1 < size) {
                out[total] = '%';
            }
            piece = 1;
        }
        else {
            piece = capture_one(&spec, kind, &slot, call_errno,
                                total < size ? out + total : NULL,
                                total < size ? size - total : 0);
        }
        if (piece < 0 || total + (size_t)piece > INT_MAX) {
            total = (size_t)INT_MAX + 1; /* vsnprintf's EOVERFLOW */
            break;
        }
        total += (size_t)piece;
        p = spec.end;
    }
    if (size > 0) {
        out[total < size ? total : size - 1] = '\0';
    }
    errno = saved;
    return total > INT_MAX ? -1 : (int)total;
}

#undef CAPTURE_SLOT
#undef CAPTURE_ROUND
#undef CAPTURE_NULL
#undef CAPTURE_ABSENT
#undef CAPTURE_STAR
#undef CAPTURE_PUT
