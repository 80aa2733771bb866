/*
 * filter.c: level decisions by dotted target name. Pure functions over a
 * filter_rules table; the caller owns the table and its locking (config.c).
 * Never calls Python.
 *
 * A table's rules are kept sorted by target (strcmp order), one rule per
 * target, so installing N rules costs O(N log N) (a merge sort), changing
 * one costs a binary search (plus moving the entries after it), and a
 * lookup costs one binary search per dotted prefix of its target.
 *
 * Globals: filter_comparisons, per thread (a test hook, see filter.h).
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/filter.h"
#include "internal/name.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Target comparisons made on this thread (pylog_internal_filter_comparisons).
 * Each function counts in a local and adds once, at its end. */
static __thread size_t filter_comparisons;

/* strcmp(rule, key) where key is the `length` bytes at `key` (no NUL among
 * them) taken as a string. */
static int
filter_compare(const char *rule, const char *key, size_t length)
{
    int order = strncmp(rule, key, length);

    return order != 0 ? order : rule[length] != '\0';
}

/* Binary search of the sorted table for the `length` bytes at `key`: 1 with
 * its index in *at, or 0 with the index it would be inserted at. Adds the
 * comparisons made to *count. */
static int
filter_find(const filter_rules *table, const char *key, size_t length,
            size_t *at, size_t *count)
{
    size_t low = 0, high = table->n_rules;

    while (low < high) {
        size_t middle = low + (high - low) / 2;
        int order = filter_compare(table->rules[middle].target, key, length);

        (*count)++;
        if (order == 0) {
            *at = middle;
            return 1;
        }
        if (order < 0) {
            low = middle + 1;
        }
        else {
            high = middle;
        }
    }
    *at = low;
    return 0;
}

int
pylog_internal_filter_threshold(const filter_rules *table, const char *target)
{
    size_t end = strlen(target), at, count = 0;
    int level = table->level;

    /* The rules covering `target` are `target` itself and its prefixes that
       a '.' follows ("xy" covers "xy" and "xy.aa", not "xyz"): try them
       longest first, the first one present is the most specific. */
    for (;;) {
        if (filter_find(table, target, end, &at, &count)) {
            level = table->rules[at].level;
            break;
        }
        if (end == 0) {
            break;
        }
        do {
            end--;
        } while (end > 0 && target[end] != '.');
        if (target[end] != '.') {
            break; /* no shorter prefix: back at the start, not at a '.' */
        }
    }
    filter_comparisons += count;
    return level;
}

int
pylog_internal_filter_rules_set(filter_rules *table, const char *target,
                                size_t length, int level)
{
    char *dotted = pylog_internal_name_dotted_n(target, length);
    pylog_target_filter *rules;
    size_t at, count = 0;
    int found;

    if (dotted == NULL) {
        return -1;
    }
    found = filter_find(table, dotted, strlen(dotted), &at, &count);
    filter_comparisons += count;
    rules = table->rules;
    if (found) {
        free(dotted); /* the table keeps its own copy of the same text */
        if (level == PYLOG_LEVEL_NOTSET) {
            free((char *)rules[at].target);
            memmove(&rules[at], &rules[at + 1],
                    (table->n_rules - at - 1) * sizeof(*rules));
            table->n_rules--;
            return 0;
        }
        rules[at].level = level;
        return 0;
    }
    if (level == PYLOG_LEVEL_NOTSET) {
        free(dotted);
        return 0;
    }
    if (table->n_rules == table->capacity) {
        size_t capacity = table->capacity == 0 ? 8 : 2 * table->capacity;
        if (capacity > SIZE_MAX / sizeof(*rules)) {
            free(dotted);
            return -1;
        }
        rules = (pylog_target_filter *)realloc(rules,
                                               capacity * sizeof(*rules));
        if (rules == NULL) {
            free(dotted);
            return -1;
        }
        table->rules = rules;
        table->capacity = capacity;
    }
    memmove(&rules[at + 1], &rules[at],
            (table->n_rules - at) * sizeof(*rules));
    rules[at].target = dotted; /* owned by the table */
    rules[at].level = level;
    table->n_rules++;
    return 0;
}

/* Stable bottom-up merge sort of rules[0..n) by target, through `scratch`
 * (n entries): equal targets keep their order. At most n * ceil(log2 n)
 * comparisons, added to *count. */
static void
filter_sort(pylog_target_filter *rules, pylog_target_filter *scratch,
            size_t n, size_t *count)
{
    pylog_target_filter *from = rules, *to = scratch, *swap;

    for (size_t width = 1; width < n; width *= 2) {
        for (size_t start = 0; start < n; start += 2 * width) {
            size_t middle = n - start > width ? start + width : n;
            size_t end = n - middle > width ? middle + width : n;
            size_t left = start, right = middle, out = start;

            while (left < middle && right < end) {
                (*count)++;
                /* strictly less: on a tie the earlier rule goes first */
                if (strcmp(from[right].target, from[left].target) < 0) {
                    to[out++] = from[right++];
                }
                else {
                    to[out++] = from[left++];
                }
            }
            while (left < middle) {
                to[out++] = from[left++];
            }
            while (right < end) {
                to[out++] = from[right++];
            }
        }
        swap = from;
        from = to;
        to = swap;
    }
    if (from != rules) {
        memcpy(rules, from, n * sizeof(*rules));
    }
}

int
pylog_internal_filter_rules_init(filter_rules *table, int level,
                                 const pylog_target_filter *rules,
                                 size_t n_rules)
{
    pylog_target_filter *sorted = NULL, *scratch = NULL;
    size_t n = 0, kept = 0, count = 0;

    table->level = level;
    table->rules = NULL;
    table->n_rules = 0;
    table->capacity = 0;
    if (n_rules == 0) {
        return 0;
    }
    if (n_rules > SIZE_MAX / sizeof(*sorted)) {
        return -1;
    }
    sorted = (pylog_target_filter *)malloc(n_rules * sizeof(*sorted));
    scratch = (pylog_target_filter *)malloc(n_rules * sizeof(*scratch));
    if (sorted == NULL || scratch == NULL) {
        goto error;
    }
    for (n = 0; n < n_rules; n++) {
        sorted[n].target = pylog_internal_name_dotted_n(
            rules[n].target, strlen(rules[n].target)); /* owned */
        if (sorted[n].target == NULL) {
            goto error;
        }
        sorted[n].level = rules[n].level;
    }
    filter_sort(sorted, scratch, n, &count);
    free(scratch);
    /* As if by _set() in order: of equal targets (now adjacent, in their
       original order) the last one wins, and a last NOTSET removes it. */
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n) {
            count++;
            if (strcmp(sorted[i].target, sorted[i + 1].target) == 0) {
                free((char *)sorted[i].target);
                continue;
            }
        }
        if (sorted[i].level == PYLOG_LEVEL_NOTSET) {
            free((char *)sorted[i].target);
            continue;
        }
        sorted[kept++] = sorted[i];
    }
    table->rules = sorted; /* owned by the table, with its targets */
    table->n_rules = kept;
    table->capacity = n;
    filter_comparisons += count;
    return 0;

error:
    for (size_t i = 0; i < n; i++) {
        free((char *)sorted[i].target);
    }
    free(sorted);
    free(scratch);
    return -1;
}

void
pylog_internal_filter_rules_clear(filter_rules *table)
{
    for (size_t i = 0; i < table->n_rules; i++) {
        free((char *)table->rules[i].target);
    }
    free(table->rules);
    table->rules = NULL;
    table->n_rules = 0;
    table->capacity = 0;
}

size_t
pylog_internal_filter_comparisons(void)
{
    return filter_comparisons;
}
