"""Tests the external-consumer example: the builds of mymod.c import and log
into `logging`; pylog_extension's max_level strips DEBUG from mymod, and
--@pylog//pylog:max_level=WARN (MYMOD_RELEASE_MAX_LEVEL, set by BUILD) strips
DEBUG and INFO from mymod_release."""
import logging
import os
import unittest

import mymod
import mymod_cc
import mymod_release


class ConsumerTest(unittest.TestCase):
    def setUp(self):
        self.records = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append
        logging.getLogger().addHandler(self.handler)
        logging.getLogger().setLevel(logging.DEBUG)

    def tearDown(self):
        logging.getLogger().removeHandler(self.handler)

    def seen(self):
        return [(r.name, r.levelname, r.getMessage()) for r in self.records]

    def test_macro_built_module_strips_below_max_level(self):
        self.assertEqual(mymod.work(3), 9)
        self.assertEqual(self.seen(), [("mypkg.mymod", "INFO", "3 squared is 9")])

    def test_cc_binary_module_keeps_every_level(self):
        self.assertEqual(mymod_cc.work(4), 16)
        self.assertEqual(self.seen(), [("mypkg.mymod", "DEBUG", "working on 4"),
                                       ("mypkg.mymod", "INFO", "4 squared is 16")])

    def test_release_module_follows_the_build_setting(self):
        self.assertEqual(mymod_release.work(5), 25)
        expected = {"": ["DEBUG", "INFO"], "WARN": []}[os.environ["MYMOD_RELEASE_MAX_LEVEL"]]
        self.assertEqual([r.levelname for r in self.records], expected)

    def test_records_carry_the_consumer_call_site(self):
        mymod.work(1)
        self.assertEqual((self.records[0].filename, self.records[0].funcName),
                         ("mymod.c", "mymod_work"))


if __name__ == "__main__":
    unittest.main()
