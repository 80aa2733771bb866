/*
 * header_c_test.c: pylog.h compiled as plain C99 with -Wpedantic -Werror:
 * every macro (rate-limited ones too, with run-time parameters and level),
 * zero-argument messages, unbraced if/else, and local names that collide
 * with words the macros use. macro_test.cc runs it.
 */
#define PYLOG_TARGET "hygiene::c"
#include "pylog/pylog.h"

int header_c_log_all(int go);

int
header_c_log_all(int go)
{
    int level = PYLOG_LEVEL_ERROR; /* same name as the macros' parameter */
    int site = 1, fmt = 2, target = 3, INFO = 4;
    int statements = 0;

    if (go)
        PYLOG_TRACE("c trace");
    else
        PYLOG_TRACE("never %d", site);
    if (go)
        PYLOG_DEBUG("c debug");
    else
        PYLOG_DEBUG("never");
    if (go)
        PYLOG_INFO("c info %d", INFO);
    else
        PYLOG_INFO("never");
    if (go)
        PYLOG_WARN("c warn %d", fmt);
    else
        PYLOG_WARNING("never");
    if (go)
        PYLOG_WARNING("c warning %d", target);
    if (go)
        PYLOG_ERROR("c error");
    if (go)
        PYLOG_CRITICAL("c critical");
    if (go)
        PYLOG_LOG(level, "c log %d", level);
    if (go)
        PYLOG_LOG_TARGET("hygiene::c::other", PYLOG_LEVEL_ERROR, "c target");
    if (go)
        PYLOG_INFO_EVERY_N(fmt, "c every_n %d", site);
    else
        PYLOG_DEBUG_FIRST_N(target, "never first_n");
    if (go)
        PYLOG_WARN_EVERY_N_SEC(1e9, "c every_n_sec");
    if (go)
        PYLOG_ERROR_EVERY_POW_2("c every_pow_2");
    if (go)
        PYLOG_LOG_FIRST_N(level, 1, "c log first_n %d", level);
    if (PYLOG_ENABLED(PYLOG_LEVEL_ERROR))
        statements++;
    return statements;
}
