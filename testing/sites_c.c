/*
 * sites_c.c: C statements for sites_test.cc, in a translation unit of their
 * own: C statements are listed through the `pylog_sites` section, the C++
 * ones of sites_test.cc through their registration, and one binary holds
 * both kinds.
 */
#define PYLOG_TARGET "sites::c"
#include "pylog/pylog.h"

void sites_c_never_called(void);
void sites_c_debug(int i);
void sites_c_every_n(int i);

/* No test calls it: its statement is listed all the same. */
void
sites_c_never_called(void)
{
    PYLOG_INFO("c never run");
}

void
sites_c_debug(int i)
{
    PYLOG_DEBUG("c debug %d", i);
}

void
sites_c_every_n(int i)
{
    PYLOG_WARN_EVERY_N(3, "c every_n %d", i);
}
