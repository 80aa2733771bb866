// macro_test.cc: runs the statements of header_c_test.c (C99) and
// macro_hygiene_test.cc (C++11) and checks the records they produce.
#include "testing/embedded_python.h"

extern "C" int header_c_log_all(int go);
int hygiene_cpp_log_all(bool go);

namespace pylog_testing {
namespace {

class MacroTest : public PylogTest {
  protected:
    void SetUp() override {
        PylogTest::SetUp();
        InstallDefaults(PYLOG_LEVEL_TRACE);
        Py("logging.root.setLevel(1)");
    }
};

TEST_F(MacroTest, EveryMacroWorksFromC99) {
    EXPECT_EQ(header_c_log_all(1), 1);
    EXPECT_EQ(Str("[r.msg for r in capture.records]"),
              "['c trace', 'c debug', 'c info 4', 'c warn 2', "
              "'c warning 3', 'c error', 'c critical', 'c log 40', "
              "'c target', 'c every_n 1', 'c every_n_sec', 'c every_pow_2', "
              "'c log first_n 40']");
    EXPECT_EQ(Str("[r.pylog_count for r in capture.records[9:]]"),
              "[1, 1, 1, 1]");
    EXPECT_EQ(Attr(0, "name"), "hygiene.c");
    EXPECT_EQ(Attr(8, "name"), "hygiene.c.other");
    EXPECT_EQ(Attr(0, "funcName"), "header_c_log_all");
}

TEST_F(MacroTest, ElseBranchesBindToTheRightIf) {
    EXPECT_EQ(header_c_log_all(0), 1);
    EXPECT_EQ(Str("[r.msg for r in capture.records]"),
              "['never 1', 'never', 'never', 'never', 'never first_n']");
}

TEST_F(MacroTest, EveryMacroWorksFromCxx11) {
    EXPECT_EQ(hygiene_cpp_log_all(true), 1);
    EXPECT_EQ(Str("[r.msg for r in capture.records]"),
              "['cpp trace', 'cpp debug', 'cpp info 3', 'cpp warn 4', "
              "'cpp warning 2', 'cpp error', 'cpp critical', 'cpp log', "
              "'cpp target', 'cpp every_n 1', 'cpp every_n_sec', "
              "'cpp log every_pow_2', 'lambda', 'lambda first_n 1', "
              "'template 7', 'template every_n 7']");
    EXPECT_EQ(Attr(0, "name"), "hygiene.cpp");
}

}  // namespace
}  // namespace pylog_testing
