/*
 * sites.c: the registry of the statements compiled into this extension
 * (internal/site.h says how they get here): the entries the linker
 * gathered in the `pylog_sites` section of C translation units, and the
 * slots C++ statements registered when the module was loaded; listing and
 * describing them, and switching them on, off or back to default.
 *
 * Globals:
 *   __start_pylog_sites, __stop_pylog_sites  the section's bounds, defined
 *                  by the linker; declared hidden, so each extension module
 *                  reads its own section only.
 *   sites_anchor   an empty entry that puts the section into every build,
 *                  so the bounds exist even without a C statement.
 *   sites_links    the C++ registrations, a lock-free stack pushed by
 *                  dynamic initializers (any thread, at load) and read with
 *                  acquire.
 * No lock: the switches (each site's `mode`) are written only by threads
 * holding the GIL (control() and install), which orders them, and read by
 * statements as atomics (slot.c).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/config.h"
#include "internal/rate.h"
#include "internal/sites.h"

#include <stdlib.h>
#include <string.h>

extern pylog_internal_site_entry __start_pylog_sites[] PYLOG_API;
extern pylog_internal_site_entry __stop_pylog_sites[] PYLOG_API;

static pylog_internal_site_entry sites_anchor
    __attribute__((section("pylog_sites"), used)) = {NULL};
static pylog_internal_site_link *sites_links;

int
pylog_internal_site_register(pylog_internal_site_link *link,
                             pylog_internal_site *site)
{
    /* relaxed: the CAS below publishes the link with release */
    pylog_internal_site_link *head =
        __atomic_load_n(&sites_links, __ATOMIC_RELAXED);

    link->site = site;
    do {
        link->next = head;
    } while (!__atomic_compare_exchange_n(&sites_links, &head, link, 1,
                                          __ATOMIC_RELEASE,
                                          __ATOMIC_RELAXED));
    return 1;
}

static int
sites_compare_address(const void *a, const void *b)
{
    const pylog_internal_site *x = *(pylog_internal_site *const *)a;
    const pylog_internal_site *y = *(pylog_internal_site *const *)b;

    return x < y ? -1 : x > y;
}

static int
sites_compare_text(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return (a != NULL) - (b != NULL);
    }
    return strcmp(a, b);
}

/* File, line, function, then format: the order sites() lists them in. */
static int
sites_compare_place(const void *a, const void *b)
{
    const pylog_internal_site *x = *(pylog_internal_site *const *)a;
    const pylog_internal_site *y = *(pylog_internal_site *const *)b;
    int order = sites_compare_text(x->file, y->file);

    if (order == 0) {
        order = (x->line > y->line) - (x->line < y->line);
    }
    if (order == 0) {
        order = sites_compare_text(x->func, y->func);
    }
    if (order == 0) {
        order = sites_compare_text(x->format, y->format);
    }
    return order != 0 ? order : sites_compare_address(a, b);
}

/* Nonzero for a slot to list: not a statement PYLOG_MAX_LEVEL removed. */
static int
sites_listed(const pylog_internal_site *site)
{
    return site != NULL && site->file != NULL;
}

int
pylog_internal_sites_list(sites_list *list)
{
    /* acquire: pairs with the release of pylog_internal_site_register */
    pylog_internal_site_link *links =
        __atomic_load_n(&sites_links, __ATOMIC_ACQUIRE);
    size_t capacity = (size_t)(__stop_pylog_sites - __start_pylog_sites);
    size_t n = 0, kept = 0;

    list->sites = NULL;
    list->n_sites = 0;
    for (pylog_internal_site_link *link = links; link != NULL;
         link = link->next) {
        capacity++;
    }
    if (capacity == 0) {
        return 0;
    }
    list->sites =
        (pylog_internal_site **)malloc(capacity * sizeof *list->sites);
    if (list->sites == NULL) {
        return -1;
    }
    for (pylog_internal_site_entry *entry = __start_pylog_sites;
         entry < __stop_pylog_sites; entry++) {
        if (sites_listed(entry->site)) {
            list->sites[n++] = entry->site;
        }
    }
    for (pylog_internal_site_link *link = links; link != NULL;
         link = link->next) {
        if (sites_listed(link->site)) {
            list->sites[n++] = link->site;
        }
    }
    /* A slot appears once, however many entries or links name it. */
    qsort(list->sites, n, sizeof *list->sites, sites_compare_address);
    for (size_t i = 0; i < n; i++) {
        if (kept == 0 || list->sites[kept - 1] != list->sites[i]) {
            list->sites[kept++] = list->sites[i];
        }
    }
    qsort(list->sites, kept, sizeof *list->sites, sites_compare_place);
    list->n_sites = kept;
    return 0;
}

void
pylog_internal_sites_list_clear(sites_list *list)
{
    free(list->sites);
    list->sites = NULL;
    list->n_sites = 0;
}

/* The site's target as written, and whether it is known: a constant, or
 * the last one a statement passed. */
static int
sites_target(const pylog_internal_site *site, const char **target)
{
    if (site->flags & PYLOG_INTERNAL_SITE_TARGET_KNOWN) {
        *target = site->target;
        return 1;
    }
    /* relaxed: a report; the string is static */
    *target = __atomic_load_n(&site->last_target, __ATOMIC_RELAXED);
    return *target != NULL;
}

/* The dotted target into *dotted (heap; NULL when unknown). 0, or -1 when
 * out of memory. */
static int
sites_dotted_target(const pylog_internal_site *site, char **dotted)
{
    const char *target;

    *dotted = NULL;
    if (!sites_target(site, &target)) {
        return 0;
    }
    *dotted = pylog_internal_config_target_name(target, site->file);
    return *dotted != NULL ? 0 : -1;
}

int
pylog_internal_sites_view(pylog_internal_site *site, site_view *view)
{
    memset(view, 0, sizeof *view);
    view->file = site->file;
    view->func = site->func;
    view->line = site->line;
    view->format = site->format;
    view->level = site->level;
    /* relaxed: reports */
    view->mode = __atomic_load_n(&site->mode, __ATOMIC_RELAXED);
    view->emitted = __atomic_load_n(&site->emitted, __ATOMIC_RELAXED);
    view->kind = site->kind;
    if (site->kind != PYLOG_INTERNAL_KIND_PLAIN) {
        const pylog_internal_rate_site *rate =
            (const pylog_internal_rate_site *)site;
        view->param = pylog_internal_rate_param(rate);
        view->occurrences = pylog_internal_rate_occurrences(rate);
        view->has_param =
            (site->flags & PYLOG_INTERNAL_SITE_PARAM_KNOWN) != 0 ||
            view->occurrences > 0;
    }
    return sites_dotted_target(site, &view->target);
}

void
pylog_internal_sites_view_clear(site_view *view)
{
    free(view->target);
    view->target = NULL;
}

/* Switch the sites of `list` that `query` matches. */
static int
sites_apply_to(const sites_list *list, const site_query *query,
               size_t *matched)
{
    int wants_target = pylog_internal_site_query_uses_target(query);
    int mode = pylog_internal_site_query_action(query);

    *matched = 0;
    for (size_t i = 0; i < list->n_sites; i++) {
        pylog_internal_site *site = list->sites[i];
        site_query_subject subject;
        char *target = NULL;
        int matches;

        if (wants_target && sites_dotted_target(site, &target) < 0) {
            return -1;
        }
        subject.file = site->file;
        subject.func = site->func;
        subject.line = site->line;
        subject.target = target;
        subject.format = site->format;
        subject.level = site->level;
        matches = pylog_internal_site_query_matches(query, &subject);
        free(target);
        if (matches) {
            /* relaxed: the generation started after the switches publishes
               them (pylog_reset, or the install's) */
            __atomic_store_n(&site->mode, mode, __ATOMIC_RELAXED);
            (*matched)++;
        }
    }
    return 0;
}

int
pylog_internal_sites_apply(const site_query *query, size_t *matched)
{
    sites_list list;
    int status;

    *matched = 0;
    if (pylog_internal_sites_list(&list) < 0) {
        return -1;
    }
    status = sites_apply_to(&list, query, matched);
    pylog_internal_sites_list_clear(&list);
    if (*matched > 0) {
        pylog_reset(); /* every slot takes its switch at its next statement */
    }
    return status;
}

void
pylog_internal_sites_start(site_query_list *queries)
{
    sites_list list;
    size_t matched;

    if (pylog_internal_sites_list(&list) == 0) {
        for (size_t i = 0; i < list.n_sites; i++) {
            /* relaxed: published by the install's generation */
            __atomic_store_n(&list.sites[i]->mode,
                             PYLOG_INTERNAL_MODE_DEFAULT, __ATOMIC_RELAXED);
        }
        for (size_t i = 0; i < queries->n_queries; i++) {
            /* out of memory: the queries after it do not apply */
            if (sites_apply_to(&list, queries->queries[i], &matched) < 0) {
                break;
            }
        }
        pylog_internal_sites_list_clear(&list);
    }
    pylog_internal_site_query_list_clear(queries);
}

int
pylog_internal_sites_count(size_t *total, size_t *on, size_t *off)
{
    sites_list list;

    *total = *on = *off = 0;
    if (pylog_internal_sites_list(&list) < 0) {
        return -1;
    }
    for (size_t i = 0; i < list.n_sites; i++) {
        /* relaxed: a report */
        int mode = __atomic_load_n(&list.sites[i]->mode, __ATOMIC_RELAXED);
        if (mode == PYLOG_INTERNAL_MODE_ON) {
            (*on)++;
        }
        else if (mode == PYLOG_INTERNAL_MODE_OFF) {
            (*off)++;
        }
    }
    *total = list.n_sites;
    pylog_internal_sites_list_clear(&list);
    return 0;
}

const char *
pylog_internal_sites_mode_name(int mode)
{
    switch (mode) {
    case PYLOG_INTERNAL_MODE_ON:
        return "on";
    case PYLOG_INTERNAL_MODE_OFF:
        return "off";
    default:
        return "default";
    }
}
