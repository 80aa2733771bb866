/*
 * internal/capture_spec.h: one printf conversion specification, parsed
 * (capture_spec.c), for deferred formatting (capture.c): its parts as
 * glibc reads them, the kind of value it takes, and its parts spelled back
 * as a conversion for snprintf. Needs no Python and no other pylog header.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CAPTURE_SPEC_H_
#define PYLOG_INTERNAL_CAPTURE_SPEC_H_

#ifndef PYLOG_API
/* pylog.h defines the same: every pylog symbol is private to the extension
 * module that links it. Repeated here so this header stands alone. */
#define PYLOG_API __attribute__((visibility("hidden")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Width and precision when absent, and when given by `*`. */
enum { CAPTURE_ABSENT = -1, CAPTURE_STAR = -2 };

/* What va_arg reads for one argument: SSIZE is the signed size_t (%zd),
 * UPTRDIFF the unsigned ptrdiff_t (%tu). */
enum {
    CAPTURE_INT, CAPTURE_UINT, CAPTURE_LONG, CAPTURE_ULONG, CAPTURE_LLONG,
    CAPTURE_ULLONG, CAPTURE_INTMAX, CAPTURE_UINTMAX, CAPTURE_SSIZE,
    CAPTURE_SIZE, CAPTURE_PTRDIFF, CAPTURE_UPTRDIFF, CAPTURE_DOUBLE,
    CAPTURE_LDOUBLE, CAPTURE_POINTER,
    CAPTURE_STRING,      /* precision absent or a number */
    CAPTURE_STRING_STAR, /* precision from the `*` argument just before */
    CAPTURE_NOTHING      /* %% and %m take no argument */
};

/* Length modifiers: none, hh h l ll (and q) j z t L. */
enum {
    CAPTURE_LENGTH_NONE, CAPTURE_LENGTH_HH, CAPTURE_LENGTH_H,
    CAPTURE_LENGTH_L, CAPTURE_LENGTH_LL, CAPTURE_LENGTH_J, CAPTURE_LENGTH_Z,
    CAPTURE_LENGTH_T, CAPTURE_LENGTH_BIG_L
};

/* One conversion, as parsed. */
typedef struct pylog_internal_capture_spec {
    const char *end; /* just past the conversion character */
    unsigned flags;  /* bit i: the i-th of - + space # 0 */
    int width;       /* a number, CAPTURE_ABSENT or CAPTURE_STAR */
    int precision;   /* likewise */
    int length;      /* CAPTURE_LENGTH_* */
    char conversion;
} pylog_internal_capture_spec;

/* Parses the conversion whose `%` is at p[-1] into *spec; -1 when it is
 * not deferred (see internal/capture.h), 0 otherwise. Only the grammar
 * flags* width? (. precision?)? length? conversion is accepted, where glibc
 * reads each part as this does; `%%` is conversion '%' with nothing else. */
PYLOG_API int
pylog_internal_capture_spec_parse(const char *p,
                                  pylog_internal_capture_spec *spec);

/* What the conversion's value is read as (CAPTURE_*), or -1 when the
 * conversion, or its length modifier with it, is not deferred. */
PYLOG_API int
pylog_internal_capture_spec_kind(const pylog_internal_capture_spec *spec);

/* The conversion respelled into text[32] ('%', each flag once, the width,
 * the precision, the length modifier, the conversion, NUL). */
PYLOG_API void
pylog_internal_capture_spec_respell(const pylog_internal_capture_spec *spec,
                                    char *text);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CAPTURE_SPEC_H_ */
