/*
 * internal/lifecycle.h: uninstalling, and the fault injection of
 * pylog_install's tests (lifecycle.c; pylog_install and friends are in
 * pylog.h).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_LIFECYCLE_H_
#define PYLOG_INTERNAL_LIFECYCLE_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Undo pylog_install(): deliver what is queued, then statements become
 * no-ops, cached loggers are released and the configuration freed; a later
 * pylog_install() succeeds. Called by the atexit hook, and by tests.
 * GIL: held. */
PYLOG_API void pylog_internal_uninstall(void);

/* For tests only: when set to k > 0, the next pylog_install() fails after
 * its k-th step succeeded (steps: build the configuration, install the
 * bridge, register the exit hook, open delivery, register the fork
 * handlers), raising RuntimeError("pylog: injected fault after step k"),
 * and the variable is set back to 0. 0: no fault. GIL: held to write. */
PYLOG_API extern int pylog_internal_install_fault;

/* The number of install steps (the largest useful fault). */
#define PYLOG_INTERNAL_INSTALL_STEPS 5

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_LIFECYCLE_H_ */
