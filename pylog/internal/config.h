/*
 * internal/config.h: the installed configuration (config.c): caching mode,
 * prefix, default target and filter rules, read by any thread; built from a
 * pylog_config and published by the life cycle (lifecycle.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CONFIG_H_
#define PYLOG_INTERNAL_CONFIG_H_

#include "../pylog.h"
#include "filter.h"
#include "site_query.h"

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

/* A site's target as module.pylog.sites() shows it: dotted, without the
 * prefix (the default target when `target` is NULL). A new heap string, or
 * NULL when out of memory. Any thread; takes config_lock. */
PYLOG_API char *pylog_internal_config_target_name(const char *target,
                                                  const char *file);

/* A copy of the current filters into *copy (free it with
 * pylog_internal_filter_rules_clear). 0, -1 when out of memory, or
 * PYLOG_ERR_NOT_INSTALLED. Any thread; takes config_lock. */
PYLOG_API int pylog_internal_config_filters(filter_rules *copy);

/* A configuration built from *config, not yet published: NULL with
 * TypeError/ValueError naming a bad field, a bad filter_spec directive or
 * site_control query, a RuntimeWarning turned into an error for a bad
 * environment directive or query, or MemoryError. GIL: held. */
typedef struct config_data config_data;
PYLOG_API config_data *pylog_internal_config_build(const pylog_config *config);

/* Move the start-up site queries (config.site_control, then the
 * environment's, parsed) out of *data into *queries; lifecycle.c applies
 * them through sites.c once *data is published. */
PYLOG_API void pylog_internal_config_take_site_queries(
    config_data *data, site_query_list *queries);

/* Free a configuration that was not published (NULL is fine). */
PYLOG_API void pylog_internal_config_free(config_data *data);

/* Make *data the installed configuration (takes it over); the generation
 * started next publishes it to the statements. Any thread. */
PYLOG_API void pylog_internal_config_publish(config_data *data);

/* Free the installed configuration: nothing is installed afterwards. */
PYLOG_API void pylog_internal_config_withdraw(void);

/* Nonzero while a configuration is installed. Any thread; takes
 * config_lock. */
PYLOG_API int pylog_internal_config_installed(void);

/* config_lock across fork() (phase: PYLOG_INTERNAL_FORK_*). */
PYLOG_API void pylog_internal_config_fork(int phase);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CONFIG_H_ */
