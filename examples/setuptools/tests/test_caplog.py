"""pytest for the setuptools example: pytest's `caplog` sees pylog's records,
and `caplog.set_level` takes effect at once, without pylog_reset(), under
pylog's default caching (PYLOG_CACHE_LOGGERS_AND_LEVELS)."""
import logging

import spam


def test_caplog_captures_pylog_records(caplog):
    caplog.set_level(logging.DEBUG)
    spam.eat(2)
    assert caplog.record_tuples == [("spam", logging.DEBUG, "opening tin 2"),
                                    ("spam", logging.INFO, "ate 2 slices of spam")]
    assert caplog.records[0].funcName == "spam_eat"


def test_set_level_lowered_is_seen_without_reset(caplog):
    caplog.set_level(logging.WARNING)
    spam.eat(4)
    caplog.set_level(logging.DEBUG)
    spam.eat(1)
    assert [r.levelname for r in caplog.records] == ["WARNING", "DEBUG", "INFO"]


def test_set_level_raised_is_seen_without_reset(caplog):
    handed = []  # every record pylog hands to logger "spam", whatever its level
    handler = logging.Handler()
    handler.emit = handed.append
    logger = logging.getLogger("spam")
    logger.addHandler(handler)
    try:
        caplog.set_level(logging.DEBUG)
        spam.eat(1)
        caplog.set_level(logging.WARNING, logger="spam")
        spam.eat(5)
    finally:
        logger.removeHandler(handler)
    assert [r.levelname for r in handed] == ["DEBUG", "INFO", "WARNING"]
    assert [r.levelname for r in caplog.records] == ["DEBUG", "INFO", "WARNING"]
