/*
 * pylog.h: log from a C or C++ Python extension module into Python's `logging`.
 *
 * pylog turns syslog-style macros into records handled by Python's standard
 * `logging`, cheaply enough that no log line ever has to be deleted for speed:
 *
 *     #define PYLOG_TARGET "mypkg::io"   // optional; before the include
 *     #include "pylog/pylog.h"
 *
 *     PyMODINIT_FUNC PyInit_io(void) {
 *         if (pylog_init() < 0) return NULL;   // GIL held, as in any PyInit
 *         PYLOG_INFO("ready, %d workers", n);  // logger "mypkg.io", level INFO
 *         ...
 *
 * Threads and the GIL: a log statement may run on any thread, holding the GIL
 * or not. A statement that is disabled costs two relaxed loads (its slot and
 * the generation), two compares and a branch, and never takes a lock or the
 * GIL. An enabled statement formats its message first; then a thread that
 * holds the GIL hands the record to `logging` at once, and a thread without
 * it queues the record for pylog's delivery thread (PYLOG_DELIVERY_AUTO,
 * the default) or takes the GIL itself (PYLOG_DELIVERY_SYNC). Before
 * pylog_install(), before Py_Initialize() and from the start of interpreter
 * finalization on, every statement is a silent no-op.
 *
 * Evaluation: a statement's arguments are evaluated only when its level passes
 * the filters. A statement below PYLOG_MAX_LEVEL is removed at compile time: no
 * code, no string, and its arguments are never evaluated, but its format and
 * arguments are still type-checked, so a typo fails to compile at every level.
 *
 * Errors: a log statement never raises. Failures inside Python's logging are
 * counted in pylog_stats.errors and reported through sys.unraisablehook
 * (SystemExit too), except a KeyboardInterrupt (Ctrl-C while a handler
 * runs): that one is signalled again with PyErr_SetInterrupt(), so Python
 * raises it in the main thread at its next check, soon after the C code
 * returns to Python (or runs the SIGINT handler the program installed;
 * nothing if SIGINT is ignored). A Python exception that was pending before
 * the statement is still pending, unchanged, after it.
 *
 * errno: every statement, PYLOG_ENABLED and pylog_vlog leave errno as they
 * found it, on every path (disabled, enabled, queued, failing), as fprintf
 * and syslog do; `%m` in a format shows strerror(errno) of the call (glibc).
 */
#ifndef PYLOG_PYLOG_H_
#define PYLOG_PYLOG_H_

#include <Python.h> /* PyObject; first, as Python requires */
#include <stdarg.h> /* va_list */
#include <stddef.h> /* size_t */
#include <stdint.h> /* uint64_t */

#ifdef __cplusplus
extern "C" {
#endif

#define PYLOG_VERSION_MAJOR 0
#define PYLOG_VERSION_MINOR 1
#define PYLOG_VERSION_PATCH 0

/* Every pylog symbol is private to the extension module that links it, even
 * when the module is built without -fvisibility=hidden or loaded with
 * RTLD_GLOBAL: two extensions embedding pylog never share its state. */
#define PYLOG_API __attribute__((visibility("hidden")))

/* CPython 3.8 declares PyMODINIT_FUNC without default visibility, so an
 * extension built with -fvisibility=hidden would hide its own PyInit_*.
 * Delete when 3.8 is no longer supported (3.9 exports it). */
#if PY_VERSION_HEX < 0x03090000
#undef PyMODINIT_FUNC
#ifdef __cplusplus
#define PyMODINIT_FUNC extern "C" __attribute__((visibility("default"))) PyObject *
#else
#define PyMODINIT_FUNC __attribute__((visibility("default"))) PyObject *
#endif
#endif

/* The printf format check on pylog's variadic entry points. */
#define PYLOG_PRINTF_LIKE(FMT, FIRST) \
    __attribute__((format(printf, FMT, FIRST)))

/* ------------------------------------------------------------------------
 * Levels: plain integers equal to Python's, so `#if` can compare them and the
 * bridge passes them through unchanged. Any value from 1 to PYLOG_LEVEL_OFF - 1
 * is a valid message level (custom Python levels such as 25 work).
 */
#define PYLOG_LEVEL_NOTSET 0 /* as a target filter's level: inherit */
#define PYLOG_LEVEL_TRACE 5  /* registered as "TRACE" unless 5 has a name */
#define PYLOG_LEVEL_DEBUG 10
#define PYLOG_LEVEL_INFO 20
#define PYLOG_LEVEL_WARN 30
#define PYLOG_LEVEL_WARNING PYLOG_LEVEL_WARN
#define PYLOG_LEVEL_ERROR 40
#define PYLOG_LEVEL_CRITICAL 50
#define PYLOG_LEVEL_OFF 100 /* as a filter: nothing passes */

/* ------------------------------------------------------------------------
 * Compile-time knobs. Define them before including this header.
 *
 * PYLOG_MAX_LEVEL
 *   Default: TRACE (every statement is compiled in).
 *   Statements below this level are removed from the binary; the level itself
 *   and everything above survive: -DPYLOG_MAX_LEVEL=WARN keeps WARN, ERROR and
 *   CRITICAL. Bare tokens: TRACE DEBUG INFO WARN WARNING ERROR CRITICAL OFF.
 *   Cost: none; removed statements are only type-checked.
 *
 * PYLOG_TARGET
 *   Default: none; sites use the config's default_target, or when that is
 *   NULL the stem of the source file's name ("src/io_util.c" -> "io_util").
 *   A string literal naming the target of this translation unit's statements,
 *   e.g. "mypkg::io"; `::` maps to `.` in the Python logger's name.
 */
#ifndef PYLOG_MAX_LEVEL
#define PYLOG_MAX_LEVEL TRACE
#endif

#define PYLOG_INTERNAL_LEVEL_OF(NAME) PYLOG_INTERNAL_LEVEL_OF_(NAME)
#define PYLOG_INTERNAL_LEVEL_OF_(NAME) PYLOG_LEVEL_##NAME
#define PYLOG_INTERNAL_MAX_LEVEL PYLOG_INTERNAL_LEVEL_OF(PYLOG_MAX_LEVEL)

#if PYLOG_INTERNAL_MAX_LEVEL <= 0
#error "PYLOG_MAX_LEVEL must be one of TRACE DEBUG INFO WARN WARNING ERROR CRITICAL OFF"
#endif

#ifdef PYLOG_TARGET
#define PYLOG_INTERNAL_TARGET PYLOG_TARGET
#else
#define PYLOG_INTERNAL_TARGET ((const char *)0)
#endif

/* ------------------------------------------------------------------------
 * Structured fields for PYLOG_LOG_KV: each becomes an attribute of the
 * record, as `extra=` does in Python. Build them with PYLOG_KV_* below.
 */
#define PYLOG_KV_TYPE_STR 0   /* UTF-8 text, copied; invalid bytes replaced */
#define PYLOG_KV_TYPE_INT 1   /* long long */
#define PYLOG_KV_TYPE_FLOAT 2 /* double */
#define PYLOG_KV_TYPE_OBJ 3   /* a PyObject *, borrowed; needs the GIL */

typedef struct pylog_kv {
    const char *key;
    int type; /* PYLOG_KV_TYPE_* */
    union {
        const char *str;
        long long integer;
        double real;
        PyObject *obj;
    } value;
} pylog_kv;

static inline pylog_kv
pylog_kv_make(const char *key, int type)
{
    pylog_kv kv;
    kv.key = key;
    kv.type = type;
    kv.value.obj = NULL;
    return kv;
}

static inline pylog_kv
pylog_kv_str(const char *key, const char *value)
{
    pylog_kv kv = pylog_kv_make(key, PYLOG_KV_TYPE_STR);
    kv.value.str = value;
    return kv;
}

static inline pylog_kv
pylog_kv_int(const char *key, long long value)
{
    pylog_kv kv = pylog_kv_make(key, PYLOG_KV_TYPE_INT);
    kv.value.integer = value;
    return kv;
}

static inline pylog_kv
pylog_kv_float(const char *key, double value)
{
    pylog_kv kv = pylog_kv_make(key, PYLOG_KV_TYPE_FLOAT);
    kv.value.real = value;
    return kv;
}

static inline pylog_kv
pylog_kv_obj(const char *key, PyObject *value)
{
    pylog_kv kv = pylog_kv_make(key, PYLOG_KV_TYPE_OBJ);
    kv.value.obj = value;
    return kv;
}

/* PYLOG_KV_STR(key, value) .. PYLOG_KV_OBJ(key, value): one field.
 *     pylog_kv kvs[] = {PYLOG_KV_STR("user", name), PYLOG_KV_INT("n", n)};
 * `key` must be a valid Python identifier to be useful in a Formatter;
 * PYLOG_KV_OBJ borrows its object (the statement must hold the GIL). */
#define PYLOG_KV_STR(KEY, VALUE) pylog_kv_str((KEY), (VALUE))
#define PYLOG_KV_INT(KEY, VALUE) pylog_kv_int((KEY), (VALUE))
#define PYLOG_KV_FLOAT(KEY, VALUE) pylog_kv_float((KEY), (VALUE))
#define PYLOG_KV_OBJ(KEY, VALUE) pylog_kv_obj((KEY), (VALUE))

#include "internal/site.h" /* the per-site slot the macros below expand to */

/* ------------------------------------------------------------------------
 * Log statements.
 *
 * Each macro is a single statement, safe in an unbraced if/else. It declares
 * one function-local static site (the cache slot of internal/site.h), never
 * allocates on the disabled path, and evaluates its arguments only when its
 * level passes. `fmt` is a printf format; the message is formatted by pylog
 * and handed to Python as the record's `msg` with empty `args`, so a `%` in
 * the formatted text is never interpreted again.
 */

/* PYLOG_TRACE(fmt, ...) .. PYLOG_CRITICAL(fmt, ...): log at that level.
 *     PYLOG_DEBUG("opened %s (%zu bytes)", path, size);
 * Removed when the level is below PYLOG_MAX_LEVEL. */
#if PYLOG_LEVEL_TRACE >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_TRACE(...) \
    PYLOG_INTERNAL_LOG(PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_TRACE, __VA_ARGS__)
#else
#define PYLOG_TRACE(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif

#if PYLOG_LEVEL_DEBUG >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_DEBUG(...) \
    PYLOG_INTERNAL_LOG(PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_DEBUG, __VA_ARGS__)
#else
#define PYLOG_DEBUG(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif

#if PYLOG_LEVEL_INFO >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INFO(...) \
    PYLOG_INTERNAL_LOG(PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_INFO, __VA_ARGS__)
#else
#define PYLOG_INFO(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif

#if PYLOG_LEVEL_WARN >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_WARN(...) \
    PYLOG_INTERNAL_LOG(PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_WARN, __VA_ARGS__)
#else
#define PYLOG_WARN(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif
#define PYLOG_WARNING(...) PYLOG_WARN(__VA_ARGS__)

#if PYLOG_LEVEL_ERROR >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_ERROR(...) \
    PYLOG_INTERNAL_LOG(PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_ERROR, __VA_ARGS__)
#else
#define PYLOG_ERROR(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif

#if PYLOG_LEVEL_CRITICAL >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_CRITICAL(...) \
    PYLOG_INTERNAL_LOG(PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_CRITICAL, __VA_ARGS__)
#else
#define PYLOG_CRITICAL(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif

/* PYLOG_LOG(level, fmt, ...): log at any level, e.g. a custom Python level.
 *     PYLOG_LOG(25, "progress %d%%", pct);
 * A constant level below PYLOG_MAX_LEVEL is removed like the macros above
 * (the compiler folds the test; unoptimised, an unused slot without any
 * string of the statement may stay, which sites() does not list).
 * A non-constant level is evaluated once and never removed. */
#define PYLOG_LOG(LEVEL, ...) \
    PYLOG_INTERNAL_LOG_IF_KEPT(PYLOG_INTERNAL_TARGET, LEVEL, __VA_ARGS__)

/* PYLOG_LOG_TARGET(target, level, fmt, ...): like PYLOG_LOG with an explicit
 * target string instead of the translation unit's.
 *     PYLOG_LOG_TARGET("mypkg::net", PYLOG_LEVEL_WARN, "retry %d", n);
 * `target` must be a string with static storage duration (a literal). */
#define PYLOG_LOG_TARGET(TARGET, LEVEL, ...) \
    PYLOG_INTERNAL_LOG_IF_KEPT(TARGET, LEVEL, __VA_ARGS__)

/* PYLOG_LOG_AT(level, file, line, func, fmt, ...): PYLOG_LOG whose record
 * carries the given origin (pathname, filename, module, lineno, funcName)
 * instead of this statement's: for a logging macro of the extension's own.
 *     #define MY_LOG(LEVEL, ...) \
 *         PYLOG_LOG_AT(LEVEL, __FILE__, __LINE__, __func__, __VA_ARGS__)
 * The target is still this translation unit's (PYLOG_TARGET, or the stem of
 * the file this macro is written in). `file` and `func` (NULL allowed) must
 * have static storage duration, like __FILE__ and __func__. Removed like
 * PYLOG_LOG. Each expansion has its own slot, so it costs what PYLOG_LOG
 * costs; when one expansion is given many origins (in a function that
 * forwards its caller's), the record of an origin other than the last one
 * costs a new record template. */
#define PYLOG_LOG_AT(LEVEL, AT_FILE, AT_LINE, AT_FUNC, ...)                 \
    do {                                                                    \
        if (PYLOG_INTERNAL_KEPT(LEVEL))                                     \
            PYLOG_INTERNAL_LOG_AT(PYLOG_INTERNAL_KEPT_INIT(LEVEL),          \
                                  PYLOG_INTERNAL_TARGET, LEVEL, AT_FILE,    \
                                  AT_LINE, AT_FUNC, __VA_ARGS__);           \
        else                                                                \
            PYLOG_INTERNAL_STRIPPED(__VA_ARGS__);                           \
    } while (0)

/* PYLOG_EXCEPTION(fmt, ...): an ERROR statement whose record carries the
 * pending Python exception as `exc_info` (its traceback shows in formatted
 * output). The exception stays pending, for the caller to propagate or
 * clear. With no exception pending, it logs without exc_info.
 *     if (!PyArg_ParseTuple(args, "i", &n)) { PYLOG_EXCEPTION("bad args"); ...
 * Removed like PYLOG_ERROR. */
#if PYLOG_LEVEL_ERROR >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_EXCEPTION(...)                                              \
    PYLOG_INTERNAL_LOG_EXTRA(1, PYLOG_INTERNAL_TARGET, PYLOG_LEVEL_ERROR, \
                             1, NULL, 0, __VA_ARGS__)
#else
#define PYLOG_EXCEPTION(...) PYLOG_INTERNAL_STRIPPED(__VA_ARGS__)
#endif

/* PYLOG_LOG_KV(level, kvs, n, fmt, ...): PYLOG_LOG with `n` structured
 * fields from the array `kvs`, set on the record like `extra=`.
 *     PYLOG_LOG_KV(PYLOG_LEVEL_INFO, kvs, 2, "login");
 * A key that is already a record attribute (msg, name, ...) or is
 * "message"/"asctime" never overwrites it: that field is left out and
 * counted in pylog_stats.errors. `kvs` is evaluated only when enabled. */
#define PYLOG_LOG_KV(LEVEL, KVS, N, ...)                                  \
    PYLOG_INTERNAL_LOG_EXTRA_IF_KEPT(PYLOG_INTERNAL_TARGET, LEVEL, 0, KVS, \
                                     N, __VA_ARGS__)

/* ------------------------------------------------------------------------
 * Rate-limited statements, as abseil's LOG_EVERY_N and friends. For each
 * level (TRACE DEBUG INFO WARN WARNING ERROR CRITICAL) and for PYLOG_LOG:
 *
 * PYLOG_<LEVEL>_EVERY_N(n, fmt, ...): the 1st, n+1th, 2n+1th... occurrence.
 * PYLOG_<LEVEL>_FIRST_N(n, fmt, ...): the first n occurrences.
 * PYLOG_<LEVEL>_EVERY_N_SEC(seconds, fmt, ...): the first occurrence, then
 *     at most one per `seconds` (a double) on the monotonic clock.
 * PYLOG_<LEVEL>_EVERY_POW_2(fmt, ...): the 1st, 2nd, 4th, 8th... occurrence.
 * PYLOG_LOG_EVERY_N(level, n, fmt, ...), PYLOG_LOG_FIRST_N(level, n, ...),
 * PYLOG_LOG_EVERY_N_SEC(level, seconds, ...), PYLOG_LOG_EVERY_POW_2(level,
 * fmt, ...): the same at any level.
 *     for (size_t i = 0; i < n; i++) {
 *         PYLOG_WARN_EVERY_N_SEC(1.0, "slow item %zu", i);
 *
 * An occurrence is a call that passed the level gates (pylog's filters and
 * the site's switch; the logger's level too when the calling thread can ask
 * it, see README): the disabled path stays as it is, two loads and a
 * compare. Occurrences are counted per site, exactly under any number of
 * threads, without a lock (one atomic add per occurrence). Every record of
 * a rate-limited statement carries `pylog_count`: the site's occurrences
 * so far, this one included. n and seconds are evaluated, as a double, only
 * when the level passes: n < 1 for EVERY_N means every occurrence, for
 * FIRST_N none; seconds <= 0 (or NaN) means every occurrence. Removed by
 * PYLOG_MAX_LEVEL like the plain statements, and type-checked when removed.
 */

#if PYLOG_LEVEL_TRACE >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_TRACE 1
#else
#define PYLOG_INTERNAL_KEEP_TRACE 0
#endif

#if PYLOG_LEVEL_DEBUG >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_DEBUG 1
#else
#define PYLOG_INTERNAL_KEEP_DEBUG 0
#endif

#if PYLOG_LEVEL_INFO >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_INFO 1
#else
#define PYLOG_INTERNAL_KEEP_INFO 0
#endif

#if PYLOG_LEVEL_WARN >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_WARN 1
#else
#define PYLOG_INTERNAL_KEEP_WARN 0
#endif

#if PYLOG_LEVEL_WARNING >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_WARNING 1
#else
#define PYLOG_INTERNAL_KEEP_WARNING 0
#endif

#if PYLOG_LEVEL_ERROR >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_ERROR 1
#else
#define PYLOG_INTERNAL_KEEP_ERROR 0
#endif

#if PYLOG_LEVEL_CRITICAL >= PYLOG_INTERNAL_MAX_LEVEL
#define PYLOG_INTERNAL_KEEP_CRITICAL 1
#else
#define PYLOG_INTERNAL_KEEP_CRITICAL 0
#endif

#define PYLOG_TRACE_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_TRACE, PYLOG_LEVEL_TRACE, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_TRACE_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_TRACE, PYLOG_LEVEL_TRACE, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_TRACE_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_TRACE, PYLOG_LEVEL_TRACE, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_TRACE_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_TRACE, PYLOG_LEVEL_TRACE, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_DEBUG_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_DEBUG, PYLOG_LEVEL_DEBUG, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_DEBUG_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_DEBUG, PYLOG_LEVEL_DEBUG, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_DEBUG_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_DEBUG, PYLOG_LEVEL_DEBUG, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_DEBUG_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_DEBUG, PYLOG_LEVEL_DEBUG, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_INFO_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_INFO, PYLOG_LEVEL_INFO, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_INFO_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_INFO, PYLOG_LEVEL_INFO, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_INFO_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_INFO, PYLOG_LEVEL_INFO, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_INFO_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_INFO, PYLOG_LEVEL_INFO, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_WARN_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARN, PYLOG_LEVEL_WARN, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_WARN_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARN, PYLOG_LEVEL_WARN, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_WARN_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARN, PYLOG_LEVEL_WARN, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_WARN_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARN, PYLOG_LEVEL_WARN, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_WARNING_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARNING, PYLOG_LEVEL_WARNING, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_WARNING_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARNING, PYLOG_LEVEL_WARNING, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_WARNING_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARNING, PYLOG_LEVEL_WARNING, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_WARNING_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_WARNING, PYLOG_LEVEL_WARNING, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_ERROR_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_ERROR, PYLOG_LEVEL_ERROR, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_ERROR_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_ERROR, PYLOG_LEVEL_ERROR, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_ERROR_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_ERROR, PYLOG_LEVEL_ERROR, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_ERROR_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_ERROR, PYLOG_LEVEL_ERROR, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_CRITICAL_EVERY_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_CRITICAL, PYLOG_LEVEL_CRITICAL, \
                        PYLOG_INTERNAL_KIND_EVERY_N, N, __VA_ARGS__)
#define PYLOG_CRITICAL_FIRST_N(N, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_CRITICAL, PYLOG_LEVEL_CRITICAL, \
                        PYLOG_INTERNAL_KIND_FIRST_N, N, __VA_ARGS__)
#define PYLOG_CRITICAL_EVERY_N_SEC(SECONDS, ...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_CRITICAL, PYLOG_LEVEL_CRITICAL, \
                        PYLOG_INTERNAL_KIND_EVERY_N_SEC, SECONDS, __VA_ARGS__)
#define PYLOG_CRITICAL_EVERY_POW_2(...) \
    PYLOG_INTERNAL_RATE(PYLOG_INTERNAL_KEEP_CRITICAL, PYLOG_LEVEL_CRITICAL, \
                        PYLOG_INTERNAL_KIND_EVERY_POW_2, 0, __VA_ARGS__)

#define PYLOG_LOG_EVERY_N(LEVEL, N, ...) \
    PYLOG_INTERNAL_LOG_RATE_IF_KEPT(LEVEL, PYLOG_INTERNAL_KIND_EVERY_N, N, \
                                    __VA_ARGS__)
#define PYLOG_LOG_FIRST_N(LEVEL, N, ...) \
    PYLOG_INTERNAL_LOG_RATE_IF_KEPT(LEVEL, PYLOG_INTERNAL_KIND_FIRST_N, N, \
                                    __VA_ARGS__)
#define PYLOG_LOG_EVERY_N_SEC(LEVEL, SECONDS, ...)                       \
    PYLOG_INTERNAL_LOG_RATE_IF_KEPT(LEVEL, PYLOG_INTERNAL_KIND_EVERY_N_SEC, \
                                    SECONDS, __VA_ARGS__)
#define PYLOG_LOG_EVERY_POW_2(LEVEL, ...)                                  \
    PYLOG_INTERNAL_LOG_RATE_IF_KEPT(LEVEL, PYLOG_INTERNAL_KIND_EVERY_POW_2, \
                                    0, __VA_ARGS__)

/* PYLOG_ENABLED(level): nonzero when a statement at `level` in this
 * translation unit's target would be logged; guards costly preparation.
 *     if (PYLOG_ENABLED(PYLOG_LEVEL_DEBUG)) PYLOG_DEBUG("%s", dump(obj));
 * An expression. The same gates as a statement (a constant level below
 * PYLOG_MAX_LEVEL is the constant 0) through one slot per translation unit. */
#define PYLOG_ENABLED(LEVEL) PYLOG_INTERNAL_ENABLED(LEVEL)

/* ------------------------------------------------------------------------
 * Configuration and installation.
 */

/* Return codes. 0 is success; PYLOG_ERR_PYTHON means a Python exception is
 * set; the others are returned with no exception set. */
#define PYLOG_OK 0
#define PYLOG_ERR_PYTHON (-1)
#define PYLOG_ERR_ALREADY_INSTALLED (-2)
#define PYLOG_ERR_INVALID_ARGUMENT (-3)
#define PYLOG_ERR_NOT_INSTALLED (-4)
#define PYLOG_ERR_NO_MEMORY (-5) /* out of memory; nothing changed */
#define PYLOG_ERR_FLUSH_STALLED (-6) /* pylog_flush: delivery stalled */
#define PYLOG_ERR_IN_HANDLER (-7)    /* pylog_flush: called from a handler */

/* Caching modes (pylog_config.caching), with pyo3-log's meaning. */
#define PYLOG_CACHE_NOTHING 0 /* ask Python for logger and level per call */
#define PYLOG_CACHE_LOGGERS 1 /* cache loggers, ask the level (takes GIL) */
#define PYLOG_CACHE_LOGGERS_AND_LEVELS 2 /* decide disabled without GIL */

/* Delivery modes (pylog_config.delivery): how a record from a thread that
 * does not hold the GIL reaches Python. A thread that holds the GIL always
 * delivers at once, after anything queued before. */
#define PYLOG_DELIVERY_AUTO 0 /* queue it; never wait for the GIL */
#define PYLOG_DELIVERY_SYNC 1 /* take the GIL and deliver (pyo3-log) */

/* A per-target rule: `target` and its dotted children (`xy` covers `xy` and
 * `xy.aa` but not `xyz`) pass messages at `level` and above; the most
 * specific rule wins. `::` and `.` are the same separator. */
typedef struct pylog_target_filter {
    const char *target;
    int level;
} pylog_target_filter;

/* Installation settings; pylog_config_init() fills the defaults. All strings
 * and arrays are copied by pylog_install(), so they may be temporary. */
typedef struct pylog_config {
    int filter; /* global level filter; default PYLOG_LEVEL_DEBUG */
    const pylog_target_filter *target_filters; /* default NULL */
    size_t n_target_filters;                   /* default 0 */
    int caching;                /* default PYLOG_CACHE_LOGGERS_AND_LEVELS */
    const char *prefix;         /* prepended to logger names; default NULL */
    const char *default_target; /* see PYLOG_TARGET; default NULL */
    /* A filter spec applied after `filter` and `target_filters`, e.g.
     * "warn,mypkg=debug,mypkg::io=trace": comma-separated LEVEL or
     * TARGET=LEVEL, levels by name in any case (trace debug info warn warning
     * error critical off notset) or number 0..100; NOTSET removes a target's
     * rule. A bad directive fails pylog_install() with ValueError naming it
     * and its position. Default NULL. */
    const char *filter_spec;
    /* The environment variable read at install, after filter_spec, with the
     * same syntax; a bad directive there is skipped with a RuntimeWarning
     * naming it and the rest applies. NULL: none. Default "PYLOG_FILTER". */
    const char *env_var;
    int delivery; /* PYLOG_DELIVERY_*; default PYLOG_DELIVERY_AUTO */
    /* Records each thread's buffer holds for delivery in AUTO mode (1 up
     * to PYLOG_QUEUE_CAPACITY_MAX): a thread without the GIL writes its
     * records into a buffer of its own; one that finds it full (this many
     * records, or thread_buffer_bytes) is dropped and counted. Default
     * 8192 (PYLOG_TUNE_QUEUE_CAPACITY). */
    size_t queue_capacity;
    /* How long pylog_flush() waits while no record at all is delivered
     * (1 up to PYLOG_FLUSH_STALL_MS_MAX milliseconds) before it gives up
     * with PYLOG_ERR_FLUSH_STALLED. Default 10000. */
    long flush_stall_ms;
    /* Site queries applied at install (module.pylog.control()'s grammar),
     * separated by ';', e.g. "file io.c line 40-60 on; func parse* off".
     * Every site starts at "default", then these apply in order. A bad
     * query fails pylog_install() with ValueError naming it and its
     * position. Default NULL. */
    const char *site_control;
    /* The environment variable read at install, after site_control, with
     * the same syntax; a bad query there is skipped with a RuntimeWarning
     * naming it and the rest applies. NULL: none. Default "PYLOG_SITES". */
    const char *site_env_var;
    /* Bytes of each thread's buffer (PYLOG_THREAD_BUFFER_BYTES_MIN up to
     * PYLOG_THREAD_BUFFER_BYTES_MAX, rounded up to a power of two), made
     * on the thread's first queued statement and freed once the thread
     * has ended and its records are delivered. A record of three
     * arguments takes about 120 bytes. Threads that already have a buffer
     * get one of the new size at their next statement after an install.
     * Default 262144 (PYLOG_TUNE_THREAD_BUFFER_BYTES). */
    size_t thread_buffer_bytes;
} pylog_config;

#define PYLOG_QUEUE_CAPACITY_MAX ((size_t)1 << 24)
#define PYLOG_THREAD_BUFFER_BYTES_MIN ((size_t)1 << 12)
#define PYLOG_THREAD_BUFFER_BYTES_MAX ((size_t)1 << 30)
#define PYLOG_FLUSH_STALL_MS_MAX 86400000L /* a day */

/* Fill *config with the defaults. Never fails; GIL not required. */
PYLOG_API void pylog_config_init(pylog_config *config);

/* Install pylog for this extension module with a copy of *config.
 * GIL: must be held.
 * Returns 0; PYLOG_ERR_ALREADY_INSTALLED (no exception set) when this module
 * already installed pylog; -1 with an exception set on any other failure,
 * and then nothing is installed: TypeError for a NULL config or a NULL
 * target in target_filters, ValueError for a level out of range (filters
 * take 0..PYLOG_LEVEL_OFF, target rules also PYLOG_LEVEL_NOTSET = ignore),
 * an empty target, an unknown caching mode, a bad filter_spec directive
 * or a bad site_control query, RuntimeWarning turned into an error for a
 * bad directive or query in the environment, or
 * whatever importing `logging` raised; ImportError in a sub-interpreter
 * (pylog serves the main interpreter only: see "Sub-interpreters" in the
 * README), checked before "already installed". Without an interpreter or
 * without the GIL: PYLOG_ERR_INVALID_ARGUMENT, no exception set.
 *
 * Multi-phase initialisation (PEP 489): the Py_mod_exec slot runs again
 * for every new module object (import after `del sys.modules[...]`,
 * importlib.reload); install once per process and add the control object
 * to each module:
 *     static int exec_module(PyObject *m) {
 *         if (pylog_try_init() == PYLOG_ERR_PYTHON) return -1;
 *         return pylog_add_control(m);
 *     }
 * and declare {Py_mod_multiple_interpreters,
 * Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED} (3.12+) so that CPython
 * itself refuses the import in an isolated sub-interpreter (a legacy one
 * gets pylog's ImportError). */
PYLOG_API int pylog_install(const pylog_config *config);

/* pylog_install() with the defaults of pylog_config_init(). */
PYLOG_API int pylog_try_init(void);

/* pylog_try_init(), except that "already installed" raises RuntimeError and
 * returns -1, so returning NULL from PyInit_* on failure fails the import.
 * GIL: must be held. */
PYLOG_API int pylog_init(void);

/* Set the global filter at run time (0..PYLOG_LEVEL_OFF); every site sees
 * it at its next statement. Any thread; GIL not required.
 * 0, PYLOG_ERR_INVALID_ARGUMENT (level out of range; nothing changes) or
 * PYLOG_ERR_NOT_INSTALLED. Never sets a Python exception. */
PYLOG_API int pylog_set_filter(int level);

/* Add or replace the rule for `target` (`::` or `.` separated) at run time;
 * PYLOG_LEVEL_NOTSET removes it. Any thread; GIL not required. 0,
 * PYLOG_ERR_INVALID_ARGUMENT (NULL or empty target, level out of range;
 * nothing changes), PYLOG_ERR_NO_MEMORY (nothing changes) or
 * PYLOG_ERR_NOT_INSTALLED. */
PYLOG_API int pylog_set_target_filter(const char *target, int level);

/* The reset handle: forget every cached logger and level, so the next
 * statement at each site asks Python again. Needed only after changes pylog
 * cannot see, e.g. a Python logger's level changed while pylog caches levels.
 * Any thread; GIL not required; never blocks on the GIL. */
PYLOG_API void pylog_reset(void);

/* Log through a function of the extension's own that takes a va_list:
 *     void my_log(int level, const char *file, int line, const char *fmt,
 *                 ...) {
 *         va_list ap;
 *         va_start(ap, fmt);
 *         pylog_vlog(level, "mypkg::io", file, line, NULL, fmt, ap);
 *         va_end(ap);
 *     }
 * The record's pathname, filename, module, lineno and funcName come from
 * `file`, `line` and `func` (NULL: no function name); `target` NULL means
 * the default target (pylog_config.default_target, else the stem of
 * `file`). All the gates of a statement apply, with a cache slot per
 * distinct (target, file, line, func) that pylog keeps (copies of the
 * strings; at most 65536 origins, PYLOG_TUNE_DYNAMIC_SITES_MAX, beyond which
 * calls are counted as errors and dropped). Cost: a disabled call takes a
 * mutex and hashes its strings to find its slot (tens of nanoseconds, more
 * than a statement's ~1 ns); not installed, it returns at once. `ap` is
 * only read through a copy, so the caller may use it again. Any thread;
 * never raises; keeps errno. A NULL `fmt` or `file` is counted as an error.
 */
PYLOG_API void pylog_vlog(int level, const char *target, const char *file,
                          int line, const char *func, const char *fmt,
                          va_list ap) PYLOG_PRINTF_LIKE(6, 0);

/* Deliver every record queued before the call, and wait until they have
 * been handed to the handlers, whoever delivers them. Any thread, with or
 * without the GIL: a thread that holds the GIL delivers the queue itself,
 * and when another thread is delivering it at that moment (inside a
 * handler that let the GIL go), it lets the GIL go and waits for that
 * thread. Returns:
 *   0 (PYLOG_OK)            every record queued before the call was handed
 *                           to its logger (or counted as dropped or as an
 *                           error);
 *   PYLOG_ERR_FLUSH_STALLED no record was finished for the config's
 *                           flush_stall_ms (default 10 s): a handler is
 *                           stuck, or waits for a lock this thread holds;
 *                           records may be left; nothing deadlocks;
 *   PYLOG_ERR_IN_HANDLER    called from a handler pylog is delivering to
 *                           (on any thread): returns at once and the
 *                           delivery under way goes on, since waiting could
 *                           wait for this very thread;
 *   PYLOG_ERR_NO_MEMORY     no memory for the mark of every thread's
 *                           buffer position (nothing was waited for);
 *   PYLOG_ERR_NOT_INSTALLED not installed, or the interpreter is finalizing
 *                           (queued records are then counted as dropped).
 * "Queued before the call": written into any thread's buffer before the
 * call read that buffer's position (a record that happens-before the call
 * is). Never raises; keeps errno. */
PYLOG_API int pylog_flush(void);

/* Add `module.pylog`, a control object with reset(), set_filter(level),
 * set_target_filter(target, level), filters(), stats(), flush(), and the
 * site registry: sites() (every statement compiled into the extension),
 * control(query) (switch sites on, off or back to default, e.g.
 * "file io.c line 40-60 on") and site_table(); levels are ints or names.
 * Call it from PyInit_* after creating the module.
 * GIL: must be held. `module` is borrowed. 0, or -1 with an exception set
 * (TypeError when `module` is not a module). */
PYLOG_API int pylog_add_control(PyObject *module);

/* Counters since the process started; 64-bit, read without the GIL. */
typedef struct pylog_stats {
    uint64_t emitted; /* records handed to a logger's handle() */
    uint64_t dropped; /* messages that passed the filters but could not be
                         delivered: queue full, nested too deep inside a
                         handler, interpreter gone or finalizing */
    uint64_t errors;  /* failures reported through sys.unraisablehook or
                         signalled again (KeyboardInterrupt), and calls
                         with an invalid level or a format error */
} pylog_stats;

/* Copy the counters into *stats. Any thread; GIL not required. */
PYLOG_API void pylog_get_stats(pylog_stats *stats);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_PYLOG_H_ */
