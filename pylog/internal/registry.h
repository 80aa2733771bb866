/*
 * internal/registry.h: the Python loggers of pylog's sites (registry.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_REGISTRY_H_
#define PYLOG_INTERNAL_REGISTRY_H_

#include "../pylog.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install: keep `logging` (a new reference is taken) and start an empty
 * registry. GIL: held. 0, or -1 with an exception set (nothing kept). */
PYLOG_API int pylog_internal_registry_open(PyObject *logging);

/* At uninstall: drop the registry (every logger a slot borrows) and
 * `logging`. GIL: held. */
PYLOG_API void pylog_internal_registry_close(void);

/* The site's logger: a new reference, or NULL with an exception set. With
 * caching, from the slot when the slot's logger belongs to `generation`,
 * else from the registry, else from logging.getLogger(); the slot then
 * borrows the registry's reference. GIL: held. */
PYLOG_API PyObject *pylog_internal_registry_logger(const site_call *call,
                                                   uint64_t generation,
                                                   int caching);

/* logging.getLogger(name): a new reference, or NULL with an exception set
 * (RuntimeError when the registry is not open). GIL: held. */
PYLOG_API PyObject *pylog_internal_registry_get(const char *name);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_REGISTRY_H_ */
