/*
 * record_pristine.c: whether a logger's or a handler's machinery, and the
 * record factory, are still Python's own, so that pylog may make the
 * record (record_direct.c) and handle it (direct_handle.c) without running
 * their Python code. Checked on every record: an application may patch a
 * class, set a logger class or a record factory, or shadow a method on one
 * instance at any time.
 *
 * The methods' originals are kept at install. The last type found to have
 * each set is remembered with its version tag, which CPython changes
 * whenever the type or a base is modified, so the common case costs no
 * lookup (compat: abi3 builds cannot see the tag, and look up every time).
 *
 * Globals, all guarded by the GIL, set by open and dropped by close:
 *   record_pristine_logger, _handler, _record  the method sets (below): the
 *                        originals (owned) and the last type that had them
 *                        (compared only, never dereferenced).
 * No locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_keys.h"
#include "internal/record_pristine.h"

/* Methods whose originals, kept at install, make an object behave as
 * Python's own: `owners[i]` (a class in `logging`) defines `keys[i]`. */
#define RECORD_PRISTINE_MAX_METHODS 4
typedef struct record_pristine_methods {
    int n;
    const char *owners[RECORD_PRISTINE_MAX_METHODS];
    int keys[RECORD_PRISTINE_MAX_METHODS];
    PyObject *originals[RECORD_PRISTINE_MAX_METHODS]; /* owned */
    PyTypeObject *known_type; /* compared only, never used */
    unsigned int known_tag;
    int known_mask; /* of known_type */
} record_pristine_methods;

static record_pristine_methods record_pristine_logger = {
    4,
    {"Logger", "Logger", "Logger", "Filterer"},
    {K_MAKE_RECORD, K_HANDLE, K_CALL_HANDLERS, K_FILTER},
    {NULL},
    NULL,
    0,
    0};
static record_pristine_methods record_pristine_handler = {
    4,
    {"Handler", "Filterer", "Handler", "Handler"},
    {K_HANDLE, K_FILTER, K_ACQUIRE, K_RELEASE},
    {NULL},
    NULL,
    0,
    0};
static record_pristine_methods record_pristine_record = {
    1, {"LogRecord"}, {K_INIT}, {NULL}, NULL, 0, 0};
static record_pristine_methods *const record_pristine_sets[] = {
    &record_pristine_logger, &record_pristine_handler,
    &record_pristine_record};
#define RECORD_PRISTINE_N_SETS 3

/* The bits of record_pristine_logger. */
#define RECORD_PRISTINE_OWN_MAKE_RECORD 1
#define RECORD_PRISTINE_OWN_HANDLING (2 | 4 | 8) /* handle, callHandlers,
                                                    filter */

int
pylog_internal_direct_pristine_open(PyObject *logging)
{
    PyObject *owner;

    pylog_internal_direct_pristine_close();
    for (int set = 0; set < RECORD_PRISTINE_N_SETS; set++) {
        record_pristine_methods *methods = record_pristine_sets[set];
        for (int i = 0; i < methods->n; i++) {
            owner = PyObject_GetAttrString(logging, methods->owners[i]);
            if (owner == NULL) {
                goto error;
            }
            methods->originals[i] = PyObject_GetAttr(
                owner, pylog_internal_direct_keys[methods->keys[i]]);
            Py_DECREF(owner);
            if (methods->originals[i] == NULL) {
                goto error;
            }
        }
    }
    return 0;

error:
    pylog_internal_direct_pristine_close();
    return -1;
}

void
pylog_internal_direct_pristine_close(void)
{
    for (int set = 0; set < RECORD_PRISTINE_N_SETS; set++) {
        record_pristine_methods *methods = record_pristine_sets[set];
        for (int i = 0; i < methods->n; i++) {
            pylog_internal_compat_drop(&methods->originals[i]);
        }
        methods->known_type = NULL;
    }
}

/* Which of `methods`' originals `type` has: bit i for methods->keys[i],
 * or -1 with an exception set. */
static int
record_pristine_type_mask(record_pristine_methods *methods,
                          PyTypeObject *type)
{
    unsigned int tag = pylog_internal_compat_type_version(type);
    PyObject *attribute;
    int mask = 0;

    if (tag != 0 && type == methods->known_type && tag == methods->known_tag) {
        return methods->known_mask;
    }
    for (int i = 0; i < methods->n; i++) {
        attribute = PyObject_GetAttr(
            (PyObject *)type, pylog_internal_direct_keys[methods->keys[i]]);
        if (attribute == NULL) {
            return -1;
        }
        mask |= (attribute == methods->originals[i]) << i;
        Py_DECREF(attribute);
    }
    /* the tag is read after the lookups, which give the type one if it
       had none */
    methods->known_type = type;
    methods->known_tag = pylog_internal_compat_type_version(type);
    methods->known_mask = mask;
    return mask;
}

/* Which of `methods`' originals `obj` has: its type's (as above) that its
 * instance dict does not shadow. A mask, or -1 with an exception set. */
static int
record_pristine_object_mask(record_pristine_methods *methods, PyObject *obj)
{
    PyObject *dict;
    int mask = record_pristine_type_mask(methods, Py_TYPE(obj));

    if (mask <= 0) {
        return mask;
    }
    dict = pylog_internal_compat_instance_dict(obj);
    if (dict == NULL) {
        return PyErr_Occurred() ? -1 : mask; /* no dict: nothing shadows */
    }
    for (int i = 0; PyDict_Check(dict) && i < methods->n; i++) {
        if (PyDict_GetItemWithError(
                dict, pylog_internal_direct_keys[methods->keys[i]]) != NULL) {
            mask &= ~(1 << i);
        }
    }
    Py_DECREF(dict);
    return PyErr_Occurred() ? -1 : mask;
}

int
pylog_internal_direct_applies(PyObject *logger)
{
    PyObject *factory = pylog_internal_direct_global(
        PYLOG_INTERNAL_DIRECT_KEY(FACTORY)); /* borrowed */
    PyObject *record_type = pylog_internal_direct_record_type;
    int mask, flags = 0, record;

    if (factory == NULL) {
        return -1;
    }
    mask = record_pristine_object_mask(&record_pristine_logger, logger);
    if (mask < 0) {
        return -1;
    }
    if ((mask & RECORD_PRISTINE_OWN_HANDLING) ==
        RECORD_PRISTINE_OWN_HANDLING) {
        flags |= PYLOG_INTERNAL_DIRECT_HANDLE;
    }
    if ((mask & RECORD_PRISTINE_OWN_MAKE_RECORD) == 0) {
        return flags;
    }
    record = factory == record_type
                 ? record_pristine_type_mask(&record_pristine_record,
                                             (PyTypeObject *)record_type)
                 : 0;
    if (record < 0) {
        return -1;
    }
    return flags | (record == 1 ? PYLOG_INTERNAL_DIRECT_RECORD
                                : PYLOG_INTERNAL_DIRECT_FACTORY);
}

int
pylog_internal_direct_handler_applies(PyObject *handler)
{
    int mask = record_pristine_object_mask(&record_pristine_handler, handler);

    return mask < 0 ? -1 : mask == (1 << record_pristine_handler.n) - 1;
}

#undef RECORD_PRISTINE_OWN_HANDLING
#undef RECORD_PRISTINE_OWN_MAKE_RECORD
#undef RECORD_PRISTINE_N_SETS
#undef RECORD_PRISTINE_MAX_METHODS
