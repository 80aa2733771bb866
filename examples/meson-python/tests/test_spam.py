"""pytest for pylog's meson-python example: the installed module imports
under the interpreter it was built for and pytest's `caplog` sees its records.
With the environment variable PYLOG_MAX_LEVEL=WARN it checks a release build
(-Dpylog:max_level=WARN): only the WARNING statement is left."""
import logging
import os
import sysconfig

import spam


def test_records_arrive(caplog):
    caplog.set_level(logging.DEBUG)
    spam.eat(5)
    expected = [("spam", logging.DEBUG, "opening tin 5"),
                ("spam", logging.INFO, "ate 5 slices of spam"),
                ("spam", logging.WARNING, "5 slices is too much spam")]
    if os.environ.get("PYLOG_MAX_LEVEL") == "WARN":
        expected = expected[2:]
    assert caplog.record_tuples == expected
    assert (caplog.records[0].filename, caplog.records[0].funcName) == ("spam.c", "spam_eat")


def test_module_is_named_for_this_interpreter():
    assert spam.__file__.endswith(sysconfig.get_config_var("EXT_SUFFIX")), spam.__file__
