/*
 * internal/dynamic_site.h: cache slots for calls that have no static slot
 * of their own (pylog_vlog), one per distinct origin (dynamic_site.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_DYNAMIC_SITE_H_
#define PYLOG_INTERNAL_DYNAMIC_SITE_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A slot and the origin it was made for; the strings are pylog's own
 * copies. Never freed: like a static slot, it outlives every interpreter. */
typedef struct dynamic_site {
    pylog_internal_site site;
    const char *target; /* NULL: the default target */
    const char *file;
    const char *func; /* NULL when none was given */
    int line;
} dynamic_site;

/* The slot for (target, file, line, func), made on first use. NULL when out
 * of memory or when PYLOG_TUNE_DYNAMIC_SITES_MAX origins exist already.
 * Any thread; GIL not required; takes dynamic_lock for the lookup. */
PYLOG_API dynamic_site *pylog_internal_dynamic_site(const char *target,
                                                    const char *file,
                                                    int line,
                                                    const char *func);

/* dynamic_lock across fork() (phase: PYLOG_INTERNAL_FORK_*). */
PYLOG_API void pylog_internal_dynamic_site_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_DYNAMIC_SITE_H_ */
