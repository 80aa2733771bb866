/*
 * alloc_counter.h: heap allocation counts for the benchmark's "allocations
 * on the disabled path" measure. alloc_counter.c defines malloc, calloc and
 * realloc for the whole process (the binary's definitions win over glibc's
 * for every library), counting each call before forwarding to glibc; and
 * it hooks Python's three allocator domains while asked to.
 */
#ifndef PYLOG_TESTING_BENCHMARKS_ALLOC_COUNTER_H_
#define PYLOG_TESTING_BENCHMARKS_ALLOC_COUNTER_H_

#include <Python.h> /* PyMem allocator API; first, as Python requires */
#include <stdint.h> /* uint64_t */

#ifdef __cplusplus
extern "C" {
#endif

/* Nonzero when malloc & co. are counted: not in a sanitizer build, whose
 * runtime owns malloc (the counting definitions are left out there). */
int alloc_counter_mallocs_counted(void);

/* malloc, calloc and realloc calls so far, by every thread. Relaxed: read
 * by the thread that made the calls it cares about. */
uint64_t alloc_counter_mallocs(void);

/* The same, by the calling thread only. */
uint64_t alloc_counter_thread_mallocs(void);

/* Wrap (on != 0) or unwrap Python's RAW, MEM and OBJ allocators with ones
 * that count malloc, calloc and realloc calls. GIL: held; no other thread
 * may allocate through Python meanwhile. Calls must alternate on, off. */
void alloc_counter_hook_pymem(int on);

/* Python allocator calls counted while hooked. */
uint64_t alloc_counter_pymem(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_TESTING_BENCHMARKS_ALLOC_COUNTER_H_ */
