/*
 * internal/record_template.h: per-site record templates (record_template.c).
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_RECORD_TEMPLATE_H_
#define PYLOG_INTERNAL_RECORD_TEMPLATE_H_

#include "slot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At install: an empty template list. GIL: held. 0, or -1 with an
 * exception set (and nothing kept). */
PYLOG_API int pylog_internal_direct_templates_open(void);

/* At uninstall: drop every template. GIL: held. */
PYLOG_API void pylog_internal_direct_templates_close(void);

/* The site's template for `generation` (the one the caller read, and
 * resolved `logger` in): a dict with the record attributes that depend
 * only on the site and its logger (name, pathname, filename, module,
 * lineno, funcName, ...), in LogRecord.__init__'s order, with None where a
 * call fills in its own value. Made once per site and generation while
 * that generation is current (a caller of an older one gets one made for
 * it alone). A new reference: the caller's for the whole call, whatever
 * generation starts meanwhile. Never mutated: read it, copy it. GIL: held.
 * NULL with an exception set on failure. */
PYLOG_API PyObject *pylog_internal_direct_template_hold(const site_call *call,
                                                        PyObject *logger,
                                                        uint64_t generation);

/* The template's `name`, `pathname` and `funcName`: borrowed from it.
 * GIL: held. */
PYLOG_API void pylog_internal_direct_site_fields(PyObject *template_,
                                                 PyObject **name,
                                                 PyObject **pathname,
                                                 PyObject **func);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_RECORD_TEMPLATE_H_ */
