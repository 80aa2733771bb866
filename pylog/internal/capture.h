/*
 * internal/capture.h: deferred formatting (capture.c). A printf format is
 * parsed once into a plan (the kinds of its arguments); a statement copies
 * its raw arguments into a buffer by the plan; later, on another thread,
 * the plan and the copy make exactly the text vsnprintf would have made at
 * the call. Needs no Python and no other pylog header: tested on its own
 * (testing/capture_test.cc) against vsnprintf.
 * IWYU pragma: private
 *
 * Deferred: conversions d i u o x X c s p e E f F g G a A m %, with flags
 * (- + space # 0), width and precision (numbers or `*`), and length
 * modifiers hh h l ll q j z t L (L with floating point: long double).
 * A %s string is copied (up to its precision, if any); one longer than
 * PYLOG_INTERNAL_CAPTURE_STRING_MAX bytes makes the capture decline.
 * Not deferred (no plan: the caller formats at the call): %n, wide
 * characters and strings (%lc %ls %C %S), positional arguments (%1$d),
 * the ' and I flags (they depend on the calling thread's locale), any
 * other conversion, more than PYLOG_INTERNAL_CAPTURE_ARGS arguments.
 * Nor, being odd or glibc-only spellings: a length modifier with c s p m
 * or %, L with an integer, hh h ll q j z t with floating point (glibc reads
 * %llf as long double), anything between the two %s of %%, digits right
 * after a `*`, a width or precision above INT_MAX (vsnprintf fails there),
 * and a format ending inside a conversion (a lone `%` too).
 */
#ifndef PYLOG_INTERNAL_CAPTURE_H_
#define PYLOG_INTERNAL_CAPTURE_H_

#include <stdarg.h>
#include <stddef.h>

#ifndef PYLOG_API
/* pylog.h defines the same: every pylog symbol is private to the extension
 * module that links it. Repeated here so this header stands alone. */
#define PYLOG_API __attribute__((visibility("hidden")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The most arguments (a `*` counts as one) a deferred format takes. */
#define PYLOG_INTERNAL_CAPTURE_ARGS 32
/* The longest %s string copied (bytes, without its NUL). */
#define PYLOG_INTERNAL_CAPTURE_STRING_MAX 1024

/* Opaque: only capture.c reads it. Immutable once made. */
typedef struct pylog_internal_capture_plan pylog_internal_capture_plan;

/* A new plan for `fmt` (which must outlive it: the plan points to it), or
 * NULL when `fmt` cannot be deferred (see the top) or memory is short.
 * Any thread; no lock. */
PYLOG_API pylog_internal_capture_plan *
pylog_internal_capture_plan_new(const char *fmt);

/* Free a plan (NULL: nothing). */
PYLOG_API void
pylog_internal_capture_plan_free(pylog_internal_capture_plan *plan);

/* The format the plan was made from. */
PYLOG_API const char *
pylog_internal_capture_plan_format(const pylog_internal_capture_plan *plan);

/* The most bytes pylog_internal_capture_write writes for this plan (its
 * strings at their longest): a multiple of 8, at least 8. */
PYLOG_API size_t
pylog_internal_capture_max_size(const pylog_internal_capture_plan *plan);

/* Copy the arguments `args` (read through a copy: `args` itself is left
 * as it was) into out[0 .. max_size), 8-byte aligned. Returns the bytes
 * used, or 0 when a %s string is longer than
 * PYLOG_INTERNAL_CAPTURE_STRING_MAX (the caller formats at the call); a
 * format without arguments still uses 8 bytes, so 0 only ever declines.
 * No allocation, no lock; never reads past a string's NUL or precision,
 * nor more than PYLOG_INTERNAL_CAPTURE_STRING_MAX + 1 bytes of it. */
PYLOG_API size_t
pylog_internal_capture_write(const pylog_internal_capture_plan *plan,
                             void *out, va_list args);

/* Format a capture: what vsnprintf(out, size, format, args) would have
 * returned and written at the call, with errno at the call `call_errno`
 * for %m. Returns the length of the whole text (which may be >= size: then
 * `out` holds its first size - 1 bytes and a NUL, as snprintf), or -1 on an
 * encoding error. `captured` is what pylog_internal_capture_write wrote.
 * Any thread; sets errno only as vsnprintf does and puts it back: errno
 * on return is what it was on entry, -1 included. */
PYLOG_API int
pylog_internal_capture_format(const pylog_internal_capture_plan *plan,
                              const void *captured, int call_errno,
                              char *out, size_t size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CAPTURE_H_ */
