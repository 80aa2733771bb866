/*
 * internal/sites.h: the registry of every statement compiled into the
 * extension (sites.c): listing them, describing one, and switching them
 * with site queries (internal/site_query.h).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_SITES_H_
#define PYLOG_INTERNAL_SITES_H_

#include "../pylog.h"
#include "site_query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The extension's statements: each listed slot once, sorted by file, line
 * and function. */
typedef struct sites_list {
    pylog_internal_site **sites;
    size_t n_sites;
} sites_list;

/* Fill *list (free it with pylog_internal_sites_list_clear). 0, or -1 when
 * out of memory (*list is then empty). Any thread; no Python; the C++
 * registrations are read lock-free. */
PYLOG_API int pylog_internal_sites_list(sites_list *list);

PYLOG_API void pylog_internal_sites_list_clear(sites_list *list);

/* What module.pylog.sites() shows of one site. */
typedef struct site_view {
    const char *file;   /* as compiled */
    const char *func;
    int line;
    char *target;       /* dotted, without the prefix; heap; NULL: unknown
                           (a target that is not a constant, never run) */
    const char *format; /* NULL: not a constant */
    int level;          /* -1: not a constant */
    int mode;           /* PYLOG_INTERNAL_MODE_* */
    uint64_t emitted;
    int kind;           /* PYLOG_INTERNAL_KIND_*; the rest is for rate
                           sites only */
    double param;       /* meaningful when has_param */
    int has_param;      /* a constant, or seen at an occurrence */
    uint64_t occurrences;
} site_view;

/* Describe `site`. 0, or -1 when out of memory. Any thread; takes
 * config_lock to name the target. */
PYLOG_API int pylog_internal_sites_view(pylog_internal_site *site,
                                        site_view *view);

PYLOG_API void pylog_internal_sites_view_clear(site_view *view);

/* Switch every site `query` matches to its action; *matched is how many.
 * A new generation starts when any matched, so every thread sees the
 * switch at the site's next statement. GIL: held (it orders the writers of
 * the switches). 0, or -1 when out of memory (the switches made so far
 * stay; *matched counts them). */
PYLOG_API int pylog_internal_sites_apply(const site_query *query,
                                         size_t *matched);

/* At install, before the generation that publishes it starts: every site
 * back to "default", then `queries` applied in order; the list is cleared.
 * GIL: held. */
PYLOG_API void pylog_internal_sites_start(site_query_list *queries);

/* Sites switched on and off (for repr). GIL: held. -1 when out of
 * memory. */
PYLOG_API int pylog_internal_sites_count(size_t *total, size_t *on,
                                         size_t *off);

/* "default", "on" or "off". */
PYLOG_API const char *pylog_internal_sites_mode_name(int mode);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_SITES_H_ */
