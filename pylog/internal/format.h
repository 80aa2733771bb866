/*
 * internal/format.h: the formatter of the common printf conversions that
 * message.c tries before vsnprintf (format.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_FORMAT_H_
#define PYLOG_INTERNAL_FORMAT_H_

#include <stdarg.h>
#include <stddef.h>

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Format `fmt` with `args` into out[0..size) exactly as vsnprintf would,
 * for formats made only of text, %%, %c, %s and the integer conversions
 * %d %i %u %x %X with no flag, width or precision and the length modifiers
 * hh h l ll z j t. Returns the length written (out is NUL-terminated), or
 * -1 when it declines: another conversion, or the text does not fit in
 * `size` - 1 bytes. It reads the arguments from its own copy of `args`,
 * so the caller can still pass `args` to vsnprintf. No globals, no
 * allocation, no locale; GIL not required. */
PYLOG_API int pylog_internal_format_fast(char *out, size_t size,
                                         const char *fmt, va_list args);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_FORMAT_H_ */
