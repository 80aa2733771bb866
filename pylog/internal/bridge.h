/*
 * internal/bridge.h: one statement into Python's `logging` (bridge.c), and
 * setting up and dropping what that needs.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_BRIDGE_H_
#define PYLOG_INTERNAL_BRIDGE_H_

#include "compat.h"
#include "queue.h"
#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Import `logging`, name level 5 "TRACE" unless taken, hook logging's
 * reconfigurations, and open the record machinery and the logger registry.
 * GIL: held. 0, or -1 with an exception set (and nothing kept but the
 * hooks, which stay for the process). */
PYLOG_API int pylog_internal_bridge_install(void);

/* Release the registry, `logging` and the record machinery's references.
 * GIL: held. */
PYLOG_API void pylog_internal_bridge_uninstall(void);

/* Nonzero when Python cannot be entered any more (never initialized, or
 * finalizing). GIL not required. */
PYLOG_API int pylog_internal_bridge_closed(void);

/* Deliver one formatted message: resolve the site's logger, decide again
 * under the GIL with the generation current now, make the record (see
 * pylog_internal_record_make for `origin` and `saved`) and pass it to
 * logger.handle(). GIL: held, with the caller's exception saved in *saved.
 * Never raises: failures go to sys.unraisablehook and count as errors. */
PYLOG_API void pylog_internal_bridge_deliver(const site_call *call,
                                             const char *text, size_t length,
                                             const pending_origin *origin,
                                             compat_exception *saved);

/* Log one WARNING on logger `pylog`: `dropped` records were lost to full
 * thread buffers; `threads` says whose (may be empty). GIL: held, no
 * exception pending. Never raises. */
PYLOG_API void pylog_internal_bridge_drop_notice(uint64_t dropped,
                                                 const char *threads);

/* PYLOG_ENABLED's question to Python. Takes the GIL. 1 or 0; a failure is
 * reported through sys.unraisablehook and answers 0. */
PYLOG_API int pylog_internal_bridge_enabled(const site_call *call);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_BRIDGE_H_ */
