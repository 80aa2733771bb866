"""Starlark for pylog users: `pylog_extension` and the `max_level` build setting.

    load("@pylog//pylog:defs.bzl", "pylog_extension")
    pylog_extension(name = "hello", srcs = ["hello.c"], max_level = "INFO")

builds `hello.so`, importable as `import hello` (PyInit_hello). Without `max_level`
the cutoff comes from `--@pylog//pylog:max_level=WARN` (in-repo `--//pylog:max_level`).
`abi3 = True` builds against the limited API of CPython 3.8 (Py_LIMITED_API=0x03080000,
//pylog:pylog_abi3): the module's own code must keep to it too.
"""

# Values accepted by PYLOG_MAX_LEVEL (pylog.h) and by --//pylog:max_level.
MAX_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL", "OFF"]

def _max_level_flag_impl(ctx):
    value = ctx.build_setting_value
    if value and value not in MAX_LEVELS:
        fail("--%s=%s: expected one of %s" % (ctx.label, value, ", ".join(MAX_LEVELS)))
    return []

# A string build setting ("" = not set), like bazel_skylib's string_flag.
max_level_flag = rule(
    implementation = _max_level_flag_impl,
    build_setting = config.string(flag = True),
)

def _max_level_select():
    branches = {
        str(Label("//pylog:max_level_" + level)): ["-DPYLOG_MAX_LEVEL=" + level]
        for level in MAX_LEVELS
    }
    branches["//conditions:default"] = []
    return select(branches)

def pylog_extension(name, srcs, deps = [], max_level = None, copts = [], abi3 = False, **kwargs):
    """A CPython extension module `name` (file `name.so`) that embeds pylog.

    Links no libpython. `max_level` (e.g. "WARN") sets PYLOG_MAX_LEVEL for `srcs`;
    `abi3` links //pylog:pylog_abi3 (limited API 3.8) instead of //pylog:pylog;
    other kwargs (visibility, tags, linkopts, ...) go to the cc_binary.
    """
    if max_level != None:
        if max_level not in MAX_LEVELS:
            fail("pylog_extension(%s): max_level must be one of %s" % (name, MAX_LEVELS))
        level_copts = ["-DPYLOG_MAX_LEVEL=" + max_level]
    else:
        level_copts = _max_level_select()
    native.cc_binary(
        name = name + ".so",
        srcs = srcs,
        deps = deps + [
            Label("//pylog:pylog_abi3" if abi3 else "//pylog:pylog"),
            Label("@python//:headers"),
        ],
        copts = ["-fPIC", "-fvisibility=hidden"] + copts + level_copts,
        linkshared = 1,
        **kwargs
    )
    native.filegroup(
        name = name,
        srcs = [":" + name + ".so"],
        visibility = kwargs.get("visibility"),
        tags = kwargs.get("tags"),
        testonly = kwargs.get("testonly"),
    )
