"""`pylog_py_test`: runs a Python unittest file against extensions built here.

    load("//testing:python_test.bzl", "pylog_py_test")
    pylog_py_test(name = "hello_py_test", src = "hello_test.py",
                  extensions = ["//examples/hello:hello.so"])

The test runs @python//:python3, the interpreter whose headers built the extensions,
with each extension's directory on PYTHONPATH, and writes one JUnit <testcase> per
unittest case to $XML_OUTPUT_FILE (skipped tests count as failures).
"""

def pylog_py_test(name, src, extensions = [], data = [], **kwargs):
    python = str(Label("@python//:python3"))
    runner = str(Label("//testing:run_unittest.py"))
    native.sh_test(
        name = name,
        srcs = [str(Label("//testing:run_unittest.sh"))],
        args = [
            "$(rootpath %s)" % python,
            "$(rootpath %s)" % runner,
            "$(rootpath %s)" % src,
        ] + ["$(rootpaths %s)" % ext for ext in extensions],
        data = [python, runner, src] + extensions + data,
        **kwargs
    )
