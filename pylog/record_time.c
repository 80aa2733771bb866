/*
 * record_time.c: a record's time fields (created, msecs, relativeCreated),
 * computed as LogRecord.__init__ of the running CPython computes them
 * (compat.c) against the logging._startTime kept at install.
 *
 * Globals, guarded by the GIL, set by open and dropped by close:
 *   record_time_start  logging's global `_startTime`, which logging never
 *                      rebinds; owned.
 * No locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_keys.h"
#include "internal/record_time.h"

static PyObject *record_time_start;

int
pylog_internal_direct_time_open(void)
{
    PyObject *start = pylog_internal_direct_global(
        PYLOG_INTERNAL_DIRECT_KEY(START_TIME)); /* borrowed */

    if (start == NULL) {
        return -1;
    }
    Py_INCREF(start);
    Py_XSETREF(record_time_start, start);
    return 0;
}

void
pylog_internal_direct_time_close(void)
{
    pylog_internal_compat_drop(&record_time_start);
}

int
pylog_internal_direct_created(int64_t ns, double *created, double *msecs,
                              double *relative)
{
    return pylog_internal_compat_created(ns, record_time_start, created, msecs,
                                         relative);
}
