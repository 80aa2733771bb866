/*
 * strip_c.c: C statements for strip_test.cc, built with the same
 * -DPYLOG_MAX_LEVEL=WARN (and the same -O0 or -O2): a statement below it
 * leaves no string, no entry in the pylog_sites section that sites() would
 * list, and does not evaluate its arguments, rate-limited ones included.
 */
#define PYLOG_TARGET "strip::c"
#include "pylog/pylog.h"

int strip_c_every_level(int (*touch)(void));

int
strip_c_every_level(int (*touch)(void))
{
    PYLOG_DEBUG("gone-c-debug-format %d", touch());
    PYLOG_LOG(PYLOG_LEVEL_INFO, "gone-c-log-format %d", touch());
    PYLOG_INFO_EVERY_N(touch(), "gone-c-rate-format %d", touch());
    PYLOG_LOG_FIRST_N(PYLOG_LEVEL_DEBUG, touch(), "gone-c-lograte-format %d",
                      touch());
    PYLOG_WARN("kept-c-warn-format %d", touch());
    PYLOG_ERROR_EVERY_N(1, "kept-c-rate-format %d", touch());
    return 0;
}
