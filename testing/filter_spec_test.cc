// filter_spec_test.cc: the filter spec parser, config.filter_spec and the
// environment variable at install, the run-time filter setters, and a
// randomized run of the fuzz body.
#define PYLOG_TARGET "spec"
#include "testing/embedded_python.h"

#include "pylog/internal/config.h"
#include "pylog/internal/filter_spec.h"
#include "testing/filter_spec_fuzz.h"

#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace pylog_testing {
namespace {

// "target=level" per good directive ("*" for the global level), "!reason"
// per bad one.
std::string Parse(const char *spec) {
    spec_cursor cursor;
    spec_directive directive;
    spec_error error;
    std::string out;
    int status;
    pylog_internal_spec_start(&cursor, spec);
    while ((status = pylog_internal_spec_next(&cursor, &directive, &error))) {
        if (!out.empty()) {
            out += " ";
        }
        if (status < 0) {
            out += "!" + std::string(spec + error.offset, error.length);
            continue;
        }
        out += directive.target != nullptr
                   ? std::string(directive.target, directive.target_length)
                   : std::string("*");
        out += "=" + std::to_string(directive.level);
    }
    return out;
}

TEST(SpecParser, GlobalAndTargetDirectives) {
    EXPECT_EQ(Parse("warn,mypkg=debug,mypkg::io=trace"),
              "*=30 mypkg=10 mypkg::io=5");
    EXPECT_EQ(Parse(" INFO , a.b = Warning ,c=off"), "*=20 a.b=30 c=100");
    EXPECT_EQ(Parse("error,x=25,y=0,z=notset"), "*=40 x=25 y=0 z=0");
    EXPECT_EQ(Parse("critical"), "*=50");
}

TEST(SpecParser, EmptyDirectivesAreIgnored) {
    EXPECT_EQ(Parse(""), "");
    EXPECT_EQ(Parse(",, ,"), "");
    EXPECT_EQ(Parse("a=info,,"), "a=20");
}

TEST(SpecParser, BadDirectivesAreReportedAndSkipped) {
    EXPECT_EQ(Parse("loud,a=debug"), "!loud a=10");
    EXPECT_EQ(Parse("=debug,b=101,c=,d=1=2,e=-1,f=10x"),
              "!=debug !b=101 !c= !d=1=2 !e=-1 !f=10x");
}

TEST(SpecParser, ErrorNamesDirectiveAndOffset) {
    spec_cursor cursor;
    spec_directive directive;
    spec_error error;
    pylog_internal_spec_start(&cursor, "info, a=loud");
    ASSERT_EQ(pylog_internal_spec_next(&cursor, &directive, &error), 1);
    ASSERT_EQ(pylog_internal_spec_next(&cursor, &directive, &error), -1);
    EXPECT_EQ(error.index, 1u);
    EXPECT_EQ(error.offset, 6u) << "the blank before the directive is not part of it";
    EXPECT_EQ(error.length, 6u);
    EXPECT_EQ(pylog_internal_spec_next(&cursor, &directive, &error), 0);
}

// The fuzz body on random inputs built from the grammar's own pieces and
// random bytes; the libFuzzer run (tools/fuzz.sh) does millions.
TEST(SpecParser, RandomizedInputsKeepTheInvariants) {
    static const char *const pieces[] = {
        "warn", "TRACE", "off", "=", ",", "::", ".", "a", "xy", " ", "\t",
        "100", "101", "0", "9999999999", "notset", "=,", "==", "é", "\xff"};
    std::mt19937 random(20261125);
    for (int run = 0; run < 100000; run++) {
        std::string input;
        int parts = static_cast<int>(random() % 12);
        for (int p = 0; p < parts; p++) {
            if (random() % 4 == 0) {
                input += static_cast<char>(random() % 256);
            }
            else {
                input += pieces[random() % (sizeof pieces / sizeof *pieces)];
            }
        }
        FuzzFilterSpec(reinterpret_cast<const uint8_t *>(input.data()),
                       input.size());
    }
}

class SpecInstallTest : public PylogTest {
  protected:
    void TearDown() override {
        unsetenv("PYLOG_TEST_FILTER");
        PylogTest::TearDown();
    }
};

TEST_F(SpecInstallTest, FilterSpecAppliesAfterFilterAndRules) {
    static const pylog_target_filter rules[] = {{"a", PYLOG_LEVEL_ERROR}};
    pylog_config config;
    pylog_config_init(&config);
    config.target_filters = rules;
    config.n_target_filters = 1;
    config.filter_spec = "warn,a::b=trace";
    Install(config);
    Py("logging.root.setLevel(1)");
    PYLOG_LOG_TARGET("a::b::c", PYLOG_LEVEL_TRACE, "kept");
    PYLOG_LOG_TARGET("a", PYLOG_LEVEL_WARN, "a is ERROR");
    PYLOG_LOG_TARGET("other", PYLOG_LEVEL_INFO, "global is WARN");
    PYLOG_LOG_TARGET("other", PYLOG_LEVEL_WARN, "kept too");
    EXPECT_EQ(Str("[r.msg for r in capture.records]"), "['kept', 'kept too']");
}

TEST_F(SpecInstallTest, BadFilterSpecFailsInstallNamingTheDirective) {
    pylog_config config;
    pylog_config_init(&config);
    config.filter_spec = "warn, mypkg=loud";
    EXPECT_EQ(pylog_install(&config), -1);
    ASSERT_TRUE(PyErr_ExceptionMatches(PyExc_ValueError));
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject *text = PyObject_Str(value);
    std::string message = PyUnicode_AsUTF8(text);
    Py_DECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    EXPECT_NE(message.find("'mypkg=loud'"), std::string::npos) << message;
    EXPECT_NE(message.find("directive 2"), std::string::npos) << message;
    EXPECT_NE(message.find("offset 6"), std::string::npos) << message;
    EXPECT_EQ(pylog_try_init(), 0) << "nothing was installed";
}

TEST_F(SpecInstallTest, EnvironmentAppliesLastAndSkipsBadDirectives) {
    setenv("PYLOG_TEST_FILTER", "trace,bad=loud,q=off", 1);
    pylog_config config;
    pylog_config_init(&config);
    config.env_var = "PYLOG_TEST_FILTER";
    config.filter_spec = "error";
    Py("import warnings\n"
       "_warnings = warnings.catch_warnings(record=True)\n"
       "_caught = _warnings.__enter__()\n"
       "warnings.simplefilter('always')");
    Install(config);
    Py("_warnings.__exit__(None, None, None)");
    EXPECT_EQ(Long("len(_caught)"), 1);
    EXPECT_EQ(Str("_caught[0].category.__name__"), "RuntimeWarning");
    EXPECT_NE(Str("str(_caught[0].message)").find("'bad=loud'"),
              std::string::npos);
    Py("logging.root.setLevel(1)");
    PYLOG_TRACE("env wins over filter_spec");
    PYLOG_LOG_TARGET("q", PYLOG_LEVEL_CRITICAL, "q is off");
    EXPECT_EQ(Str("[r.msg for r in capture.records]"),
              "['env wins over filter_spec']");
}

TEST_F(SpecInstallTest, WarningsAsErrorsFailTheInstall) {
    setenv("PYLOG_TEST_FILTER", "nonsense", 1);
    pylog_config config;
    pylog_config_init(&config);
    config.env_var = "PYLOG_TEST_FILTER";
    Py("import warnings\n"
       "_warnings = warnings.catch_warnings()\n"
       "_warnings.__enter__()\n"
       "warnings.simplefilter('error')");
    EXPECT_EQ(pylog_install(&config), -1);
    EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_RuntimeWarning));
    PyErr_Clear();
    Py("_warnings.__exit__(None, None, None)");
    EXPECT_EQ(pylog_try_init(), 0) << "nothing was installed";
}

using RuntimeFilterTest = PylogTest;

TEST_F(RuntimeFilterTest, SetFilterAndTargetFilterTakeEffectAtOnce) {
    InstallDefaults();
    Py("logging.root.setLevel(1)");
    auto site = [] { PYLOG_LOG_TARGET("rt::x", PYLOG_LEVEL_INFO, "i"); };
    site();
    ASSERT_EQ(pylog_set_filter(PYLOG_LEVEL_ERROR), 0);
    site();
    ASSERT_EQ(pylog_set_target_filter("rt", PYLOG_LEVEL_INFO), 0);
    site();
    ASSERT_EQ(pylog_set_target_filter("rt.x", PYLOG_LEVEL_CRITICAL), 0);
    site();
    ASSERT_EQ(pylog_set_target_filter("rt::x", PYLOG_LEVEL_NOTSET), 0);
    site();
    EXPECT_EQ(Count(), 3);
}

TEST_F(RuntimeFilterTest, InvalidArgumentsChangeNothing) {
    InstallDefaults();
    Py("logging.root.setLevel(1)");
    EXPECT_EQ(pylog_set_filter(-1), PYLOG_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(pylog_set_filter(PYLOG_LEVEL_OFF + 1),
              PYLOG_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(pylog_set_target_filter(nullptr, PYLOG_LEVEL_INFO),
              PYLOG_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(pylog_set_target_filter("", PYLOG_LEVEL_INFO),
              PYLOG_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(pylog_set_target_filter("x", 1000), PYLOG_ERR_INVALID_ARGUMENT);
    EXPECT_FALSE(PyErr_Occurred());
    PYLOG_DEBUG("still DEBUG");
    EXPECT_EQ(Count(), 1);
}

TEST_F(RuntimeFilterTest, BeforeInstallTheSettersSayNotInstalled) {
    EXPECT_EQ(pylog_set_filter(PYLOG_LEVEL_INFO), PYLOG_ERR_NOT_INSTALLED);
    EXPECT_EQ(pylog_set_target_filter("a", PYLOG_LEVEL_INFO),
              PYLOG_ERR_NOT_INSTALLED);
}

TEST_F(RuntimeFilterTest, SettersWorkFromThreadsWithoutTheGil) {
    InstallDefaults();
    Py("logging.root.setLevel(1)");
    {
        GilReleased released;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; t++) {
            threads.emplace_back([t] {
                for (int i = 0; i < 200; i++) {
                    pylog_set_target_filter(t % 2 ? "a" : "a::b",
                                            i % 2 ? PYLOG_LEVEL_INFO
                                                  : PYLOG_LEVEL_NOTSET);
                    pylog_set_filter(i % 2 ? PYLOG_LEVEL_DEBUG
                                           : PYLOG_LEVEL_INFO);
                    PYLOG_LOG_TARGET("a::b", PYLOG_LEVEL_INFO, "x");
                }
            });
        }
        for (auto &thread : threads) {
            thread.join();
        }
    }
    EXPECT_EQ(Unraisable(), 0);
    ASSERT_EQ(pylog_set_filter(PYLOG_LEVEL_DEBUG), 0);
    ASSERT_EQ(pylog_set_target_filter("a", PYLOG_LEVEL_NOTSET), 0);
    ASSERT_EQ(pylog_set_target_filter("a.b", PYLOG_LEVEL_NOTSET), 0);
    filter_rules now;
    ASSERT_EQ(pylog_internal_config_filters(&now), 0);
    EXPECT_EQ(now.level, PYLOG_LEVEL_DEBUG);
    EXPECT_EQ(now.n_rules, 0u);
    pylog_internal_filter_rules_clear(&now);
}

}  // namespace
}  // namespace pylog_testing
