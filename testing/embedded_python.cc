// embedded_python.cc: the interpreter environment, the PylogTest fixture and
// main() for every GoogleTest binary of pylog.
#include "testing/embedded_python.h"

#include "pylog/internal/lifecycle.h"

namespace pylog_testing {
namespace {

PyObject *MainDict() {
    return PyModule_GetDict(PyImport_AddModule("__main__"));  // borrowed
}

// Fails the current test with the pending exception's text.
void FailWithException(const std::string &what) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject *text = value != nullptr ? PyObject_Str(value) : nullptr;
    const char *utf8 = text != nullptr ? PyUnicode_AsUTF8(text) : "?";
    ADD_FAILURE() << what << " raised: " << (utf8 != nullptr ? utf8 : "?");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    PyErr_Clear();
}

PyObject *Eval(const std::string &expr) {
    PyObject *result =
        PyRun_String(expr.c_str(), Py_eval_input, MainDict(), MainDict());
    if (result == nullptr) {
        FailWithException(expr);
    }
    return result;
}

class PythonEnvironment : public ::testing::Environment {
  public:
    void SetUp() override {
        Py_InitializeEx(0);
        ASSERT_TRUE(Py_IsInitialized());
    }
    void TearDown() override {
        pylog_internal_uninstall();
        EXPECT_EQ(Py_FinalizeEx(), 0) << "Py_FinalizeEx failed";
    }
};

const char kFreshLogging[] = R"(
import logging, sys, threading
class _Capture(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self, 0)
        self.records = []
    def emit(self, record):
        self.records.append(record)
logging.disable(logging.NOTSET)
logging.setLoggerClass(logging.Logger)
logging.setLogRecordFactory(logging.LogRecord)
for _name, _logger in list(logging.root.manager.loggerDict.items()):
    if isinstance(_logger, logging.Logger):
        _logger.setLevel(logging.NOTSET)
        _logger.disabled = False
        _logger.propagate = True
        for _h in list(_logger.handlers):
            _logger.removeHandler(_h)
for _h in list(logging.root.handlers):
    logging.root.removeHandler(_h)
logging.root.setLevel(logging.WARNING)
capture = _Capture()
logging.root.addHandler(capture)
unraisable = []
sys.unraisablehook = unraisable.append
)";

}  // namespace

void Py(const std::string &code) {
    PyObject *result =
        PyRun_String(code.c_str(), Py_file_input, MainDict(), MainDict());
    if (result == nullptr) {
        FailWithException(code);
        return;
    }
    Py_DECREF(result);
}

void DefineInMain(PyMethodDef *def) {
    PyObject *function = PyCFunction_New(def, nullptr);
    if (function == nullptr ||
        PyDict_SetItemString(MainDict(), def->ml_name, function) < 0) {
        Py_XDECREF(function);
        FailWithException(std::string("defining ") + def->ml_name);
        return;
    }
    Py_DECREF(function);
}

std::string Str(const std::string &expr) {
    PyObject *value = Eval(expr);
    if (value == nullptr) {
        return "<error>";
    }
    PyObject *text = PyObject_Str(value);
    Py_DECREF(value);
    if (text == nullptr) {
        FailWithException("str(" + expr + ")");
        return "<error>";
    }
    Py_ssize_t size = 0;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    std::string out = utf8 != nullptr ? std::string(utf8, size) : "<error>";
    Py_DECREF(text);
    return out;
}

long Long(const std::string &expr) {
    PyObject *value = Eval(expr);
    if (value == nullptr) {
        return -1;
    }
    long out = PyLong_AsLong(value);
    Py_DECREF(value);
    if (out == -1 && PyErr_Occurred()) {
        FailWithException("int(" + expr + ")");
    }
    return out;
}

int FlushWithoutGil() {
    GilReleased released;
    return pylog_flush();
}

void PylogTest::SetUp() {
    ASSERT_TRUE(PyGILState_Check());
    pylog_internal_uninstall();
    Py(kFreshLogging);
}

void PylogTest::TearDown() {
    EXPECT_FALSE(PyErr_Occurred()) << "a test left an exception pending";
    PyErr_Clear();
    pylog_internal_uninstall();
}

void PylogTest::Install(const pylog_config &config) {
    ASSERT_EQ(pylog_install(&config), 0);
    ASSERT_FALSE(PyErr_Occurred());
}

void PylogTest::InstallDefaults(int filter) {
    pylog_config config;
    pylog_config_init(&config);
    config.filter = filter;
    Install(config);
}

std::string PylogTest::Attr(int i, const std::string &attr) {
    return Str("capture.records[" + std::to_string(i) + "]." + attr);
}

}  // namespace pylog_testing

int main(int argc, char **argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(
        new pylog_testing::PythonEnvironment);
    return RUN_ALL_TESTS();
}
