/*
 * internal/config.h: the installed configuration (config.c): caching mode,
 * prefix, default target and filter rules, read by any thread.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CONFIG_H_
#define PYLOG_INTERNAL_CONFIG_H_

#include "../pylog.h"
#include "filter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The installed caching mode (PYLOG_CACHE_*). Any thread; lock-free. */
PYLOG_API int pylog_internal_config_caching(void);

/* The filter threshold of a site (the lowest level that passes the global
 * and target filters), or -1 when out of memory. Any thread; GIL not
 * required; takes config_lock for the lookup only. */
PYLOG_API int pylog_internal_config_threshold(const char *target,
                                              const char *file);

/* The Python logger name of a site: prefix + dotted target. A new heap
 * string, or NULL when out of memory. Any thread; takes config_lock. */
PYLOG_API char *pylog_internal_config_logger_name(const char *target,
                                                  const char *file);

/* A copy of the current filters into *copy (free it with
 * pylog_internal_filter_rules_clear). 0, -1 when out of memory, or
 * PYLOG_ERR_NOT_INSTALLED. Any thread; takes config_lock. */
PYLOG_API int pylog_internal_config_filters(filter_rules *copy);

/* Undo pylog_install(): statements become no-ops, cached loggers are
 * released and the configuration freed; a later pylog_install() succeeds.
 * Called at interpreter exit, and by tests. GIL: held. */
PYLOG_API void pylog_internal_config_uninstall(void);

/* config_lock across fork() (phase: PYLOG_INTERNAL_FORK_* of slot.h). */
PYLOG_API void pylog_internal_config_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CONFIG_H_ */
