/*
 * internal/glob.h: shell-style glob patterns (glob.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_GLOB_H_
#define PYLOG_INTERNAL_GLOB_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Nonzero when `glob` is well formed: every `[` closed, no trailing `\`. */
PYLOG_API int pylog_internal_glob_valid(const char *glob);

/* Nonzero when the whole of `text` matches the well-formed `glob`: `*` any
 * run of characters, `?` one character, `[abc]`, `[a-z]` and `[!a-z]` one
 * of a set, `\c` the character c. */
PYLOG_API int pylog_internal_glob_matches(const char *glob, const char *text);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_GLOB_H_ */
