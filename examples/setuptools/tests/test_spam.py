"""unittest for the setuptools example: the module setup.py built imports
under the interpreter that built it, and its records reach `logging`."""
import logging
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

    def test_records_arrive_from_the_setuptools_build(self):
        spam.eat(5)
        self.assertEqual([(r.name, r.levelname, r.getMessage()) for r in self.records], [
            ("spam", "DEBUG", "opening tin 5"),
            ("spam", "INFO", "ate 5 slices of spam"),
            ("spam", "WARNING", "5 slices is too much spam")])
        self.assertEqual((self.records[0].filename, self.records[0].funcName),
                         ("spam.c", "spam_eat"))

    def test_module_is_named_for_this_interpreter(self):
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        self.assertTrue(spam.__file__.endswith(suffix), (spam.__file__, suffix))


if __name__ == "__main__":
    unittest.main()
