/*
 * internal/bridge.h: the only part of pylog that calls into Python's
 * `logging` (bridge.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_BRIDGE_H_
#define PYLOG_INTERNAL_BRIDGE_H_

#include "message.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Import `logging`, name level 5 "TRACE" unless taken, register the exit
 * hook and create the logger registry. GIL: held. 0, or -1 with an
 * exception set (and nothing kept). */
PYLOG_API int pylog_internal_bridge_install(void);

/* Release the registry and `logging`. GIL: held. */
PYLOG_API void pylog_internal_bridge_uninstall(void);

/* Hand one formatted message to the site's logger. Takes the GIL (any
 * thread) and decides again under it, with the generation current then.
 * Never raises: failures go to sys.unraisablehook. */
PYLOG_API void pylog_internal_bridge_emit(const site_call *call,
                                          const message *msg);

/* PYLOG_ENABLED's question to Python. Takes the GIL. 1 or 0; a failure is
 * reported through sys.unraisablehook and answers 0. */
PYLOG_API int pylog_internal_bridge_enabled(const site_call *call);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_BRIDGE_H_ */
