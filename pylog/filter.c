/*
 * filter.c: level decisions by dotted target name. Pure functions over a
 * filter_rules table; the caller owns the table and its locking (config.c).
 * Never calls Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/filter.h"
#include "internal/name.h"

#include <stdlib.h>
#include <string.h>

/* Nonzero when `rule` is `target` or a dotted prefix of it: "xy" covers
 * "xy" and "xy.aa", not "xyz". */
static int
filter_covers(const char *rule, size_t rule_length, const char *target)
{
    return strncmp(rule, target, rule_length) == 0 &&
           (target[rule_length] == '\0' || target[rule_length] == '.');
}

int
pylog_internal_filter_threshold(const filter_rules *table, const char *target)
{
    int level = table->level;
    size_t best = 0;
    int found = 0;

    for (size_t i = 0; i < table->n_rules; i++) {
        const char *rule = table->rules[i].target;
        size_t length = strlen(rule);
        if ((!found || length > best) && filter_covers(rule, length, target)) {
            found = 1;
            best = length;
            level = table->rules[i].level;
        }
    }
    return level;
}

int
pylog_internal_filter_rules_set(filter_rules *table, const char *target,
                                size_t length, int level)
{
    char *dotted = pylog_internal_name_dotted_n(target, length);
    size_t i;

    if (dotted == NULL) {
        return -1;
    }
    for (i = 0; i < table->n_rules; i++) {
        if (strcmp(table->rules[i].target, dotted) == 0) {
            break;
        }
    }
    if (i < table->n_rules) {
        free(dotted); /* the table keeps its own copy of the same text */
        if (level == PYLOG_LEVEL_NOTSET) {
            free((char *)table->rules[i].target);
            table->rules[i] = table->rules[--table->n_rules];
            return 0;
        }
        table->rules[i].level = level;
        return 0;
    }
    if (level == PYLOG_LEVEL_NOTSET) {
        free(dotted);
        return 0;
    }
    if (table->n_rules == table->capacity) {
        size_t capacity = table->capacity == 0 ? 8 : 2 * table->capacity;
        pylog_target_filter *grown = (pylog_target_filter *)realloc(
            table->rules, capacity * sizeof(pylog_target_filter));
        if (grown == NULL) {
            free(dotted);
            return -1;
        }
        table->rules = grown;
        table->capacity = capacity;
    }
    table->rules[table->n_rules].target = dotted; /* owned by the table */
    table->rules[table->n_rules].level = level;
    table->n_rules++;
    return 0;
}

int
pylog_internal_filter_rules_init(filter_rules *table, int level,
                                 const pylog_target_filter *rules,
                                 size_t n_rules)
{
    table->level = level;
    table->rules = NULL;
    table->n_rules = 0;
    table->capacity = 0;
    for (size_t i = 0; i < n_rules; i++) {
        if (pylog_internal_filter_rules_set(table, rules[i].target,
                                            strlen(rules[i].target),
                                            rules[i].level) < 0) {
            pylog_internal_filter_rules_clear(table);
            return -1;
        }
    }
    return 0;
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
