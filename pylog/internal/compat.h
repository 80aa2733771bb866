/*
 * internal/compat.h: every CPython-version and ABI difference pylog depends
 * on, behind one small interface implemented in compat.c. An abi3 build
 * (Py_LIMITED_API defined, e.g. 0x03080000) uses only the limited API of that
 * version, whatever the headers' version.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_COMPAT_H_
#define PYLOG_INTERNAL_COMPAT_H_

#include "../pylog.h"
#include "tunables.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The oldest CPython the build must run on: the limited API version of an
 * abi3 build, else the headers' own version. Version branches test this. */
#if defined(Py_LIMITED_API)
#define PYLOG_COMPAT_HEX (Py_LIMITED_API + 0)
#else
#define PYLOG_COMPAT_HEX PY_VERSION_HEX
#endif

/* Py_XSETREF is not part of the limited API; the same macro for abi3. */
#ifndef Py_XSETREF
#define Py_XSETREF(op, op2)                      \
    do {                                         \
        PyObject *compat_old = (PyObject *)(op); \
        (op) = (op2);                            \
        Py_XDECREF(compat_old);                  \
    } while (0)
#endif

/* The caller's pending exception, held aside while pylog calls into Python.
 * Owns its references until pylog_internal_compat_exception_restore(). */
typedef struct compat_exception {
#if PYLOG_COMPAT_HEX >= 0x030C0000
    PyObject *exc;
#else
    PyObject *type;
    PyObject *value;
    PyObject *traceback;
#endif
} compat_exception;

/* GIL: held. Moves the pending exception (if any) into *saved and clears it. */
PYLOG_API void pylog_internal_compat_exception_save(compat_exception *saved);

/* GIL: held. Drops any exception pylog left pending, then re-raises *saved
 * exactly as it was (steals its references). */
PYLOG_API void pylog_internal_compat_exception_restore(compat_exception *saved);

/* GIL: held. A new (type, value, traceback) tuple for the saved exception,
 * or a new reference to None when none was pending; NULL with an exception
 * set on failure. The saved exception stays saved (normalised). */
PYLOG_API PyObject *
pylog_internal_compat_exception_info(compat_exception *saved);

/* A name for the calling thread when Python does not know it: the name the
 * application gave it (pthread_setname_np) before its first pylog call,
 * else "pylog-<tid>". Thread-local storage of the calling thread, NUL
 * terminated within PYLOG_INTERNAL_THREAD_NAME_SIZE bytes. GIL not
 * required. */
#define PYLOG_INTERNAL_THREAD_NAME_SIZE PYLOG_TUNE_THREAD_NAME_BYTES
PYLOG_API const char *pylog_internal_compat_thread_name(void);

/* Which GIL the calling thread holds: none (a C thread, or a Python
 * thread that let it go), the main interpreter's (pylog may call Python),
 * or a sub-interpreter's (pylog supports only the main interpreter, and
 * never touches Python there). GIL not required. abi3 builds look the
 * functions it needs up in the running interpreter when the extension is
 * loaded; where they are missing, COMPAT_GIL_NONE or COMPAT_GIL_OTHER. */
#define COMPAT_GIL_NONE 0
#define COMPAT_GIL_MAIN 1
#define COMPAT_GIL_OTHER 2
PYLOG_API int pylog_internal_compat_gil(void);

/* Nonzero when the calling thread holds the main interpreter's GIL. */
PYLOG_API int pylog_internal_compat_holds_gil(void);

/* GIL: held. record.created, .msecs and .relativeCreated for a call at
 * `ns` (time.time_ns()) exactly as LogRecord.__init__ of this CPython
 * computes them; `start_time` is logging._startTime. 0 or -1 with an
 * exception set. */
PYLOG_API int pylog_internal_compat_created(int64_t ns, PyObject *start_time,
                                            double *created, double *msecs,
                                            double *relative);

/* Nonzero when the running CPython is `hex` (a PY_VERSION_HEX) or later:
 * what `logging` does follows it, not the headers (an abi3 build runs under
 * later versions). Callers name the version after which their branch can
 * be deleted. GIL not required. */
PYLOG_API int pylog_internal_compat_running(long hex);

/* GIL: held. The type's version tag, which CPython changes whenever the
 * type or one of its bases is modified; 0 when it has none or the build
 * cannot see it (abi3). */
PYLOG_API unsigned int pylog_internal_compat_type_version(PyTypeObject *type);

/* GIL: held. obj.__dict__: a new reference; NULL with no exception set
 * when obj has none, NULL with an exception set on failure. */
PYLOG_API PyObject *pylog_internal_compat_instance_dict(PyObject *obj);

/* GIL: held. object.__new__(type): an instance whose __init__ did not run.
 * A new reference, or NULL with an exception set. */
PYLOG_API PyObject *pylog_internal_compat_new_instance(PyObject *type);

/* GIL: held. record.taskName = None where records have one (3.12+).
 * 0 or -1 with an exception set. */
PYLOG_API int pylog_internal_compat_clear_task(PyObject *record);

/* Nonzero once the interpreter has started finalizing. GIL not required.
 * abi3 builds for CPython < 3.13 ask the running interpreter's
 * _Py_IsFinalizing (looked up when the extension is loaded); where there is
 * none, 0: pylog's atexit hook (bridge.c) still closes it at exit. */
PYLOG_API int pylog_internal_compat_is_finalizing(void);

/* GIL: held. Runs Python source `code` (statements) in the dict `globals`;
 * 0, or -1 with an exception set. (PyRun_String is not in the limited API.) */
PYLOG_API int pylog_internal_compat_run(const char *code, PyObject *globals);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_COMPAT_H_ */
