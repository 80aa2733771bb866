"""pylog's hello demo: a C extension logging into Python's `logging`.

Configures logging, calls into the `hello` extension and shows which records
arrive, then changes levels while running: a setLevel() is seen after
hello.reset() (pylog caches levels by default).
"""
import logging
import sys

import hello

logging.basicConfig(
    level=logging.DEBUG,
    stream=sys.stdout,
    format="%(levelname)-8s %(name)-13s %(filename)s:%(lineno)-3d "
           "%(funcName)-12s %(threadName)-10s %(message)s",
)
logging.addLevelName(25, "NOTICE")


def step(title):
    print(f"\n== {title}")


step("DEBUG and up (pylog's default filter keeps TRACE out)")
hello.greet("Ada")
hello.log(25, "a custom level: 100% supported")

step("a C thread without the GIL, target hello::worker")
hello.from_thread(2)

step("logging.getLogger('hello').setLevel(ERROR), then hello.reset()")
logging.getLogger("hello").setLevel(logging.ERROR)
hello.reset()
hello.greet("Grace")

step("back to DEBUG for hello.greeter only, then hello.reset()")
logging.getLogger("hello.greeter").setLevel(logging.DEBUG)
hello.reset()
hello.greet("Linus")
hello.from_thread(1)
