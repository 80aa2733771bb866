/*
 * internal/message.h: a log statement's formatted text, built before the GIL
 * is taken, or for a deferred statement when it is delivered (message.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_MESSAGE_H_
#define PYLOG_INTERNAL_MESSAGE_H_

#include "../pylog.h"
#include "capture.h"
#include "tunables.h"

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct message {
    const char *text; /* UTF-8 expected, not required; not NUL-terminated */
    size_t length;
    char *heap; /* owned; NULL when `text` points into `stack` */
    char stack[PYLOG_TUNE_MESSAGE_STACK_BYTES]; /* see tunables.h */
} message;

/* Format into *msg with errno set to `call_errno` while formatting, so %m
 * shows the errno of the call (glibc). Returns 0, or -1 when vsnprintf reports an encoding
 * error or the heap allocation fails (then *msg needs no release).
 * GIL not required; allocates only for long messages. */
PYLOG_API int pylog_internal_message_format(message *msg, int call_errno,
                                        const char *fmt, va_list args)
    PYLOG_PRINTF_LIKE(3, 0);

/* Format a deferred statement into *msg: its site's capture plan, the
 * arguments pylog_internal_capture_write copied, and errno at the call
 * (for %m). The text is what pylog_internal_message_format would have made
 * at the call. 0, or -1 as pylog_internal_message_format. Any thread. */
PYLOG_API int pylog_internal_message_replay(
    message *msg, const pylog_internal_capture_plan *plan,
    const void *captured, int call_errno);

/* Free what pylog_internal_message_format() or _replay() allocated. */
PYLOG_API void pylog_internal_message_release(message *msg);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_MESSAGE_H_ */
