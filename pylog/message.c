/*
 * message.c: formats a statement's message before the GIL is taken: into the
 * caller's stack buffer (the common conversions by format.c, the rest, %m
 * included, by vsnprintf), or one exact-size heap block for long messages;
 * and a deferred statement's, from its captured arguments (capture.c), the
 * same way when it is delivered.
 * No globals, no locks, no Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/format.h"
#include "internal/message.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int
pylog_internal_message_format(message *msg, int call_errno, const char *fmt,
                              va_list args)
{
    va_list again;
    int needed;

    msg->heap = NULL;
    msg->text = msg->stack;
    needed = pylog_internal_format_fast(msg->stack, sizeof msg->stack, fmt,
                                        args); /* reads a copy of args */
    if (needed >= 0) {
        msg->length = (size_t)needed;
        return 0;
    }
    va_copy(again, args);
    errno = call_errno; /* for %m */
    needed = vsnprintf(msg->stack, sizeof msg->stack, fmt, args);
    if (needed < 0) {
        va_end(again);
        return -1;
    }
    msg->length = (size_t)needed;
    if (msg->length < sizeof msg->stack) {
        va_end(again);
        return 0;
    }
    /* Truncated: format again into a block of exactly the right size. */
    msg->heap = (char *)malloc(msg->length + 1);
    if (msg->heap == NULL) {
        va_end(again);
        return -1;
    }
    errno = call_errno; /* malloc may have changed it */
    needed = vsnprintf(msg->heap, msg->length + 1, fmt, again);
    va_end(again);
    if (needed < 0 || (size_t)needed != msg->length) {
        free(msg->heap);
        msg->heap = NULL;
        return -1;
    }
    msg->text = msg->heap;
    return 0;
}

int
pylog_internal_message_replay(message *msg,
                              const pylog_internal_capture_plan *plan,
                              const void *captured, int call_errno)
{
    int needed;

    msg->heap = NULL;
    msg->text = msg->stack;
    needed = pylog_internal_capture_format(plan, captured, call_errno,
                                           msg->stack, sizeof msg->stack);
    if (needed < 0) {
        return -1;
    }
    msg->length = (size_t)needed;
    if (msg->length < sizeof msg->stack) {
        return 0;
    }
    /* Truncated: format again into a block of exactly the right size. */
    msg->heap = (char *)malloc(msg->length + 1);
    if (msg->heap == NULL) {
        return -1;
    }
    needed = pylog_internal_capture_format(plan, captured, call_errno,
                                           msg->heap, msg->length + 1);
    if (needed < 0 || (size_t)needed != msg->length) {
        free(msg->heap);
        msg->heap = NULL;
        return -1;
    }
    msg->text = msg->heap;
    return 0;
}

void
pylog_internal_message_release(message *msg)
{
    free(msg->heap);
    msg->heap = NULL;
}
