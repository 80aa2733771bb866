"""unittest for pylog's pkg-config example: the module the Makefile built
imports under the interpreter it was built for and logs into `logging`. With
the environment variable PYLOG_MAX_LEVEL=WARN it checks a release build
(make CPPFLAGS=-DPYLOG_MAX_LEVEL=WARN): only the WARNING statement is left."""
import logging
import os
import sysconfig
import unittest

import spam


class SpamTest(unittest.TestCase):
    def setUp(self):
        self.records = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append
        logging.getLogger().addHandler(self.handler)
        logging.getLogger().setLevel(logging.DEBUG)

    def tearDown(self):
        logging.getLogger().removeHandler(self.handler)
        logging.getLogger().setLevel(logging.WARNING)

    def test_records_arrive(self):
        spam.eat(5)
        expected = [("spam", "DEBUG", "opening tin 5"),
                    ("spam", "INFO", "ate 5 slices of spam"),
                    ("spam", "WARNING", "5 slices is too much spam")]
        if os.environ.get("PYLOG_MAX_LEVEL") == "WARN":
            expected = expected[2:]
        self.assertEqual([(r.name, r.levelname, r.getMessage()) for r in self.records],
                         expected)
        self.assertEqual((self.records[0].filename, self.records[0].funcName),
                         ("spam.c", "spam_eat"))

    def test_module_is_named_for_this_interpreter(self):
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        self.assertTrue(spam.__file__.endswith(suffix), (spam.__file__, suffix))


if __name__ == "__main__":
    unittest.main()
