/*
 * internal/site.h: the per-callsite cache slot, its descriptor, and the
 * inline fast path that every pylog statement expands to. Reached only
 * through pylog.h.
 * IWYU pragma: private, include "pylog/pylog.h"
 *
 * The slot (pylog_internal_site), one per macro expansion:
 *
 *  - Storage: a function-local `static`, constant-initialised (no guard in
 *    C++, no constructor), never freed. It outlives every interpreter.
 *
 *  - Contents: `state` packs, in one 64-bit word, the generation the slot was
 *    filled in (bits 10..63), a FORCED bit (bit 9: the site is switched on,
 *    see below), a RESOLVED bit (bit 8: the threshold includes Python's
 *    levels; only in PYLOG_CACHE_LOGGERS_AND_LEVELS, where a resolved slot
 *    decides without the GIL) and the threshold (bits 0..7) stored minus
 *    one: a level L is skipped when L - 1 < the stored value, i.e. when
 *    1 <= L < threshold. A threshold of 0 is stored as 0 (the same as 1: no
 *    valid level is below 1). Filled slots store at most
 *    PYLOG_LEVEL_OFF - 1 ("nothing passes"), so that every invalid level
 *    (below 1 or from PYLOG_LEVEL_OFF up) reaches the slow path, which
 *    counts it; a fresh slot's 0xff skips levels 1..255 while pylog is not
 *    installed, when nothing passes and nothing is counted.
 *    `logger` is the resolved Python logger, a *borrowed* pointer owned by the
 *    logger registry (registry.c) and valid only while `logger_generation` is
 *    the current generation; nothing else may trust it. `record_template`
 *    is the site's LogRecord attributes that never change within a
 *    generation (record_template.c), borrowed the same way from pylog's
 *    template list while `template_generation` is current.
 *    Then the descriptor, fixed by the macro at compile time (file, func,
 *    line, target, format, level, kind: what module.pylog.sites() lists),
 *    and the site's switch and counter: `mode` (PYLOG_INTERNAL_MODE_*,
 *    set by module.pylog.control() and the start-up queries; slot.c turns
 *    "off" into the threshold "nothing passes" and "on" into threshold 0
 *    with the FORCED bit, which the bridge does not veto) and `emitted`
 *    (records this site handed to a logger).
 *
 *  - Writers: `state` is written by any thread in the slow path (slot.c);
 *    `logger`, `logger_generation`, `record_template` and
 *    `template_generation` only by a thread holding the GIL (registry.c,
 *    record_template.c), and read only under the GIL, so the GIL orders
 *    them. `mode` is written by a thread holding the GIL (sites.c), with a
 *    new generation started after it; `emitted` is added to under the GIL
 *    (bridge.c); `last_target` is stored by the slow path; `capture` is
 *    set once, by the first thread that defers a statement of the site
 *    (compare-and-swap, release). The descriptor is never written.
 *
 *  - Memory order: the fast path loads `state` and the global generation
 *    relaxed: the threshold and its generation arrive in the same word, so
 *    they are always consistent with each other. Slow-path writers store
 *    `state` with release after the config it was computed from. `mode`,
 *    `emitted` and `last_target` are atomics read relaxed: `mode` is
 *    published by the generation started after it is stored (release,
 *    acquire), the other two are only reported.
 *
 *  - A stale read (a thread that has not yet seen a new generation) costs at
 *    most the old decision for a few more calls on that thread; it can never
 *    make a thread use a logger pointer, which is re-checked under the GIL.
 *
 * The global generation is 0 until pylog_install() and again after the
 * interpreter shuts pylog down; a fresh slot holds generation 0 with the
 * stored threshold 0xff, so before install every valid statement is skipped
 * inline (an invalid level takes the slow path, which drops it at once).
 *
 * The site registry: every statement's slot is listed, whether or not it
 * ever ran, so that module.pylog.sites() and control() see every statement
 * compiled into the extension:
 *
 *  - C: next to the slot, a pylog_internal_site_entry pointing to it is
 *    placed in the ELF section `pylog_sites`; the linker gathers the entries
 *    of every translation unit and defines __start_pylog_sites and
 *    __stop_pylog_sites around them, which sites.c declares hidden, so each
 *    extension module sees its own entries only. The entry's address is
 *    what the slow path is given (it reads the slot from it), so an entry
 *    exists exactly when its statement's code does: a statement the
 *    optimiser removed (PYLOG_LOG with a constant level below
 *    PYLOG_MAX_LEVEL) leaves none, and one left in unoptimised code is
 *    marked removed (its descriptor's file is NULL) and not listed.
 *
 *  - C++: gcc refuses a section shared by a function-local static of an
 *    inline function or template (emitted in a COMDAT group) and one of an
 *    ordinary function ("section type conflict"), and gcc 12 drops the
 *    section of a static inside a template. So in C++ the statement names
 *    a local class whose static member function returns the slot, and
 *    odr-uses pylog_internal_registration<that class>::registered, a static
 *    data member whose dynamic initializer, run when the extension is
 *    loaded, links the slot into sites.c's list
 *    (pylog_internal_site_register). Every statement of a function the
 *    translation unit defines is registered, called or not; in an inline
 *    function or template, once per program (the member is COMDAT, its
 *    initializer guarded).
 *
 *  - Elsewhere than ELF (not supported by pylog today): Mach-O would use the
 *    section "__DATA,pylog_sites" and getsectiondata() on the module's own
 *    header; PE/COFF grouped sections ("pylog$a", "pylog$m", "pylog$z",
 *    sorted by the linker) with markers in the first and last. The C++
 *    registration works anywhere.
 */
#ifndef PYLOG_INTERNAL_SITE_H_
#define PYLOG_INTERNAL_SITE_H_

#define PYLOG_INTERNAL_THRESHOLD_MASK 0xffu
/* A threshold no level reaches: the site is off. */
#define PYLOG_INTERNAL_THRESHOLD_NONE ((int)PYLOG_INTERNAL_THRESHOLD_MASK)
#define PYLOG_INTERNAL_RESOLVED 0x100u
#define PYLOG_INTERNAL_FORCED 0x200u
#define PYLOG_INTERNAL_GENERATION_SHIFT 10

/* A site's switch (`mode`): the normal gates, always on, always off. */
#define PYLOG_INTERNAL_MODE_DEFAULT 0
#define PYLOG_INTERNAL_MODE_ON 1
#define PYLOG_INTERNAL_MODE_OFF 2

/* A statement's kind (`kind`): plain, or rate-limited (then the slot is the
 * first member of a pylog_internal_rate_site). */
#define PYLOG_INTERNAL_KIND_PLAIN 0
#define PYLOG_INTERNAL_KIND_EVERY_N 1
#define PYLOG_INTERNAL_KIND_FIRST_N 2
#define PYLOG_INTERNAL_KIND_EVERY_N_SEC 3
#define PYLOG_INTERNAL_KIND_EVERY_POW_2 4

/* Bits of `flags`. */
#define PYLOG_INTERNAL_SITE_TARGET_KNOWN 1 /* `target` is the statement's */
#define PYLOG_INTERNAL_SITE_PARAM_KNOWN 2  /* the rate site's `param` is */

typedef struct pylog_internal_site {
    uint64_t state;               /* atomic; see above */
    PyObject *logger;             /* GIL; borrowed from the registry */
    uint64_t logger_generation;   /* GIL; generation `logger` belongs to */
    PyObject *record_template;    /* GIL; borrowed from the template list */
    uint64_t template_generation; /* GIL; generation of `record_template` */
    /* The descriptor; NULL `file`: a statement PYLOG_MAX_LEVEL removed. */
    const char *file;   /* __FILE__ of the statement */
    const char *func;   /* __func__ */
    const char *target; /* with TARGET_KNOWN: as written, NULL = default */
    const char *format; /* the format when a string constant, else NULL */
    int line;           /* __LINE__ */
    int level;          /* the level when a constant, else -1 */
    int kind;           /* PYLOG_INTERNAL_KIND_* */
    int flags;          /* PYLOG_INTERNAL_SITE_* */
    /* Switched and counted at run time. */
    int mode;                /* atomic; PYLOG_INTERNAL_MODE_* */
    const char *last_target; /* atomic; without TARGET_KNOWN: the last one */
    uint64_t emitted;        /* atomic; records handed to a logger */
    /* Made on the first statement a thread without the GIL defers: the
       plan to copy its arguments by (queue.c), kept for the process. */
    void *capture; /* atomic; NULL until then */
} pylog_internal_site;

/* A slot of its own for calls without a static descriptor (PYLOG_ENABLED,
 * pylog_vlog): never listed. */
#define PYLOG_INTERNAL_SITE_INIT                                            \
    {PYLOG_INTERNAL_THRESHOLD_NONE, NULL, 0, NULL, 0, NULL, NULL, NULL,     \
     NULL, 0, -1, PYLOG_INTERNAL_KIND_PLAIN, 0, PYLOG_INTERNAL_MODE_DEFAULT, \
     NULL, 0, NULL}

/* A rate-limited statement's slot: occurrences counted per site, exactly
 * and without a lock (rate.c). */
typedef struct pylog_internal_rate_site {
    pylog_internal_site site; /* first: a pointer to it is one to this */
    double param;             /* with PARAM_KNOWN: the constant parameter */
    uint64_t last_param;      /* atomic; the last occurrence's, as bits */
    uint64_t occurrences;     /* atomic; calls that passed the gates */
    int64_t next_ns;          /* atomic; EVERY_N_SEC: the monotonic time
                                 from which the next record may go */
} pylog_internal_rate_site;

/* What the `pylog_sites` section holds (C) and the slow path is given. */
typedef struct pylog_internal_site_entry {
    pylog_internal_site *site;
} pylog_internal_site_entry;

/* A C++ statement's link in sites.c's list of registered slots. */
typedef struct pylog_internal_site_link {
    pylog_internal_site *site;
    struct pylog_internal_site_link *next;
} pylog_internal_site_link;

/* Link `site` into the extension's list (C++ statements, from a dynamic
 * initializer when the module is loaded). Returns 1. Any thread; lock-free;
 * no Python. */
PYLOG_API int pylog_internal_site_register(pylog_internal_site_link *link,
                                           pylog_internal_site *site);

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
 * the slot if stale, applies the filters, the site's switch and caching
 * mode, formats and emits. `extra` is NULL for a plain statement; the
 * origin (file, line, function) is the entry's descriptor. Any thread; GIL
 * not required (taken only to emit). Never raises. The one entry point of
 * every plain statement: break here to see them all. */
PYLOG_API void pylog_internal_log(const pylog_internal_site_entry *entry,
                                  int level,
                                  const pylog_internal_extra *extra,
                                  const char *target, const char *fmt, ...)
    PYLOG_PRINTF_LIKE(5, 6);

/* pylog_internal_log for PYLOG_LOG_AT: the record's origin is `file`,
 * `line` and `func`; the default target comes from the descriptor's file,
 * the file the statement is written in. */
PYLOG_API void pylog_internal_log_at(const pylog_internal_site_entry *entry,
                                     int level, const char *target,
                                     const char *file, int line,
                                     const char *func, const char *fmt, ...)
    PYLOG_PRINTF_LIKE(7, 8);

/* pylog_internal_log for a rate-limited statement (the entry's slot is a
 * pylog_internal_rate_site): a call that passes the gates is counted, and
 * sent with `pylog_count` when its kind and `param` say so. */
PYLOG_API void pylog_internal_log_rate(const pylog_internal_site_entry *entry,
                                       int level, double param,
                                       const char *target, const char *fmt,
                                       ...) PYLOG_PRINTF_LIKE(5, 6);

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
    /* level - 1 against the threshold stored minus one (see top): a level
       below 1 wraps to a huge value and one from PYLOG_LEVEL_OFF up is at
       least the stored value of a filled slot, so neither is skipped and
       the slow path counts them as errors. For a constant level the
       subtraction is folded: still one compare. */
    return (state >> PYLOG_INTERNAL_GENERATION_SHIFT) == generation &&
           (uint64_t)((int64_t)level - 1) <
               (state & PYLOG_INTERNAL_THRESHOLD_MASK);
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

#ifdef __cplusplus
/* C++ registration (see the top): the member's initializer runs when the
 * module is loaded, once per registered slot. */
extern "C++" {
template <class PylogInternalTag>
struct pylog_internal_registration {
    static pylog_internal_site_link link;
    static int registered;
};
template <class PylogInternalTag>
pylog_internal_site_link
    pylog_internal_registration<PylogInternalTag>::link = {NULL, NULL};
template <class PylogInternalTag>
int pylog_internal_registration<PylogInternalTag>::registered =
    pylog_internal_site_register(
        &pylog_internal_registration<PylogInternalTag>::link,
        PylogInternalTag::site());
}
/* Inside the statement's block: names the slot for the registration. */
#define PYLOG_INTERNAL_REGISTER(SITE)                                      \
    struct pylog_internal_tag_ {                                           \
        static pylog_internal_site *site() { return (SITE); }              \
    };                                                                     \
    (void)&pylog_internal_registration<pylog_internal_tag_>::registered
#define PYLOG_INTERNAL_ENTRY_SECTION
#else
#define PYLOG_INTERNAL_REGISTER(SITE) ((void)0)
#define PYLOG_INTERNAL_ENTRY_SECTION __attribute__((section("pylog_sites")))
#endif

/* The descriptor's values. Each of them must be a constant in a static
 * initializer: what is not (a target or format in a variable, a level or
 * parameter computed at run time) is recorded as unknown, which
 * __builtin_constant_p decides without evaluating it. KEPT is 0 for a
 * statement PYLOG_MAX_LEVEL removed: its descriptor names nothing (no
 * string of it stays in the binary). */
#define PYLOG_INTERNAL_FIRST(...) PYLOG_INTERNAL_FIRST_(__VA_ARGS__, 0)
#define PYLOG_INTERNAL_FIRST_(FIRST, ...) FIRST
#define PYLOG_INTERNAL_CONST_STRING(KEPT, TEXT)                     \
    ((KEPT) && __builtin_constant_p(TEXT) ? (TEXT) : (const char *)0)
#define PYLOG_INTERNAL_CONST_LEVEL(LEVEL) \
    (__builtin_constant_p(LEVEL) ? (int)(LEVEL) : -1)
#define PYLOG_INTERNAL_CONST_PARAM(PARAM) \
    (__builtin_constant_p(PARAM) ? (double)(PARAM) : 0.0)
#define PYLOG_INTERNAL_SITE_FLAGS(TARGET, PARAM)                            \
    ((__builtin_constant_p(TARGET) ? PYLOG_INTERNAL_SITE_TARGET_KNOWN : 0) | \
     (__builtin_constant_p(PARAM) ? PYLOG_INTERNAL_SITE_PARAM_KNOWN : 0))

/* A statement's slot with its descriptor; FORMAT is the first of the
 * statement's format and arguments. */
#define PYLOG_INTERNAL_SITE_STATEMENT(KEPT, TARGET, LEVEL, KIND, PARAM, ...)  \
    {PYLOG_INTERNAL_THRESHOLD_NONE,                                           \
     NULL,                                                                    \
     0,                                                                       \
     NULL,                                                                    \
     0,                                                                       \
     (KEPT) ? __FILE__ : (const char *)0,                                     \
     (KEPT) ? __func__ : (const char *)0,                                     \
     PYLOG_INTERNAL_CONST_STRING(KEPT, TARGET),                               \
     PYLOG_INTERNAL_CONST_STRING(KEPT, PYLOG_INTERNAL_FIRST(__VA_ARGS__)),    \
     __LINE__,                                                                \
     PYLOG_INTERNAL_CONST_LEVEL(LEVEL),                                       \
     (KIND),                                                                  \
     PYLOG_INTERNAL_SITE_FLAGS(TARGET, PARAM),                                \
     PYLOG_INTERNAL_MODE_DEFAULT,                                             \
     NULL,                                                                    \
     0,                                                                       \
     NULL}

/* A statement that survives PYLOG_MAX_LEVEL: one static slot (with its
 * entry), the level evaluated once, the inline test, and the out-of-line
 * call when not skipped (with the extras, built on the stack, only then).
 * KEPT is 1, or PYLOG_INTERNAL_KEPT(LEVEL) for a statement that may be
 * removed (see PYLOG_INTERNAL_LOG_EXTRA_IF_KEPT). */
#define PYLOG_INTERNAL_LOG(TARGET, LEVEL, ...) \
    PYLOG_INTERNAL_LOG_EXTRA(1, TARGET, LEVEL, 0, NULL, 0, __VA_ARGS__)

#define PYLOG_INTERNAL_LOG_EXTRA(KEPT, TARGET, LEVEL, EXC, KVS, N, ...)       \
    do {                                                                      \
        static pylog_internal_site pylog_internal_site_ =                     \
            PYLOG_INTERNAL_SITE_STATEMENT(KEPT, TARGET, LEVEL,                \
                                          PYLOG_INTERNAL_KIND_PLAIN, 0,       \
                                          __VA_ARGS__);                       \
        static pylog_internal_site_entry pylog_internal_entry_               \
            PYLOG_INTERNAL_ENTRY_SECTION = {&pylog_internal_site_};          \
        const int pylog_internal_level_ = (LEVEL);                            \
        if (__builtin_expect(!pylog_internal_site_skips(                      \
                                 &pylog_internal_site_, pylog_internal_level_), \
                             0)) {                                            \
            pylog_internal_extra pylog_internal_extra_;                       \
            PYLOG_INTERNAL_REGISTER(&pylog_internal_site_);                   \
            pylog_internal_log(&pylog_internal_entry_, pylog_internal_level_, \
                               pylog_internal_extra_fill(                     \
                                   &pylog_internal_extra_, (EXC), (KVS),      \
                                   (size_t)(N)),                              \
                               (TARGET), __VA_ARGS__);                        \
        }                                                                     \
    } while (0)

/* PYLOG_LOG_AT's statement: PYLOG_INTERNAL_LOG_EXTRA with a given origin. */
#define PYLOG_INTERNAL_LOG_AT(KEPT, TARGET, LEVEL, AT_FILE, AT_LINE, AT_FUNC, \
                              ...)                                            \
    do {                                                                      \
        static pylog_internal_site pylog_internal_site_ =                     \
            PYLOG_INTERNAL_SITE_STATEMENT(KEPT, TARGET, LEVEL,                \
                                          PYLOG_INTERNAL_KIND_PLAIN, 0,       \
                                          __VA_ARGS__);                       \
        static pylog_internal_site_entry pylog_internal_entry_               \
            PYLOG_INTERNAL_ENTRY_SECTION = {&pylog_internal_site_};          \
        const int pylog_internal_level_ = (LEVEL);                            \
        if (__builtin_expect(!pylog_internal_site_skips(                      \
                                 &pylog_internal_site_, pylog_internal_level_), \
                             0)) {                                            \
            PYLOG_INTERNAL_REGISTER(&pylog_internal_site_);                   \
            pylog_internal_log_at(&pylog_internal_entry_,                     \
                                  pylog_internal_level_, (TARGET), (AT_FILE), \
                                  (AT_LINE), (AT_FUNC), __VA_ARGS__);         \
        }                                                                     \
    } while (0)

/* A rate-limited statement: PYLOG_INTERNAL_LOG_EXTRA with a rate slot; its
 * parameter is evaluated (as a double) only when the level passes. */
#define PYLOG_INTERNAL_LOG_RATE(KEPT, TARGET, LEVEL, KIND, PARAM, ...)        \
    do {                                                                      \
        static pylog_internal_rate_site pylog_internal_rate_ = {              \
            PYLOG_INTERNAL_SITE_STATEMENT(KEPT, TARGET, LEVEL, KIND, PARAM,   \
                                          __VA_ARGS__),                       \
            PYLOG_INTERNAL_CONST_PARAM(PARAM), 0, 0, 0};                      \
        static pylog_internal_site_entry pylog_internal_entry_               \
            PYLOG_INTERNAL_ENTRY_SECTION = {&pylog_internal_rate_.site};     \
        const int pylog_internal_level_ = (LEVEL);                            \
        if (__builtin_expect(                                                 \
                !pylog_internal_site_skips(&pylog_internal_rate_.site,        \
                                           pylog_internal_level_),            \
                0)) {                                                         \
            PYLOG_INTERNAL_REGISTER(&pylog_internal_rate_.site);              \
            pylog_internal_log_rate(&pylog_internal_entry_,                   \
                                    pylog_internal_level_, (double)(PARAM),   \
                                    (TARGET), __VA_ARGS__);                   \
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

/* A removed rate-limited statement: its parameter is type-checked too. */
#define PYLOG_INTERNAL_STRIPPED_RATE(PARAM, ...)                      \
    do {                                                              \
        (void)sizeof((double)(PARAM));                                \
        (void)sizeof(pylog_internal_format_check(__VA_ARGS__));       \
    } while (0)

/* True unless LEVEL is a compile-time constant below PYLOG_MAX_LEVEL. A
 * non-constant LEVEL is not evaluated here (the || short-circuits). */
#define PYLOG_INTERNAL_KEPT(LEVEL) \
    (!__builtin_constant_p(LEVEL) || (LEVEL) >= PYLOG_INTERNAL_MAX_LEVEL)

/* The same, as a descriptor's KEPT: in the form a static initializer
 * accepts whatever LEVEL is. */
#define PYLOG_INTERNAL_KEPT_INIT(LEVEL)                                   \
    (__builtin_constant_p(LEVEL) ? (LEVEL) >= PYLOG_INTERNAL_MAX_LEVEL : 1)

#define PYLOG_INTERNAL_LOG_IF_KEPT(TARGET, LEVEL, ...) \
    PYLOG_INTERNAL_LOG_EXTRA_IF_KEPT(TARGET, LEVEL, 0, NULL, 0, __VA_ARGS__)

#define PYLOG_INTERNAL_LOG_EXTRA_IF_KEPT(TARGET, LEVEL, EXC, KVS, N, ...) \
    do {                                                                   \
        if (PYLOG_INTERNAL_KEPT(LEVEL))                                    \
            PYLOG_INTERNAL_LOG_EXTRA(PYLOG_INTERNAL_KEPT_INIT(LEVEL), TARGET,   \
                                     LEVEL, EXC, KVS, N, __VA_ARGS__);     \
        else                                                               \
            PYLOG_INTERNAL_STRIPPED(__VA_ARGS__);                          \
    } while (0)

#define PYLOG_INTERNAL_LOG_RATE_IF_KEPT(LEVEL, KIND, PARAM, ...)           \
    do {                                                                   \
        if (PYLOG_INTERNAL_KEPT(LEVEL))                                    \
            PYLOG_INTERNAL_LOG_RATE(PYLOG_INTERNAL_KEPT_INIT(LEVEL),          \
                                    PYLOG_INTERNAL_TARGET, LEVEL, KIND,    \
                                    PARAM, __VA_ARGS__);                   \
        else                                                               \
            PYLOG_INTERNAL_STRIPPED_RATE(PARAM, __VA_ARGS__);              \
    } while (0)

/* The rate-limited statements of one level: KEEP is 1 when the level
 * survives PYLOG_MAX_LEVEL (PYLOG_INTERNAL_KEEP_<LEVEL>), 0 when removed. */
#define PYLOG_INTERNAL_RATE(KEEP, LEVEL, KIND, PARAM, ...) \
    PYLOG_INTERNAL_RATE_(KEEP, LEVEL, KIND, PARAM, __VA_ARGS__)
#define PYLOG_INTERNAL_RATE_(KEEP, ...) PYLOG_INTERNAL_RATE_##KEEP(__VA_ARGS__)
#define PYLOG_INTERNAL_RATE_1(LEVEL, KIND, PARAM, ...)                 \
    PYLOG_INTERNAL_LOG_RATE(1, PYLOG_INTERNAL_TARGET, LEVEL, KIND, PARAM, \
                            __VA_ARGS__)
#define PYLOG_INTERNAL_RATE_0(LEVEL, KIND, PARAM, ...) \
    PYLOG_INTERNAL_STRIPPED_RATE(PARAM, __VA_ARGS__)

#define PYLOG_INTERNAL_ENABLED(LEVEL) \
    (PYLOG_INTERNAL_KEPT(LEVEL) && pylog_internal_unit_enabled(LEVEL))

#endif /* PYLOG_INTERNAL_SITE_H_ */
