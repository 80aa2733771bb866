// macro_hygiene_test.cc: pylog.h compiled as C++11 with -Wpedantic -Werror:
// every macro (rate-limited ones too) in unbraced if/else, inside a lambda
// and a template, next to awkward local names. macro_test.cc runs it.
#define PYLOG_TARGET "hygiene::cpp"
#include "pylog/pylog.h"

#include <string>

namespace INFO {}  // a namespace named like a level
using namespace std;

int hygiene_cpp_log_all(bool go);

template <typename T>
static void LogFromTemplate(T value) {
    PYLOG_ERROR("template %d", static_cast<int>(value));
    PYLOG_CRITICAL_EVERY_N(2, "template every_n %d", static_cast<int>(value));
}

int hygiene_cpp_log_all(bool go) {
    const int level = PYLOG_LEVEL_ERROR;
    int site = 1, fmt = 2, pylog = 3, WARN = 4;
    string text = "cpp";
    int statements = 0;

    if (go)
        PYLOG_TRACE("cpp trace");
    else
        PYLOG_TRACE("never %d", site);
    if (go)
        PYLOG_DEBUG("cpp debug");
    else
        PYLOG_DEBUG("never");
    if (go)
        PYLOG_INFO("cpp info %d", pylog);
    else
        PYLOG_INFO("never");
    if (go)
        PYLOG_WARN("cpp warn %d", WARN);
    if (go)
        PYLOG_WARNING("cpp warning %d", fmt);
    if (go)
        PYLOG_ERROR("%s error", text.c_str());
    if (go)
        PYLOG_CRITICAL("cpp critical");
    if (go)
        PYLOG_LOG(level, "cpp log");
    if (go)
        PYLOG_LOG_TARGET("hygiene::cpp::other", level, "cpp target");
    if (go)
        PYLOG_INFO_EVERY_N(fmt, "cpp every_n %d", site);
    else
        PYLOG_DEBUG_FIRST_N(1, "never");
    if (go)
        PYLOG_WARN_EVERY_N_SEC(0.5, "cpp every_n_sec");
    if (go)
        PYLOG_LOG_EVERY_POW_2(level, "cpp log every_pow_2");
    auto lambda = [] { PYLOG_ERROR("lambda"); };
    // A captured variable as the parameter: still no guard (nm shows none).
    auto rated = [&] { PYLOG_ERROR_FIRST_N(site, "lambda first_n %d", site); };
    if (go) {
        lambda();
        rated();
        LogFromTemplate(7.5);
    }
    if (PYLOG_ENABLED(PYLOG_LEVEL_ERROR))
        statements++;
    return statements;
}
