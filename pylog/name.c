/*
 * name.c: target and logger names: the default target (the stem of the
 * source file's name), `::` -> `.`, the configured prefix. Pure functions.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/name.h"

#include <stdlib.h>
#include <string.h>

/* Copy `length` bytes of `source` to `out` with every "::" made "."; returns
 * the number of bytes written (never more than `length`). */
static size_t
name_copy_dotted(char *out, const char *source, size_t length)
{
    size_t written = 0;

    for (size_t i = 0; i < length; i++) {
        if (source[i] == ':' && i + 1 < length && source[i + 1] == ':') {
            out[written++] = '.';
            i++;
        }
        else {
            out[written++] = source[i];
        }
    }
    return written;
}

/* A new heap string: `prefix` then the dotted `base_length` bytes at
 * `base`. */
static char *
name_join(const char *prefix, const char *base, size_t base_length)
{
    size_t prefix_length = prefix != NULL ? strlen(prefix) : 0;
    char *name = (char *)malloc(prefix_length + base_length + 1);
    size_t written;

    if (name == NULL) {
        return NULL;
    }
    if (prefix_length > 0) {
        memcpy(name, prefix, prefix_length);
    }
    written = name_copy_dotted(name + prefix_length, base, base_length);
    name[prefix_length + written] = '\0';
    return name;
}

char *
pylog_internal_name_dotted_n(const char *target, size_t length)
{
    return name_join(NULL, target, length);
}

char *
pylog_internal_name_build(const char *prefix, const char *target,
                          const char *default_target, const char *file)
{
    const char *base = target != NULL ? target : default_target;
    size_t base_length;

    if (base != NULL) {
        base_length = strlen(base);
    }
    else {
        /* The stem of the file's base name: "src/io_util.c" -> "io_util". */
        const char *slash = strrchr(file, '/');
        const char *dot;

        base = slash != NULL ? slash + 1 : file;
        dot = strrchr(base, '.');
        base_length = dot != NULL ? (size_t)(dot - base) : strlen(base);
    }
    return name_join(prefix, base, base_length);
}
