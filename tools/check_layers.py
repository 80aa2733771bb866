#!/usr/bin/env python3
"""Checks pylog's layering: no file of pylog/ includes a header of a layer
above its own, or of another module of its own layer.

usage: check_layers.py [ROOT]   (ROOT: the directory holding pylog/; default
                                 the repository this script is in)

The layers are the fenced ```layers block of pylog/README.md, top layer first;
each line is `name: module module ...`. Module X is pylog/X.c and
pylog/internal/X.h; module `pylog` is the public header pylog/pylog.h with
pylog/internal/site.h, which only it includes. Every .c and .h file of pylog/
must belong to exactly one listed module. Prints one line per violation and
exits 1 when there is any, 0 otherwise.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_layers(readme):
    """[(layer name, [module, ...]), ...] bottom layer first."""
    text = open(readme, encoding="utf-8").read()
    block = re.search(r"^```layers\n(.*?)^```", text, re.S | re.M)
    if block is None:
        raise SystemExit("%s: no ```layers block" % readme)
    layers = []
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        name, _, modules = line.partition(":")
        if not modules.strip():
            raise SystemExit("%s: bad layer line %r" % (readme, line))
        layers.append((name.strip(), modules.split()))
    return list(reversed(layers))


def module_of(relpath):
    """The module a path under pylog/ belongs to ('pylog.h' -> 'pylog')."""
    if relpath in ("pylog.h", "internal/site.h"):
        return "pylog"
    return os.path.splitext(os.path.basename(relpath))[0]


def check(root):
    pylog = os.path.join(root, "pylog")
    layers = read_layers(os.path.join(pylog, "README.md"))
    level, problems = {}, []
    for index, (name, modules) in enumerate(layers):
        for module in modules:
            if module in level:
                problems.append("module %s is listed twice" % module)
            level[module] = (index, name)
    files = sorted(f for f in os.listdir(pylog) if f.endswith((".c", ".h")))
    files += sorted("internal/" + f for f in os.listdir(
        os.path.join(pylog, "internal")) if f.endswith(".h"))
    for relpath in files:
        module = module_of(relpath)
        if module not in level:
            problems.append("pylog/%s: module %s is in no layer of "
                            "pylog/README.md" % (relpath, module))
            continue
        here = os.path.dirname(relpath)
        with open(os.path.join(pylog, relpath), encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                match = INCLUDE.match(line)
                if match is None:
                    continue
                target = os.path.normpath(os.path.join(here, match.group(1)))
                if target == "pylog/pylog.h":  # "pylog/pylog.h" from users
                    target = "pylog.h"
                if target.startswith(".."):
                    problems.append("pylog/%s:%d: includes %s, outside "
                                    "pylog/" % (relpath, number,
                                                match.group(1)))
                    continue
                used = module_of(target)
                if used == module:
                    continue
                if used not in level:
                    problems.append("pylog/%s:%d: includes %s, in no layer"
                                    % (relpath, number, match.group(1)))
                elif level[used][0] >= level[module][0]:
                    problems.append(
                        "pylog/%s:%d: %s (layer %s) includes %s (layer %s): "
                        "a layer may include only layers below it"
                        % (relpath, number, module, level[module][1],
                           match.group(1), level[used][1]))
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print("check_layers: %d violation(s)" % len(problems))
        return 1
    print("check_layers: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
