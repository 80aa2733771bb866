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
pylog_internal_filter_rules_init(filter_rules *table, int level,
                                 const pylog_target_filter *rules,
                                 size_t n_rules)
{
    table->level = level;
    table->n_rules = 0;
    table->rules = NULL;
    if (n_rules == 0) {
        return 0;
    }
    table->rules =
        (pylog_target_filter *)calloc(n_rules, sizeof(pylog_target_filter));
    if (table->rules == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n_rules; i++) {
        char *dotted;
        size_t j;

        if (rules[i].level == PYLOG_LEVEL_NOTSET) {
            continue;
        }
        dotted = pylog_internal_name_dotted(rules[i].target);
        if (dotted == NULL) {
            pylog_internal_filter_rules_clear(table);
            return -1;
        }
        for (j = 0; j < table->n_rules; j++) {
            if (strcmp(table->rules[j].target, dotted) == 0) {
                break;
            }
        }
        if (j < table->n_rules) {
            /* A later rule for the same target replaces the earlier one. */
            free(dotted);
            table->rules[j].level = rules[i].level;
            continue;
        }
        table->rules[table->n_rules].target = dotted; /* owned by the table */
        table->rules[table->n_rules].level = rules[i].level;
        table->n_rules++;
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
}
