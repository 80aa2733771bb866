/*
 * dynamic_site.c: cache slots for pylog_vlog, whose caller has no static
 * slot: one per distinct (target, file, line, func), so each origin keeps
 * its own threshold, logger and record template, as a statement would.
 *
 * Globals:
 *   dynamic_table  open-addressing hash table of dynamic_site pointers
 *                  (power-of-two size, at most half full); guarded by
 *                  dynamic_lock. Entries are never freed or moved: a
 *                  statement under way may still use its slot.
 *   dynamic_count  entries in the table; guarded by dynamic_lock.
 * Lock: dynamic_lock is held for one lookup or insertion; no thread waits
 * for the GIL while holding it. No Python.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/dynamic_site.h"
#include "internal/generation.h"
#include "internal/tunables.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t dynamic_lock = PTHREAD_MUTEX_INITIALIZER;
static dynamic_site **dynamic_table;
static size_t dynamic_size; /* slots in dynamic_table */
static size_t dynamic_count;

/* FNV-1a over `text` (NULL hashes as a distinct empty value). */
static uint64_t
dynamic_hash_text(uint64_t hash, const char *text)
{
    if (text == NULL) {
        return (hash ^ 0xffu) * 0x100000001b3u;
    }
    for (; *text != '\0'; text++) {
        hash = (hash ^ (unsigned char)*text) * 0x100000001b3u;
    }
    return (hash ^ 0u) * 0x100000001b3u; /* the terminator */
}

static size_t
dynamic_hash(const char *target, const char *file, int line, const char *func)
{
    uint64_t hash = 0xcbf29ce484222325u; /* FNV-1a's offset basis */

    hash = dynamic_hash_text(dynamic_hash_text(hash, target), file);
    return (size_t)(dynamic_hash_text(hash, func) ^ (unsigned)line);
}

static int
dynamic_same_text(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
dynamic_matches(const dynamic_site *entry, const char *target,
                const char *file, int line, const char *func)
{
    return entry->line == line && dynamic_same_text(entry->file, file) &&
           dynamic_same_text(entry->func, func) &&
           dynamic_same_text(entry->target, target);
}

/* A heap copy of `text`, NULL for NULL; *failed set when out of memory. */
static const char *
dynamic_copy(const char *text, int *failed)
{
    char *copy;

    if (text == NULL) {
        return NULL;
    }
    copy = (char *)malloc(strlen(text) + 1);
    if (copy == NULL) {
        *failed = 1;
        return NULL;
    }
    return strcpy(copy, text);
}

static dynamic_site *
dynamic_new(const char *target, const char *file, int line, const char *func)
{
    dynamic_site *entry = (dynamic_site *)malloc(sizeof *entry);
    pylog_internal_site fresh = PYLOG_INTERNAL_SITE_INIT;
    int failed = 0;

    if (entry == NULL) {
        return NULL;
    }
    entry->site = fresh;
    entry->target = dynamic_copy(target, &failed);
    entry->file = dynamic_copy(file, &failed);
    entry->func = dynamic_copy(func, &failed);
    entry->line = line;
    if (failed) {
        free((char *)entry->target);
        free((char *)entry->file);
        free((char *)entry->func);
        free(entry);
        return NULL;
    }
    return entry;
}

/* Double the table. Caller holds dynamic_lock. 0, or -1 out of memory. */
static int
dynamic_grow(void)
{
    size_t size = dynamic_size == 0 ? 64 : dynamic_size * 2;
    dynamic_site **table = (dynamic_site **)calloc(size, sizeof *table);

    if (table == NULL) {
        return -1;
    }
    for (size_t i = 0; i < dynamic_size; i++) {
        dynamic_site *entry = dynamic_table[i];
        size_t j;
        if (entry == NULL) {
            continue;
        }
        j = dynamic_hash(entry->target, entry->file, entry->line,
                         entry->func);
        for (j &= size - 1; table[j] != NULL; j = (j + 1) & (size - 1)) {
        }
        table[j] = entry;
    }
    free(dynamic_table);
    dynamic_table = table;
    dynamic_size = size;
    return 0;
}

dynamic_site *
pylog_internal_dynamic_site(const char *target, const char *file, int line,
                            const char *func)
{
    size_t hash = dynamic_hash(target, file, line, func);
    dynamic_site *found = NULL;
    size_t i;

    /* dynamic_lock: one lookup or insertion; released below. */
    pthread_mutex_lock(&dynamic_lock);
    if (dynamic_count * 2 >= dynamic_size && dynamic_grow() < 0) {
        goto done;
    }
    for (i = hash & (dynamic_size - 1); dynamic_table[i] != NULL;
         i = (i + 1) & (dynamic_size - 1)) {
        if (dynamic_matches(dynamic_table[i], target, file, line, func)) {
            found = dynamic_table[i];
            goto done;
        }
    }
    if (dynamic_count < PYLOG_TUNE_DYNAMIC_SITES_MAX) {
        found = dynamic_new(target, file, line, func);
        if (found != NULL) {
            dynamic_table[i] = found;
            dynamic_count++;
        }
    }

done:
    pthread_mutex_unlock(&dynamic_lock);
    return found;
}

void
pylog_internal_dynamic_site_fork(int phase)
{
    pylog_internal_fork_lock(&dynamic_lock, phase);
}
