/*
 * record_keys.c: the names the record files (record_*.c, direct_handle.c)
 * and bridge.c look up, interned once at install, and the two `logging`
 * objects every record file reads: the module's dict, through which
 * logging's globals are read as LogRecord.__init__ reads them, and
 * LogRecord as it was at install.
 *
 * Globals, all guarded by the GIL, set by open and dropped by close:
 *   pylog_internal_direct_keys         the interned names (record_keys.h);
 *                                      owned.
 *   pylog_internal_direct_record_type  logging.LogRecord at install; owned.
 *   record_keys_logging                logging's module dict; owned.
 * No locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_keys.h"

#define RECORD_KEYS_TEXT(ID, TEXT) TEXT,
static const char *const record_keys_text[] = {PYLOG_INTERNAL_DIRECT_NAMES(
    RECORD_KEYS_TEXT)};
#undef RECORD_KEYS_TEXT

PyObject *pylog_internal_direct_keys[DIRECT_N_KEYS];
PyObject *pylog_internal_direct_record_type;
static PyObject *record_keys_logging;

int
pylog_internal_direct_keys_open(PyObject *logging)
{
    pylog_internal_direct_keys_close();
    for (int i = 0; i < DIRECT_N_KEYS; i++) {
        pylog_internal_direct_keys[i] =
            PyUnicode_InternFromString(record_keys_text[i]);
        if (pylog_internal_direct_keys[i] == NULL) {
            goto error;
        }
    }
    record_keys_logging =
        PyObject_GetAttr(logging, PYLOG_INTERNAL_DIRECT_KEY(DICT));
    pylog_internal_direct_record_type =
        PyObject_GetAttrString(logging, "LogRecord");
    if (record_keys_logging == NULL ||
        pylog_internal_direct_record_type == NULL) {
        goto error;
    }
    return 0;

error:
    pylog_internal_direct_keys_close();
    return -1;
}

void
pylog_internal_direct_keys_close(void)
{
    /* Everything goes, so that nothing survives into a later interpreter
       (Py_Finalize, then Py_Initialize). */
    pylog_internal_compat_drop(&pylog_internal_direct_record_type);
    pylog_internal_compat_drop(&record_keys_logging);
    for (int i = 0; i < DIRECT_N_KEYS; i++) {
        pylog_internal_compat_drop(&pylog_internal_direct_keys[i]);
    }
}

PyObject *
pylog_internal_direct_global(PyObject *key)
{
    PyObject *value = PyDict_GetItemWithError(record_keys_logging, key);

    if (value == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_NameError, "pylog: logging.%U is missing", key);
    }
    return value;
}

int
pylog_internal_direct_flag(PyObject *key)
{
    PyObject *value = pylog_internal_direct_global(key);

    return value == NULL ? -1 : PyObject_IsTrue(value);
}
