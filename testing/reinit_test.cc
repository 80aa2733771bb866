// reinit_test.cc: an embedding program that finalizes its interpreter and
// starts a new one, with C threads logging throughout. No shared fixture:
// this test owns the interpreter's whole life.
#define PYLOG_TARGET "reinit"
#include "pylog/pylog.h"

#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace {

// Runs `code` in __main__ of the current interpreter; true if it did not
// raise.
bool Run(const std::string &code) {
    return PyRun_SimpleString(code.c_str()) == 0;
}

long MainLong(const char *name) {
    PyObject *value = PyObject_GetAttrString(PyImport_AddModule("__main__"),
                                             name);
    long result = value != nullptr ? PyLong_AsLong(value) : -1;
    Py_XDECREF(value);
    return result;
}

// One interpreter's life: install, capture, log from this thread and from
// a C thread, then Py_FinalizeEx while another C thread keeps logging.
void OneLife(int round, std::atomic<bool> &stop_spinner) {
    Py_Initialize();
    ASSERT_EQ(pylog_try_init(), 0) << "round " << round;
    ASSERT_TRUE(Run("import logging\n"
                    "records = []\n"
                    "class Keep(logging.Handler):\n"
                    "    def emit(self, record):\n"
                    "        records.append(record.getMessage())\n"
                    "logging.root.addHandler(Keep())\n"
                    "logging.root.setLevel(logging.DEBUG)"));
    PYLOG_INFO("round %d from the main thread", round);
    PyThreadState *state = PyEval_SaveThread();
    std::thread([round] { PYLOG_INFO("round %d from a C thread", round); })
        .join();
    int flushed = pylog_flush();  // without the GIL: waits for delivery
    PyEval_RestoreThread(state);
    ASSERT_EQ(flushed, 0);
    ASSERT_TRUE(Run("count = len(records)"));
    EXPECT_EQ(MainLong("count"), 2) << "round " << round;
    // A C thread logging right through finalization and after it.
    std::thread spinner([&stop_spinner] {
        while (!stop_spinner) {
            PYLOG_WARN("spinning");
        }
    });
    EXPECT_EQ(Py_FinalizeEx(), 0);
    PYLOG_ERROR("after Py_FinalizeEx: a no-op");
    EXPECT_EQ(pylog_flush(), PYLOG_ERR_NOT_INSTALLED);
    stop_spinner = true;
    spinner.join();
    stop_spinner = false;
}

TEST(ReinitTest, FinalizeAndInitializeAgainLogsInEachLife) {
    std::atomic<bool> stop_spinner(false);
    PYLOG_ERROR("before Py_Initialize: a no-op");
    for (int round = 0; round < 3; round++) {
        OneLife(round, stop_spinner);
        if (HasFatalFailure()) {
            return;
        }
    }
}

}  // namespace
