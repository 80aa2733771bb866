/*
 * format.c: the common printf conversions, formatted without vsnprintf.
 * glibc's vsnprintf costs about 700 instructions for "msg %ld" (stream
 * set-up, locale, the general conversion machinery): half of what a
 * statement queued from a thread without the GIL costs. Log formats are
 * mostly text, %s and plain integers; those are done here, byte for byte
 * as vsnprintf does them (testing/format_test.cc compares the two on
 * random formats). Anything else is declined, and message.c calls
 * vsnprintf. No globals, no locks, no Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/format.h"

#include <stdint.h> /* intmax_t */
#include <string.h>

/* The length modifiers pylog formats. */
enum { LENGTH_NONE, LENGTH_HH, LENGTH_H, LENGTH_L, LENGTH_LL, LENGTH_Z,
       LENGTH_J, LENGTH_T };

/* Appends `length` bytes to out[*used..size - 1); 0, or -1 when they do not
 * fit (one byte stays for the NUL). */
static int
format_put(char *out, size_t size, size_t *used, const char *text,
           size_t length)
{
    if (length >= size - *used) {
        return -1;
    }
    memcpy(out + *used, text, length);
    *used += length;
    return 0;
}

/* The digits of `value` in `base` (10 or 16), lower or upper case, at the
 * end of digits[24]; returns where they start. */
static char *
format_digits(char *end, uintmax_t value, unsigned base, int upper)
{
    const char *symbols = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    do {
        *--end = symbols[value % base];
        value /= base;
    } while (value != 0);
    return end;
}

/* A signed argument of the given length, read as printf reads it. */
static intmax_t
format_signed(int length, va_list *args)
{
    switch (length) {
    case LENGTH_HH:
        return (signed char)va_arg(*args, int);
    case LENGTH_H:
        return (short)va_arg(*args, int);
    case LENGTH_L:
        return va_arg(*args, long);
    case LENGTH_LL:
        return va_arg(*args, long long);
    case LENGTH_Z:
        return (intmax_t)(ptrdiff_t)va_arg(*args, size_t);
    case LENGTH_J:
        return va_arg(*args, intmax_t);
    case LENGTH_T:
        return va_arg(*args, ptrdiff_t);
    default:
        return va_arg(*args, int);
    }
}

/* An unsigned argument of the given length, read as printf reads it. */
static uintmax_t
format_unsigned(int length, va_list *args)
{
    switch (length) {
    case LENGTH_HH:
        return (unsigned char)va_arg(*args, unsigned int);
    case LENGTH_H:
        return (unsigned short)va_arg(*args, unsigned int);
    case LENGTH_L:
        return va_arg(*args, unsigned long);
    case LENGTH_LL:
        return va_arg(*args, unsigned long long);
    case LENGTH_Z:
        return va_arg(*args, size_t);
    case LENGTH_J:
        return va_arg(*args, uintmax_t);
    case LENGTH_T:
        return (uintmax_t)(size_t)va_arg(*args, ptrdiff_t);
    default:
        return va_arg(*args, unsigned int);
    }
}

/* The length modifier at *p (advanced past it). */
static int
format_length(const char **p)
{
    switch (**p) {
    case 'h':
        if ((*p)[1] == 'h') {
            *p += 2;
            return LENGTH_HH;
        }
        *p += 1;
        return LENGTH_H;
    case 'l':
        if ((*p)[1] == 'l') {
            *p += 2;
            return LENGTH_LL;
        }
        *p += 1;
        return LENGTH_L;
    case 'z':
        *p += 1;
        return LENGTH_Z;
    case 'j':
        *p += 1;
        return LENGTH_J;
    case 't':
        *p += 1;
        return LENGTH_T;
    default:
        return LENGTH_NONE;
    }
}

/* One conversion at `p` (just after the '%'): appended, with *p advanced
 * past it. 0, or -1 to decline. */
static int
format_conversion(char *out, size_t size, size_t *used, const char **p,
                  va_list *args)
{
    char digits[24], *start, *end = digits + sizeof digits;
    int length = format_length(p);
    const char *text;
    intmax_t value;
    uintmax_t magnitude;

    switch (*(*p)++) {
    case '%':
        return length == LENGTH_NONE ? format_put(out, size, used, "%", 1)
                                     : -1;
    case 'c':
        if (length != LENGTH_NONE) {
            return -1; /* %lc: a wide character */
        }
        digits[0] = (char)(unsigned char)va_arg(*args, int);
        return format_put(out, size, used, digits, 1);
    case 's':
        if (length != LENGTH_NONE) {
            return -1; /* %ls: a wide string */
        }
        text = va_arg(*args, const char *);
        if (text == NULL) {
            text = "(null)"; /* glibc's choice, which vsnprintf makes */
        }
        return format_put(out, size, used, text, strlen(text));
    case 'd':
    case 'i':
        value = format_signed(length, args);
        magnitude = value < 0 ? (uintmax_t)0 - (uintmax_t)value
                              : (uintmax_t)value;
        start = format_digits(end, magnitude, 10, 0);
        if (value < 0) {
            *--start = '-';
        }
        return format_put(out, size, used, start, (size_t)(end - start));
    case 'u':
        start = format_digits(end, format_unsigned(length, args), 10, 0);
        return format_put(out, size, used, start, (size_t)(end - start));
    case 'x':
    case 'X':
        start = format_digits(end, format_unsigned(length, args), 16,
                              (*p)[-1] == 'X');
        return format_put(out, size, used, start, (size_t)(end - start));
    default:
        return -1; /* flags, width, precision, floating point, %p, %n... */
    }
}

int
pylog_internal_format_fast(char *out, size_t size, const char *fmt,
                           va_list args)
{
    const char *p = fmt, *percent;
    size_t used = 0;
    va_list ours;
    int status = 0;

    if (size == 0) {
        return -1;
    }
    /* A copy to pass by address: a va_list parameter may be an array. */
    va_copy(ours, args);
    while (status == 0 && *p != '\0') {
        percent = strchr(p, '%');
        if (percent == NULL) {
            status = format_put(out, size, &used, p, strlen(p));
            break;
        }
        status = format_put(out, size, &used, p, (size_t)(percent - p));
        p = percent + 1;
        if (status == 0) {
            status = format_conversion(out, size, &used, &p, &ours);
        }
    }
    va_end(ours);
    if (status < 0) {
        return -1;
    }
    out[used] = '\0';
    return (int)used; /* less than `size`, which is a buffer's */
}
