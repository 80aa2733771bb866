/*
 * alloc_counter.c: counting malloc/calloc/realloc for the benchmark binary,
 * and counting hooks around Python's allocators (see alloc_counter.h).
 * free and the aligned allocators stay glibc's: glibc's own functions
 * accept each other's blocks, and the disabled path is expected to make no
 * allocation of any kind, so the three common entry points suffice to show
 * a regression.
 *
 * Globals: counter_mallocs and counter_pymem (atomic, relaxed: plain event
 * counts that publish nothing); counter_original (the wrapped allocators,
 * written only with the GIL held while no one allocates through Python).
 */
#include "testing/benchmarks/alloc_counter.h"

#include <stddef.h>

static uint64_t counter_mallocs;
/* malloc, calloc and realloc calls by this thread (no lock: its own). */
static __thread uint64_t counter_thread_mallocs;
static uint64_t counter_pymem;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COUNTER_MALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define COUNTER_MALLOCS 0
#endif
#endif
#ifndef COUNTER_MALLOCS
#define COUNTER_MALLOCS 1
#endif

#if COUNTER_MALLOCS
/* glibc's implementations, exported under these names for interposers. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *block, size_t size);

/* Default visibility: the copts hide symbols, and these must be the ones
 * every shared library (libpython, libstdc++) binds to. */
#define COUNTER_EXPORT __attribute__((visibility("default")))

COUNTER_EXPORT void *
malloc(size_t size)
{
    __atomic_fetch_add(&counter_mallocs, 1, __ATOMIC_RELAXED);
    counter_thread_mallocs++;
    return __libc_malloc(size);
}

COUNTER_EXPORT void *
calloc(size_t n, size_t size)
{
    __atomic_fetch_add(&counter_mallocs, 1, __ATOMIC_RELAXED);
    counter_thread_mallocs++;
    return __libc_calloc(n, size);
}

COUNTER_EXPORT void *
realloc(void *block, size_t size)
{
    __atomic_fetch_add(&counter_mallocs, 1, __ATOMIC_RELAXED);
    counter_thread_mallocs++;
    return __libc_realloc(block, size);
}

#undef COUNTER_EXPORT
#endif

int
alloc_counter_mallocs_counted(void)
{
    return COUNTER_MALLOCS;
}

uint64_t
alloc_counter_mallocs(void)
{
    return __atomic_load_n(&counter_mallocs, __ATOMIC_RELAXED);
}

uint64_t
alloc_counter_thread_mallocs(void)
{
    return counter_thread_mallocs;
}

/* ------------------------------------------------------------------------
 * Python's allocators. Each hook's ctx is the allocator it wraps.
 */

static const PyMemAllocatorDomain counter_domains[] = {
    PYMEM_DOMAIN_RAW, PYMEM_DOMAIN_MEM, PYMEM_DOMAIN_OBJ};
#define COUNTER_DOMAINS (sizeof counter_domains / sizeof counter_domains[0])

static PyMemAllocatorEx counter_original[COUNTER_DOMAINS];

static void *
counter_pymem_malloc(void *ctx, size_t size)
{
    PyMemAllocatorEx *original = (PyMemAllocatorEx *)ctx;

    __atomic_fetch_add(&counter_pymem, 1, __ATOMIC_RELAXED);
    return original->malloc(original->ctx, size);
}

static void *
counter_pymem_calloc(void *ctx, size_t n, size_t size)
{
    PyMemAllocatorEx *original = (PyMemAllocatorEx *)ctx;

    __atomic_fetch_add(&counter_pymem, 1, __ATOMIC_RELAXED);
    return original->calloc(original->ctx, n, size);
}

static void *
counter_pymem_realloc(void *ctx, void *block, size_t size)
{
    PyMemAllocatorEx *original = (PyMemAllocatorEx *)ctx;

    __atomic_fetch_add(&counter_pymem, 1, __ATOMIC_RELAXED);
    return original->realloc(original->ctx, block, size);
}

static void
counter_pymem_free(void *ctx, void *block)
{
    PyMemAllocatorEx *original = (PyMemAllocatorEx *)ctx;

    original->free(original->ctx, block);
}

void
alloc_counter_hook_pymem(int on)
{
    for (size_t i = 0; i < COUNTER_DOMAINS; i++) {
        if (on) {
            /* A hook wraps the allocator in place, which CPython allows
               after initialization (blocks keep their allocator). */
            PyMemAllocatorEx hook = {&counter_original[i],
                                     counter_pymem_malloc,
                                     counter_pymem_calloc,
                                     counter_pymem_realloc,
                                     counter_pymem_free};
            PyMem_GetAllocator(counter_domains[i], &counter_original[i]);
            PyMem_SetAllocator(counter_domains[i], &hook);
        }
        else {
            PyMem_SetAllocator(counter_domains[i], &counter_original[i]);
        }
    }
}

uint64_t
alloc_counter_pymem(void)
{
    return __atomic_load_n(&counter_pymem, __ATOMIC_RELAXED);
}

#undef COUNTER_DOMAINS
#undef COUNTER_MALLOCS
