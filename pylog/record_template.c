/*
 * record_template.c: per-site record templates. LogRecord.__init__
 * recomputes on every call what never changes for a site (path splitting,
 * ...); a site's template holds those attributes once per generation, in
 * __init__'s order, and a record's __dict__ starts as a copy of it
 * (record_direct.c); the makeRecord path reads its name, pathname and
 * funcName from it (record.c).
 *
 * A slot (site.h) borrows its template from the list while the list holds
 * the templates of the slot's generation. The list only ever moves on to
 * the current generation, and is only ever replaced whole, so a slot's
 * template is alive exactly while the list's generation is the slot's.
 * Whoever builds a record holds its own reference to the template for the
 * call (pylog_internal_direct_template_hold), so a new generation started
 * meanwhile (by another thread, or by Python code the call runs) never
 * frees or replaces a template in use.
 *
 * Globals, all guarded by the GIL, set by open and dropped by close:
 *   record_template_list        list owning every template of
 *                               record_template_generation; slots borrow
 *                               them.
 *   record_template_origins     dict owning the templates of
 *                               PYLOG_LOG_AT calls of that generation, by
 *                               (slot, file, line, func): one slot, many
 *                               origins.
 *   record_template_generation  the generation of the list's templates; 0
 *                               when closed.
 * No locks.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "internal/compat.h"
#include "internal/record_keys.h"
#include "internal/generation.h"
#include "internal/record_template.h"
#include "internal/slot.h"

#include <string.h>

#define KEY(ID) PYLOG_INTERNAL_DIRECT_KEY(ID)

/* The record attributes: K_NAME up to K_TASKNAME (3.12+ only). */
#define RECORD_TEMPLATE_FIRST K_NAME
#define RECORD_TEMPLATE_LAST K_TASKNAME

static PyObject *record_template_list;
static PyObject *record_template_origins;
static uint64_t record_template_generation;

int
pylog_internal_direct_templates_open(void)
{
    pylog_internal_direct_templates_close();
    record_template_list = PyList_New(0);
    record_template_origins = PyDict_New();
    if (record_template_list == NULL || record_template_origins == NULL) {
        pylog_internal_direct_templates_close();
        return -1;
    }
    return 0;
}

void
pylog_internal_direct_templates_close(void)
{
    /* generation 0 is never current: no slot's template is valid */
    record_template_generation = 0;
    pylog_internal_compat_drop(&record_template_list);
    pylog_internal_compat_drop(&record_template_origins);
}

/* The template's values for `call` in __init__'s order (None: per call).
 * GIL: held. A new dict, or NULL with an exception set. */
static PyObject *
record_template_new(const site_call *call, PyObject *logger)
{
    PyObject *values[RECORD_TEMPLATE_LAST + 1] = {NULL};
    PyObject *template_ = NULL, *path = NULL, *split = NULL, *os;
    /* taskName from 3.12 (delete the test when 3.11 is unsupported) */
    int last = pylog_internal_compat_running(0x030C0000) ? K_TASKNAME
                                                         : K_PROCESS;

    values[K_NAME] = PyObject_GetAttr(logger, KEY(NAME));
    values[K_ARGS] = PyTuple_New(0);
    values[K_PATHNAME] = PyUnicode_DecodeFSDefault(call->file);
    values[K_LINENO] = PyLong_FromLong(call->line);
    values[K_FUNCNAME] =
        call->func != NULL
            ? PyUnicode_DecodeUTF8(call->func, (Py_ssize_t)strlen(call->func),
                                   "replace")
            : (Py_INCREF(Py_None), Py_None);
    os = pylog_internal_direct_global(KEY(OS)); /* borrowed */
    if (values[K_NAME] == NULL || values[K_ARGS] == NULL ||
        values[K_PATHNAME] == NULL || values[K_LINENO] == NULL ||
        values[K_FUNCNAME] == NULL || os == NULL) {
        goto done;
    }
    /* filename and module exactly as __init__ derives them */
    path = PyObject_GetAttr(os, KEY(PATH));
    if (path == NULL) {
        goto done;
    }
    values[K_FILENAME] = PyObject_CallMethodObjArgs(path, KEY(BASENAME),
                                                    values[K_PATHNAME], NULL);
    if (values[K_FILENAME] == NULL) {
        goto done;
    }
    split = PyObject_CallMethodObjArgs(path, KEY(SPLITEXT),
                                       values[K_FILENAME], NULL);
    if (split == NULL) {
        goto done;
    }
    values[K_MODULE] = PySequence_GetItem(split, 0);
    if (values[K_MODULE] == NULL) {
        goto done;
    }
    template_ = PyDict_New();
    if (template_ == NULL) {
        goto done;
    }
    for (int i = RECORD_TEMPLATE_FIRST; i <= last; i++) {
        if (PyDict_SetItem(template_, pylog_internal_direct_keys[i],
                           values[i] != NULL ? values[i] : Py_None) < 0) {
            Py_CLEAR(template_);
            break;
        }
    }

done:
    for (int i = RECORD_TEMPLATE_FIRST; i <= RECORD_TEMPLATE_LAST; i++) {
        Py_XDECREF(values[i]);
    }
    Py_XDECREF(split);
    Py_XDECREF(path);
    return template_;
}

PyObject *
pylog_internal_direct_template_hold(const site_call *call, PyObject *logger,
                                    uint64_t generation)
{
    pylog_internal_site *site = call->site;
    PyObject *template_, *list, *origins, *origin = NULL;
    PyObject *old_list = NULL, *old_origins = NULL;

    if (record_template_list == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "pylog: not installed");
        return NULL;
    }
    /* The slot's template is alive while the list holds its generation's
       templates (GIL: only GIL holders write or read the slot's two
       fields and the list). */
    if (call->origin_given) {
        /* PYLOG_LOG_AT: one slot, many origins; templates by origin */
        origin = Py_BuildValue("(nnin)", (Py_ssize_t)(uintptr_t)site,
                               (Py_ssize_t)(uintptr_t)call->file, call->line,
                               (Py_ssize_t)(uintptr_t)call->func);
        if (origin == NULL) {
            return NULL;
        }
        template_ = record_template_generation == generation
                        ? PyDict_GetItemWithError(record_template_origins,
                                                  origin)
                        : NULL;
        if (template_ != NULL || PyErr_Occurred()) {
            Py_XINCREF(template_);
            Py_DECREF(origin);
            return template_;
        }
    }
    else if (site->record_template != NULL &&
             site->template_generation == generation &&
             record_template_generation == generation) {
        Py_INCREF(site->record_template);
        return site->record_template;
    }
    template_ = record_template_new(call, logger);
    /* Making it ran Python code (os.path), and so may the caller have
       since it read `generation` (getLogger, getEffectiveLevel): another
       thread, or that code, may have closed pylog or started a newer
       generation. Kept only for the generation current now: a template
       for an older one is the caller's alone and goes with its record; it
       never replaces the newer templates that slots borrow. */
    if (template_ == NULL || record_template_list == NULL ||
        generation != pylog_internal_generation_current()) {
        Py_XDECREF(origin);
        if (template_ != NULL && record_template_list == NULL) {
            Py_CLEAR(template_);
            PyErr_SetString(PyExc_RuntimeError, "pylog: closed");
        }
        return template_;
    }
    if (record_template_generation != generation) {
        /* the first template of this generation: the older ones go, once
           this one is stored (dropping them may run Python code, which
           then finds the new list) */
        list = PyList_New(0);
        origins = PyDict_New();
        if (list == NULL || origins == NULL) {
            Py_XDECREF(list);
            Py_XDECREF(origins);
            Py_XDECREF(origin);
            Py_DECREF(template_);
            return NULL;
        }
        old_list = record_template_list;
        old_origins = record_template_origins;
        record_template_list = list;
        record_template_origins = origins;
        record_template_generation = generation;
    }
    if (origin != NULL) {
        if (PyDict_SetItem(record_template_origins, origin, template_) < 0) {
            Py_CLEAR(template_);
        }
    }
    else if (PyList_Append(record_template_list, template_) < 0) {
        Py_CLEAR(template_);
    }
    else {
        site->record_template = template_; /* borrowed from the list */
        site->template_generation = generation;
    }
    Py_XDECREF(origin);
    Py_XDECREF(old_list);
    Py_XDECREF(old_origins);
    return template_;
}

void
pylog_internal_direct_site_fields(PyObject *template_, PyObject **name,
                                  PyObject **pathname, PyObject **func)
{
    /* borrowed; the template always holds all three */
    *name = PyDict_GetItem(template_, KEY(NAME));
    *pathname = PyDict_GetItem(template_, KEY(PATHNAME));
    *func = PyDict_GetItem(template_, KEY(FUNCNAME));
}

#undef RECORD_TEMPLATE_LAST
#undef RECORD_TEMPLATE_FIRST
#undef KEY
