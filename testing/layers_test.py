"""pylog/'s layering (pylog/README.md) as tools/check_layers.py checks it:
the tree as it is passes, and each kind of violation planted in a copy of
it fails the check, naming the file and line."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.getcwd()  # the runfiles tree: pylog/, tools/
CHECK = os.path.join(ROOT, "tools", "check_layers.py")


class LayersTest(unittest.TestCase):
    def setUp(self):
        self.tree = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tree)
        shutil.copytree(os.path.join(ROOT, "pylog"),
                        os.path.join(self.tree, "pylog"),
                        ignore=shutil.ignore_patterns("*.bzl", "BUILD"))

    def check(self, root):
        return subprocess.run([sys.executable, CHECK, root],
                              capture_output=True, text=True)

    def plant(self, relpath, line):
        path = os.path.join(self.tree, "pylog", relpath)
        with open(path, encoding="utf-8") as source:
            text = source.read()
        # after the first include, where a real one would go
        at = text.index("#include")
        with open(path, "w", encoding="utf-8") as source:
            source.write(text[:at] + line + "\n" + text[at:])

    def test_tree_as_it_is_passes(self):
        result = self.check(ROOT)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("check_layers: ok", result.stdout)

    def test_upward_include_fails(self):
        self.plant("format.c", '#include "internal/lifecycle.h"')
        result = self.check(self.tree)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("pylog/format.c:", result.stdout)
        self.assertIn("includes internal/lifecycle.h (layer lifecycle)",
                      result.stdout)

    def test_upward_include_from_a_header_fails(self):
        self.plant("internal/slot.h", '#include "delivery.h"')
        result = self.check(self.tree)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("pylog/internal/slot.h:", result.stdout)

    def test_include_beside_in_the_same_layer_fails(self):
        self.plant("slot.c", '#include "internal/dynamic_site.h"')
        result = self.check(self.tree)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("pylog/slot.c:", result.stdout)

    def test_file_in_no_layer_fails(self):
        with open(os.path.join(self.tree, "pylog", "stray.c"), "w") as f:
            f.write('#include "internal/stats.h"\n')
        result = self.check(self.tree)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("pylog/stray.c: module stray is in no layer",
                      result.stdout)

    def test_downward_include_passes(self):
        self.plant("lifecycle.c", '#include "internal/stats.h"')
        result = self.check(self.tree)
        self.assertEqual(result.returncode, 0, result.stdout)


if __name__ == "__main__":
    unittest.main()
