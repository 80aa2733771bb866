/*
 * hot_path_site.c: one statement as an extension's code has it, built at
 * -O2 with the library's copts whatever the -c mode, for hot_path_test.sh
 * to disassemble: when the slot says "disabled", the path from the entry
 * to `ret` must make no call, no atomic read-modify-write and no store to
 * shared memory (the promise of internal/site.h and pylog.h).
 */
#define PYLOG_TARGET "hot_path"
#include "pylog/pylog.h"

void hot_path_site(int n);

void
hot_path_site(int n)
{
    PYLOG_DEBUG("hot path %d", n);
}
