/*
 * internal/control_site_table.h: methods of module.pylog (control_site_table.c), named in control.c's
 * method table.
 * IWYU pragma: private
 */
#ifndef PYLOG_INTERNAL_CONTROL_SITE_TABLE_H_
#define PYLOG_INTERNAL_CONTROL_SITE_TABLE_H_

#include "../pylog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* module.pylog.site_table(): the sites as aligned text. GIL: held. */
PYLOG_API PyObject *pylog_internal_control_site_table(PyObject *self,
                                                      PyObject *unused);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PYLOG_INTERNAL_CONTROL_SITE_TABLE_H_ */
