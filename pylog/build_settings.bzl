"""Instantiates the `max_level` build setting; called once from //pylog:BUILD."""

load(":defs.bzl", "MAX_LEVELS", "max_level_flag")

def pylog_build_settings():
    """`:max_level` (--//pylog:max_level=WARN) and one `:max_level_<LEVEL>` per value."""
    max_level_flag(
        name = "max_level",
        build_setting_default = "",
        visibility = ["//visibility:public"],
    )
    for level in MAX_LEVELS:
        native.config_setting(
            name = "max_level_" + level,
            flag_values = {":max_level": level},
            visibility = ["//visibility:public"],
        )
