"""Tests the pybind11 example (inventory.cc): records from C++ methods, from a
std::thread, around a C++ exception, and the level gates. Run by
`bazel test //examples/pybind11:inventory_test`."""
import logging
import threading
import unittest

import inventory


class InventoryTest(unittest.TestCase):
    def setUp(self):
        self.records = []
        self.handler = logging.Handler()
        self.handler.emit = self.records.append
        self.root = logging.getLogger()
        self.root.addHandler(self.handler)
        self.root.setLevel(logging.DEBUG)
        logging.getLogger("inventory").setLevel(logging.NOTSET)

    def tearDown(self):
        self.root.removeHandler(self.handler)
        self.root.setLevel(logging.WARNING)
        logging.getLogger("inventory").setLevel(logging.NOTSET)
        inventory.pylog.set_filter("DEBUG")

    def seen(self):
        return [(r.name, r.levelname, r.getMessage()) for r in self.records]

    def test_methods_log_with_cpp_call_sites(self):
        store = inventory.Inventory()
        store.add("apple", 3)
        store.take("apple")
        self.assertEqual(self.seen(), [
            ("inventory.store", "INFO", "added 3 apple, now 3"),
            ("inventory.store", "DEBUG", "took 1 apple, 2 left")])
        record = self.records[0]
        self.assertEqual(record.filename, "inventory.cc")
        self.assertEqual(record.funcName, "add")

    def test_exception_paths_log_then_raise(self):
        store = inventory.Inventory()
        with self.assertRaises(KeyError):
            store.take("pear", 2)
        with self.assertRaises(ValueError):
            store.add("pear", 0)
        self.assertEqual(self.seen(), [
            ("inventory.store", "WARNING", "cannot take 2 pear"),
            ("inventory.store", "ERROR", "refusing to add 0 of pear")])

    def test_thread_without_gil_logs_to_its_target(self):
        store = inventory.Inventory()
        store.add("fig", 2)
        store.add("kiwi", 5)
        self.records.clear()
        store.audit_in_thread()
        self.assertEqual(self.seen(), [("inventory.audit", "INFO", "fig: 2"),
                                       ("inventory.audit", "INFO", "kiwi: 5")])
        self.assertNotEqual(self.records[0].thread, threading.get_ident())

    def test_trace_listing_needs_the_trace_filter(self):
        store = inventory.Inventory()
        store.add("plum")
        logging.getLogger("inventory").setLevel(5)
        # pylog's default filter (DEBUG) keeps the TRACE listing out ...
        self.assertEqual(store.stock(), {"plum": 1})
        self.assertNotIn("TRACE", [r.levelname for r in self.records])
        # ... until the control object lowers it.
        inventory.pylog.set_filter("TRACE")
        self.assertEqual(store.stock(), {"plum": 1})
        self.assertEqual(self.seen()[-1], ("inventory.store", "TRACE", "stock: plum=1 "))

    def test_logger_level_is_seen_without_reset(self):
        store = inventory.Inventory()
        store.add("fig")
        logging.getLogger("inventory").setLevel(logging.ERROR)
        store.add("lime")
        with self.assertRaises(ValueError):
            store.add("lime", -1)
        self.assertEqual([r.levelname for r in self.records], ["INFO", "ERROR"])

    def test_every_statement_is_listed_and_switchable(self):
        # Statements in inline member functions of a C++ class: registered
        # when the module was loaded, run or not.
        sites = inventory.pylog.sites()
        self.assertEqual(
            sorted((s["function"], s["format"]) for s in sites), [
                ("add", "added %d %s, now %d"),
                ("add", "refusing to add %d of %s"),
                ("operator()", "%s: %d"),
                ("stock", "stock: %s"),
                ("take", "cannot take %d %s"),
                ("take", "took %d %s, %d left")])
        self.assertEqual({s["file"] for s in sites},
                         {"examples/pybind11/inventory.cc"})
        logging.getLogger("inventory").setLevel(logging.WARNING)
        try:
            self.assertEqual(inventory.pylog.control("func take on"), 2)
            store = inventory.Inventory()
            store.add("fig", 2)
            store.take("fig")
            self.assertEqual(self.seen(), [
                ("inventory.store", "DEBUG", "took 1 fig, 1 left")])
        finally:
            inventory.pylog.control("default")


if __name__ == "__main__":
    unittest.main()
