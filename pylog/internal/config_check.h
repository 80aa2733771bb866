/*
 * internal/config_check.h: checking a pylog_config (config_check.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CONFIG_CHECK_H_
#define PYLOG_INTERNAL_CONFIG_CHECK_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Nonzero for a filter level pylog accepts: 0..PYLOG_LEVEL_OFF. */
PYLOG_API int pylog_internal_config_level_ok(int level);

/* Every field of *config that pylog_install checks before it builds
 * anything (NULL config, levels, modes, capacities, target rules). GIL:
 * held. 0, or -1 with TypeError or ValueError naming the bad field. */
PYLOG_API int pylog_internal_config_check(const pylog_config *config);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CONFIG_CHECK_H_ */
