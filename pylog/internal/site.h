/*
 * internal/site.h: the per-callsite cache slot and the inline fast path that
 * every pylog statement expands to. Reached only through pylog.h.
 * IWYU pragma: private, include "pylog/pylog.h"
 *
 * The slot (pylog_internal_site), one per macro expansion:
 *
 *  - Storage: a function-local `static`, constant-initialised (no guard in
 *    C++, no constructor), never freed. It outlives every interpreter.
 *
 *  - Contents: `state` packs, in one 64-bit word, the generation the slot was
 *    filled in (bits 9..63), a RESOLVED bit (bit 8: the threshold includes
 *    Python's levels; only in PYLOG_CACHE_LOGGERS_AND_LEVELS, where a
 *    resolved slot decides without the GIL) and the threshold (bits 0..7:
 *    the lowest level that can pass here, 255 = none).
 *    `logger` is the resolved Python logger, a *borrowed* pointer owned by the
 *    logger registry (registry.c) and valid only while `logger_generation` is
 *    the current generation; nothing else may trust it. `record_template`
 *    is the site's LogRecord attributes that never change within a
 *    generation (record_direct.c), borrowed the same way from pylog's
 *    template list while `template_generation` is current.
 *
 *  - Writers: `state` is written by any thread in the slow path (slot.c);
 *    the other four fields only by a thread holding the GIL (registry.c,
 *    the record templates), and read only under the GIL, so the GIL orders
 *    them.
 *
 *  - Memory order: the fast path loads `state` and the global generation
 *    relaxed: the threshold and its generation arrive in the same word, so
 *    they are always consistent with each other. Slow-path writers store
 *    `state` with release after the config it was computed from.
 *
 *  - A stale read (a thread that has not yet seen a new generation) costs at
 *    most the old decision for a few more calls on that thread; it can never
 *    make a thread use a logger pointer, which is re-checked under the GIL.
 *
 * The global generation is 0 until pylog_install() and again after the
 * interpreter shuts pylog down; a fresh slot holds generation 0 with
 * threshold 255, so before install every statement is skipped inline.
 */
#ifndef PYLOG_INTERNAL_SITE_H_
#define PYLOG_INTERNAL_SITE_H_

#define PYLOG_INTERNAL_THRESHOLD_MASK 0xffu
/* A threshold no level reaches: the site is off. */
#define PYLOG_INTERNAL_THRESHOLD_NONE 255 /* = PYLOG_INTERNAL_THRESHOLD_MASK */
#define PYLOG_INTERNAL_RESOLVED 0x100u
#define PYLOG_INTERNAL_GENERATION_SHIFT 9

typedef struct pylog_internal_site {
    uint64_t state;               /* atomic; see above */
    PyObject *logger;             /* GIL; borrowed from the registry */
    uint64_t logger_generation;   /* GIL; generation `logger` belongs to */
    PyObject *record_template;    /* GIL; borrowed from the template list */
    uint64_t template_generation; /* GIL; generation of `record_template` */
} pylog_internal_site;

#define PYLOG_INTERNAL_SITE_INIT \
    {PYLOG_INTERNAL_THRESHOLD_NONE, NULL, 0, NULL, 0}

/* The current generation; 0 while pylog is not installed. Written by
 * generation.c only, under its lock, with release. */
PYLOG_API extern uint64_t pylog_internal_generation;

/* What PYLOG_EXCEPTION and PYLOG_LOG_KV add to a statement. */
typedef struct pylog_internal_extra {
    int exc_info; /* attach the pending exception */
    const pylog_kv *kvs;
    size_t n_kvs;
} pylog_internal_extra;

/* The slow path of a statement whose fast path did not skip it: refreshes
 * the slot if stale, applies the filters and caching mode, formats and
 * emits. `extra` is NULL for a plain statement. Any thread; GIL not
 * required (taken only to emit). Never raises. The one entry point of
 * every statement: break here to see them all. */
PYLOG_API void pylog_internal_log(pylog_internal_site *site, int level,
                                  const pylog_internal_extra *extra,
                                  const char *target, const char *file,
                                  int line, const char *func, const char *fmt,
                                  ...) PYLOG_PRINTF_LIKE(8, 9);

/* pylog_internal_log for PYLOG_LOG_AT: the record's origin is `file`,
 * `line` and `func`; the default target comes from `unit_file`, the file
 * the statement is written in. */
PYLOG_API void pylog_internal_log_at(pylog_internal_site *site, int level,
                                     const char *target,
                                     const char *unit_file, const char *file,
                                     int line, const char *func,
                                     const char *fmt, ...)
    PYLOG_PRINTF_LIKE(8, 9);

/* The slow path of PYLOG_ENABLED: the same decision without a message.
 * Any thread; GIL not required (taken only when Python must be asked). */
PYLOG_API int pylog_internal_enabled(pylog_internal_site *site, int level,
                                     const char *target, const char *file);

/* Nonzero when the slot decides, without any call, that `level` is off.
 * Does not allocate, takes no lock, writes nothing. */
static inline __attribute__((always_inline)) int
pylog_internal_site_skips(const pylog_internal_site *site, int level)
{
    /* relaxed: the threshold and its generation share one word (see top) */
    uint64_t state = __atomic_load_n(&site->state, __ATOMIC_RELAXED);
    /* relaxed: a stale generation only delays a reset by a few calls */
    uint64_t generation =
        __atomic_load_n(&pylog_internal_generation, __ATOMIC_RELAXED);
    /* a level below 1 wraps to a huge value: never skipped, so the slow
       path sees it and counts it as an error */
    return (state >> PYLOG_INTERNAL_GENERATION_SHIFT) == generation &&
           (uint64_t)(int64_t)level < (state & PYLOG_INTERNAL_THRESHOLD_MASK);
}

/* Type-checks a stripped statement's format and arguments; only ever used
 * inside sizeof, so it is never called and nothing it names is emitted. */
static inline int pylog_internal_format_check(const char *fmt, ...)
    PYLOG_PRINTF_LIKE(1, 2);
static inline int
pylog_internal_format_check(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

/* Fill *extra; NULL when there is nothing extra, so a plain statement's
 * call passes NULL and the optimiser drops the stores. */
static inline const pylog_internal_extra *
pylog_internal_extra_fill(pylog_internal_extra *extra, int exc_info,
                          const pylog_kv *kvs, size_t n_kvs)
{
    extra->exc_info = exc_info;
    extra->kvs = kvs;
    extra->n_kvs = n_kvs;
    return exc_info || n_kvs > 0 ? extra : NULL;
}

/* The slot of PYLOG_ENABLED: one per translation unit, created only in units
 * that use it. Its target is PYLOG_TARGET or the stem of the unit's main
 * file (__BASE_FILE__), fixed where this header is included. */
static inline int
pylog_internal_unit_enabled(int level)
{
    static pylog_internal_site unit_site = PYLOG_INTERNAL_SITE_INIT;
    if (__builtin_expect(pylog_internal_site_skips(&unit_site, level), 1)) {
        return 0;
    }
    return pylog_internal_enabled(&unit_site, level, PYLOG_INTERNAL_TARGET,
                                  __BASE_FILE__);
}

/* A statement that survives PYLOG_MAX_LEVEL: one static slot, the level
 * evaluated once, the inline test, and the out-of-line call when not
 * skipped (with the extras, built on the stack, only then). */
#define PYLOG_INTERNAL_LOG(TARGET, LEVEL, ...) \
    PYLOG_INTERNAL_LOG_EXTRA(TARGET, LEVEL, 0, NULL, 0, __VA_ARGS__)

#define PYLOG_INTERNAL_LOG_EXTRA(TARGET, LEVEL, EXC, KVS, N, ...)             \
    do {                                                                      \
        static pylog_internal_site pylog_internal_site_ =                     \
            PYLOG_INTERNAL_SITE_INIT;                                         \
        const int pylog_internal_level_ = (LEVEL);                            \
        if (__builtin_expect(!pylog_internal_site_skips(                      \
                                 &pylog_internal_site_, pylog_internal_level_), \
                             0)) {                                            \
            pylog_internal_extra pylog_internal_extra_;                       \
            pylog_internal_log(&pylog_internal_site_, pylog_internal_level_,  \
                               pylog_internal_extra_fill(                     \
                                   &pylog_internal_extra_, (EXC), (KVS),      \
                                   (size_t)(N)),                              \
                               (TARGET), __FILE__, __LINE__, __func__,        \
                               __VA_ARGS__);                                  \
        }                                                                     \
    } while (0)

/* PYLOG_LOG_AT's statement: PYLOG_INTERNAL_LOG_EXTRA with a given origin. */
#define PYLOG_INTERNAL_LOG_AT(TARGET, LEVEL, AT_FILE, AT_LINE, AT_FUNC, ...)            \
    do {                                                                      \
        static pylog_internal_site pylog_internal_site_ =                     \
            PYLOG_INTERNAL_SITE_INIT;                                         \
        const int pylog_internal_level_ = (LEVEL);                            \
        if (__builtin_expect(!pylog_internal_site_skips(                      \
                                 &pylog_internal_site_, pylog_internal_level_), \
                             0)) {                                            \
            pylog_internal_log_at(&pylog_internal_site_, pylog_internal_level_, \
                                  (TARGET), __FILE__, (AT_FILE), (AT_LINE),    \
                                  (AT_FUNC), \
                                  __VA_ARGS__);                               \
        }                                                                     \
    } while (0)

/* A removed statement: the format and arguments are compiled inside sizeof,
 * an unevaluated operand, so they are type-checked but emit no code and no
 * string even at -O0 (an `if (0)` body would still be emitted by some
 * compilers without optimisation). */
#define PYLOG_INTERNAL_STRIPPED(...)                                  \
    do {                                                              \
        (void)sizeof(pylog_internal_format_check(__VA_ARGS__));       \
    } while (0)

/* True unless LEVEL is a compile-time constant below PYLOG_MAX_LEVEL. A
 * non-constant LEVEL is not evaluated here (the || short-circuits). */
#define PYLOG_INTERNAL_KEPT(LEVEL) \
    (!__builtin_constant_p(LEVEL) || (LEVEL) >= PYLOG_INTERNAL_MAX_LEVEL)

#define PYLOG_INTERNAL_LOG_IF_KEPT(TARGET, LEVEL, ...) \
    PYLOG_INTERNAL_LOG_EXTRA_IF_KEPT(TARGET, LEVEL, 0, NULL, 0, __VA_ARGS__)

#define PYLOG_INTERNAL_LOG_EXTRA_IF_KEPT(TARGET, LEVEL, EXC, KVS, N, ...) \
    do {                                                                   \
        if (PYLOG_INTERNAL_KEPT(LEVEL))                                    \
            PYLOG_INTERNAL_LOG_EXTRA(TARGET, LEVEL, EXC, KVS, N,           \
                                     __VA_ARGS__);                         \
        else                                                               \
            PYLOG_INTERNAL_STRIPPED(__VA_ARGS__);                          \
    } while (0)

#define PYLOG_INTERNAL_ENABLED(LEVEL) \
    (PYLOG_INTERNAL_KEPT(LEVEL) && pylog_internal_unit_enabled(LEVEL))

#endif /* PYLOG_INTERNAL_SITE_H_ */
