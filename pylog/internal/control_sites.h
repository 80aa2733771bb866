/*
 * internal/control_sites.h: methods of module.pylog (control_sites.c), named in control.c's
 * method table.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CONTROL_SITES_H_
#define PYLOG_INTERNAL_CONTROL_SITES_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* module.pylog.sites(): a list of dicts, one per site (see control.c's
 * method table for the keys). GIL: held. */
PYLOG_API PyObject *pylog_internal_control_sites(PyObject *self,
                                                 PyObject *unused);

/* module.pylog.control(query): the number of sites the queries matched;
 * ValueError naming the position of a bad query (nothing changes then),
 * RuntimeError when pylog is not installed. GIL: held. */
PYLOG_API PyObject *pylog_internal_control_query(PyObject *self,
                                                 PyObject *value);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CONTROL_SITES_H_ */
