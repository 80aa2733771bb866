/*
 * internal/threshold.h: whether a call passes Python's levels, decided
 * under the GIL (threshold.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_THRESHOLD_H_
#define PYLOG_INTERNAL_THRESHOLD_H_

#include "../pylog.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the call passes, decided for `generation`: pylog's filters from
 * the slot, then Python's levels for `logger` (learnt once and cached in
 * the slot when caching levels, else logger.isEnabledFor per call).
 * GIL: held. 1, 0, or -1 with an exception set. */
PYLOG_API int pylog_internal_threshold_decide(const site_call *call,
                                              PyObject *logger,
                                              uint64_t generation,
                                              int caching);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_THRESHOLD_H_ */
