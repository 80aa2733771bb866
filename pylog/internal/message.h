/*
 * internal/message.h: a log statement's formatted text, built before the GIL
 * is taken (message.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_MESSAGE_H_
#define PYLOG_INTERNAL_MESSAGE_H_

#include <stdarg.h>

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Messages up to this many bytes are formatted on the caller's stack; longer
 * ones take one heap allocation of exactly their size. */
#define MESSAGE_STACK_BYTES 512

typedef struct message {
    const char *text; /* UTF-8 expected, not required; not NUL-terminated */
    size_t length;
    char *heap; /* owned; NULL when `text` points into `stack` */
    char stack[MESSAGE_STACK_BYTES];
} message;

/* Format into *msg. Returns 0, or -1 when vsnprintf reports an encoding
 * error or the heap allocation fails (then *msg needs no release).
 * GIL not required; allocates only for long messages. */
PYLOG_API int pylog_internal_message_format(message *msg, const char *fmt, va_list args)
    PYLOG_PRINTF_LIKE(2, 0);

/* Free what pylog_internal_message_format() allocated. */
PYLOG_API void pylog_internal_message_release(message *msg);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_MESSAGE_H_ */
