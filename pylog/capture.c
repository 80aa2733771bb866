/*
 * capture.c: deferred printf formatting (internal/capture.h). A statement
 * on the caller's thread copies its raw arguments by a plan made once per
 * format (capture_write: a switch over the plan, no allocation, no
 * snprintf); later, on any thread, capture_format replays the format:
 * literal text is copied; a bare %d %i %u %x %X or %s (no flags, width,
 * precision, nor an h or hh) is made here; each other conversion is handed
 * to snprintf on its own, respelled from its parsed parts
 * (capture_spec.c), with the one value of the exact type vsnprintf would
 * have read (and the `*` widths and precisions as they were passed). The
 * text is then what vsnprintf made at the call, byte for byte
 * (testing/capture_test.cc compares the two). No globals, no locks, no
 * Python.
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

#include "internal/capture_spec.h"

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

/* C99 names neither the signed size_t (%zd) nor the unsigned ptrdiff_t
 * (%tu): capture_ssize and capture_uptrdiff are glibc's (int where size_t
 * is unsigned int, else long). */
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
    pylog_internal_capture_spec spec;
    int kind;

    if (fmt == NULL) {
        return NULL;
    }
    plan.format = fmt;
    plan.max_size = 0;
    plan.count = 0;
    while ((p = strchr(p, '%')) != NULL) {
        if (pylog_internal_capture_spec_parse(p + 1, &spec) < 0 ||
            (kind = pylog_internal_capture_spec_kind(&spec)) < 0 ||
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

/* One slot: the next argument, of TYPE, widened to WIDE. */
#define CAPTURE_PUT(WIDE, TYPE)                                        \
    do {                                                               \
        WIDE wide_ = (WIDE)va_arg(copy, TYPE);                         \
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
    intmax_t wide;
    uintmax_t address;

    va_copy(copy, args);
    for (i = 0; i < plan->count; i++) {
        switch (plan->kinds[i]) {
        case CAPTURE_INT:
            /* Kept: a `*` precision is read just before its string. */
            star = va_arg(copy, int);
            wide = star;
            memcpy(slot, &wide, sizeof(wide));
            slot += CAPTURE_SLOT;
            break;
        case CAPTURE_UINT: CAPTURE_PUT(uintmax_t, unsigned int); break;
        case CAPTURE_LONG: CAPTURE_PUT(intmax_t, long); break;
        case CAPTURE_ULONG: CAPTURE_PUT(uintmax_t, unsigned long); break;
        case CAPTURE_LLONG: CAPTURE_PUT(intmax_t, long long); break;
        case CAPTURE_ULLONG: CAPTURE_PUT(uintmax_t, unsigned long long); break;
        case CAPTURE_INTMAX: CAPTURE_PUT(intmax_t, intmax_t); break;
        case CAPTURE_UINTMAX: CAPTURE_PUT(uintmax_t, uintmax_t); break;
        case CAPTURE_SSIZE: CAPTURE_PUT(intmax_t, capture_ssize); break;
        case CAPTURE_SIZE: CAPTURE_PUT(uintmax_t, size_t); break;
        case CAPTURE_PTRDIFF: CAPTURE_PUT(intmax_t, ptrdiff_t); break;
        case CAPTURE_UPTRDIFF: CAPTURE_PUT(uintmax_t, capture_uptrdiff); break;
        case CAPTURE_DOUBLE: CAPTURE_PUT(double, double); break;
        case CAPTURE_POINTER:
            address = (uintptr_t)va_arg(copy, void *);
            memcpy(slot, &address, sizeof(address));
            slot += CAPTURE_SLOT;
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

/* Puts text[0 .. length) into out[0 .. size) as snprintf does: its first
 * size - 1 bytes at most and a NUL, nothing when size is 0 (out may then be
 * NULL). Returns length. */
static int
capture_put(const char *text, size_t length, char *out, size_t size)
{
    size_t n;

    if (size > 0) {
        n = length < size - 1 ? length : size - 1;
        memcpy(out, text, n);
        out[n] = '\0';
    }
    return (int)length;
}

/* A bare %d %i %u %x %X or %s (no flags, width or precision; no length
 * modifier or one of l ll j z t) from the slots at *slot, made as snprintf
 * makes it, without it: returns what capture_put returns, *slot moved past
 * the value. -1 for any other conversion, *slot untouched. */
static int
capture_plain(const pylog_internal_capture_spec *spec,
              const unsigned char **slot, char *out, size_t size)
{
    static const char digits[] = "0123456789abcdef0123456789ABCDEF";
    char c = spec->conversion, text[24], *p = text + sizeof(text);
    const char *string;
    union {
        intmax_t i;
        uintmax_t u;
        uint64_t length; /* %s: its slot */
    } v;
    int negative;

    if (spec->flags != 0 || spec->width != CAPTURE_ABSENT ||
        spec->precision != CAPTURE_ABSENT ||
        spec->length == CAPTURE_LENGTH_HH ||
        spec->length == CAPTURE_LENGTH_H ||
        (c != 'd' && c != 'i' && c != 'u' && c != 'x' && c != 'X' &&
         c != 's')) {
        return -1;
    }
    memcpy(&v, *slot, CAPTURE_SLOT);
    *slot += CAPTURE_SLOT;
    if (c == 's' && v.length == CAPTURE_NULL) {
        return capture_put("(null)", 6, out, size); /* as glibc prints it */
    }
    else if (c == 's') {
        string = (const char *)*slot;
        *slot += CAPTURE_ROUND((size_t)v.length + 1);
        return capture_put(string, (size_t)v.length, out, size);
    }
    /* At most 20 digits and a sign, "-9223372036854775808" included. */
    negative = (c == 'd' || c == 'i') && v.i < 0;
    if (negative) {
        v.u = (uintmax_t)0 - v.u;
    }
    if (c == 'x' || c == 'X') {
        do {
            *--p = digits[(c == 'X' ? 16 : 0) + v.u % 16];
            v.u /= 16;
        } while (v.u != 0);
    }
    else {
        do {
            *--p = digits[v.u % 10];
            v.u /= 10;
        } while (v.u != 0);
    }
    if (negative) {
        *--p = '-';
    }
    return capture_put(p, (size_t)(text + sizeof(text) - p), out, size);
}

/* The format is respelled at run time: the types of what is passed come
 * from the same parse (pylog_internal_capture_spec_kind). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

/* snprintf of `text`, with the `*` values first, then VALUE. */
#define CAPTURE_PRINT(VALUE)                                            \
    (stars == 0   ? snprintf(out, size, text, VALUE)                    \
     : stars == 1 ? snprintf(out, size, text, star[0], VALUE)           \
                  : snprintf(out, size, text, star[0], star[1], VALUE))

/* Formats one conversion of `kind` from the slots at *slot into
 * out[0 .. size) as snprintf does (out may be NULL when size is 0): the
 * plain ones by capture_plain, the others by snprintf. */
static int
capture_one(const pylog_internal_capture_spec *spec, int kind,
            const unsigned char **slot, int call_errno, char *out,
            size_t size)
{
    char text[32];
    int star[2], stars = 0, plain;
    union {
        intmax_t i;
        uintmax_t u;
        double d;
        long double ld;
        uint64_t length; /* CAPTURE_STRING*: its slot */
    } v;
    const char *string;

    plain = capture_plain(spec, slot, out, size);
    if (plain >= 0) {
        return plain;
    }
    pylog_internal_capture_spec_respell(spec, text);
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
    pylog_internal_capture_spec spec;

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
        pylog_internal_capture_spec_parse(percent + 1, &spec);
        kind = pylog_internal_capture_spec_kind(&spec);
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
#undef CAPTURE_PUT
