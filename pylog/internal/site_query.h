/*
 * internal/site_query.h: the site query parser and matcher (site_query.c),
 * the language of module.pylog.control(), config.site_control and
 * PYLOG_SITES, after the Linux kernel's dynamic debug control file. Pure
 * functions, no Python.
 *
 * Grammar: queries separated by ';' (empty ones are skipped). A query is
 * blank-separated words: `keyword value` pairs, each keyword at most once
 * and all of which must match, then exactly one action, last:
 *   file GLOB     the path as compiled (__FILE__), or its base name
 *   func GLOB     the function (__func__)
 *   line N, line N-M   the statement's line, or a range (N <= M)
 *   target GLOB   the target, dotted as in the logger's name without the
 *                 prefix (`::` in the glob means `.` too)
 *   format TEXT   a substring of the statement's format
 *   level NAME    the statement's level: trace debug info warn warning
 *                 error critical (any case) or a number from 1 to 99
 *   on | off | default   the action
 * A value with blanks or ';' is written in double quotes, in which \" is a
 * quote and \\ a backslash (any other backslash stays, for the glob). A
 * GLOB has `*` (any bytes, '/' included), `?` (one byte), `[abc]`, `[a-z]`,
 * `[!abc]` or `[^abc]` (one byte of a set), and `\x` (x itself); a `[`
 * without its `]` or a trailing `\` is a bad glob. Keywords and actions are
 * lowercase.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_SITE_QUERY_H_
#define PYLOG_INTERNAL_SITE_QUERY_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One parsed query; owns its strings. */
typedef struct site_query site_query;

/* Where the parser is in a text of queries. */
typedef struct site_query_cursor {
    const char *text; /* NUL-terminated; borrowed */
    size_t offset;    /* of the next query */
    size_t index;     /* 0-based number of the next query */
} site_query_cursor;

/* Why a query was rejected. */
typedef struct site_query_error {
    size_t index;       /* 0-based query number */
    size_t offset;      /* byte offset, in the text, of the word at fault
                           (or of the query's end for a missing action) */
    size_t length;      /* bytes of that word (0 at the end) */
    const char *reason; /* static text */
    int no_memory;      /* 1: out of memory, not bad input */
} site_query_error;

/* What a query is matched against: one site's descriptor. */
typedef struct site_query_subject {
    const char *file;   /* as compiled */
    const char *func;   /* NULL: unknown */
    int line;
    const char *target; /* dotted; NULL: unknown */
    const char *format; /* NULL: unknown (not a constant) */
    int level;          /* -1: unknown (not a constant) */
} site_query_subject;

PYLOG_API void pylog_internal_site_query_start(site_query_cursor *cursor,
                                               const char *text);

/* Parse the next query: 1 with *query set (free it with
 * pylog_internal_site_query_free), 0 at the end, or -1 with *error filled
 * (the cursor moves past that query, so the caller may go on). */
PYLOG_API int pylog_internal_site_query_next(site_query_cursor *cursor,
                                             site_query **query,
                                             site_query_error *error);

PYLOG_API void pylog_internal_site_query_free(site_query *query);

/* Nonzero when every term of `query` matches `subject`. Does not
 * allocate. */
PYLOG_API int pylog_internal_site_query_matches(
    const site_query *query, const site_query_subject *subject);

/* Nonzero when the query has a `target` term (the caller may leave the
 * subject's target NULL otherwise). */
PYLOG_API int pylog_internal_site_query_uses_target(const site_query *query);

/* The action: PYLOG_INTERNAL_MODE_ON, _OFF or _DEFAULT. */
PYLOG_API int pylog_internal_site_query_action(const site_query *query);

/* A list of parsed queries, applied in order (config.site_control and the
 * environment's). */
typedef struct site_query_list {
    site_query **queries;
    size_t n_queries;
    size_t capacity;
} site_query_list;

#define SITE_QUERY_LIST_EMPTY {NULL, 0, 0}

/* Append `query` (the list owns it from then on, also when this fails and
 * frees it). 0, or -1 when out of memory. */
PYLOG_API int pylog_internal_site_query_list_add(site_query_list *list,
                                                 site_query *query);

/* Free every query and the array; the list is empty afterwards. */
PYLOG_API void pylog_internal_site_query_list_clear(site_query_list *list);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_SITE_QUERY_H_ */
