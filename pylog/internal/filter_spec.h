/*
 * internal/filter_spec.h: the filter spec parser (filter_spec.c), e.g.
 * "warn,mypkg=debug,mypkg::io=trace". Pure functions, no Python.
 *
 * Grammar: directives separated by ','; each is LEVEL (the global level) or
 * TARGET=LEVEL. Blanks around directives, targets and levels are ignored,
 * and so are empty directives. LEVEL is a name, in any case (trace debug
 * info warn warning error critical off notset), or a decimal number from 0
 * to PYLOG_LEVEL_OFF. TARGET is any text without ',' or '='; `::` and `.`
 * are the same separator. NOTSET for a target removes its rule.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_FILTER_SPEC_H_
#define PYLOG_INTERNAL_FILTER_SPEC_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the parser is in a spec. */
typedef struct spec_cursor {
    const char *spec; /* NUL-terminated; borrowed */
    size_t offset;    /* of the next directive */
    size_t index;     /* 0-based number of the next directive */
} spec_cursor;

/* One parsed directive; `target` points into the spec. */
typedef struct spec_directive {
    const char *target; /* NULL for a global level */
    size_t target_length;
    int level;
} spec_directive;

/* Why a directive was rejected. */
typedef struct spec_error {
    size_t index;       /* 0-based directive number */
    size_t offset;      /* byte offset of the directive in the spec */
    size_t length;      /* bytes of the directive */
    const char *reason; /* static text */
} spec_error;

PYLOG_API void pylog_internal_spec_start(spec_cursor *cursor,
                                         const char *spec);

/* Parse the next directive: 1 with *directive filled, 0 at the end, or -1
 * with *error filled for a bad directive (the cursor moves past it, so the
 * caller may go on). Does not allocate. */
PYLOG_API int pylog_internal_spec_next(spec_cursor *cursor,
                                       spec_directive *directive,
                                       spec_error *error);

/* A level name or number, `length` bytes at `text`: 0 with *level set, or
 * -1. Does not allocate. */
PYLOG_API int pylog_internal_spec_level(const char *text, size_t length,
                                        int *level);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_FILTER_SPEC_H_ */
