// embedded_python.h: the CPython fixture shared by pylog's GoogleTest tests.
//
// One interpreter per test binary, started by PythonEnvironment before the
// first test and finalized after the last (its return code is checked). The
// main thread holds the GIL while tests run; a test that needs a thread
// without the GIL releases it with GilReleased.
//
// PylogTest gives every test a clean slate: pylog uninstalled, Python's
// logging back to its defaults with one capturing handler on the root logger
// (`capture.records` in __main__), and sys.unraisablehook replaced by one
// that appends to `unraisable` in __main__.
#ifndef PYLOG_TESTING_EMBEDDED_PYTHON_H_
#define PYLOG_TESTING_EMBEDDED_PYTHON_H_

#include "pylog/pylog.h"

#include <string>

#include <gtest/gtest.h>

namespace pylog_testing {

// Runs Python statements in __main__; fails the test if they raise.
void Py(const std::string &code);

// Evaluates a Python expression in __main__: its str(), or its int value.
// A raising expression fails the test and yields "<error>" / -1.
std::string Str(const std::string &expr);
long Long(const std::string &expr);

// Makes the C function `def` a global of __main__ (`def` must outlive the
// interpreter); fails the test if that raises.
void DefineInMain(PyMethodDef *def);

// Releases the GIL for its lifetime (main thread only).
class GilReleased {
  public:
    GilReleased() : state_(PyEval_SaveThread()) {}
    ~GilReleased() { PyEval_RestoreThread(state_); }
    GilReleased(const GilReleased &) = delete;
    GilReleased &operator=(const GilReleased &) = delete;

  private:
    PyThreadState *state_;
};

// pylog_flush() with the GIL released (main thread only): it returns once
// every record queued before it is delivered, also when another thread is
// delivering the queue at that moment (a flush holding the GIL would leave
// those records to that thread).
int FlushWithoutGil();

class PylogTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // pylog_install(config), asserting success.
    void Install(const pylog_config &config);
    // pylog_install() with pylog_config_init()'s defaults and `filter`.
    void InstallDefaults(int filter = PYLOG_LEVEL_DEBUG);

    // Captured records, and str() of an attribute of record `i`.
    long Count() { return Long("len(capture.records)"); }
    std::string Attr(int i, const std::string &attr);
    // Unraisable reports since SetUp.
    long Unraisable() { return Long("len(unraisable)"); }
};

}  // namespace pylog_testing

#endif  // PYLOG_TESTING_EMBEDDED_PYTHON_H_
