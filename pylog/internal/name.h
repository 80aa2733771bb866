/*
 * internal/name.h: target and logger names (name.c). Pure functions, no
 * globals, no Python.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_NAME_H_
#define PYLOG_INTERNAL_NAME_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new heap string: `prefix` (may be NULL) followed by the site's target
 * with every `::` replaced by `.`. The target is `target` when not NULL,
 * else `default_target` when not NULL, else the stem of `file`'s base name
 * ("src/io_util.c" -> "io_util"). NULL when out of memory. */
PYLOG_API char *pylog_internal_name_build(const char *prefix, const char *target,
                           const char *default_target, const char *file);

/* A new heap copy of the `length` bytes at `target` with every `::`
 * replaced by `.`; NULL when out of memory. */
PYLOG_API char *pylog_internal_name_dotted_n(const char *target,
                                             size_t length);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_NAME_H_ */
