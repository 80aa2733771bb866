"""pylog's hello demo: a C extension logging into Python's `logging`.

Configures logging, calls into the `hello` extension and shows which records
arrive, then changes levels while running: pylog sees setLevel() and
dictConfig() by itself; only a direct `logger.level = ...` needs
hello.pylog.reset().
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

step("logging.getLogger('hello').setLevel(ERROR): seen at once")
logging.getLogger("hello").setLevel(logging.ERROR)
hello.greet("Grace")

step("hello.greeter.level = DEBUG (a direct assignment), then reset")
logging.getLogger("hello.greeter").level = logging.DEBUG
hello.pylog.reset()
hello.greet("Linus")
hello.from_thread(1)

step("an exception, logged with its traceback and still raised")
try:
    hello.parse("twelve")
except ValueError as error:
    print("Python caught:", error)

step("structured fields and pylog's own filters from Python")
logging.getLogger("hello").setLevel(logging.DEBUG)
hello.login("ada", 2)
hello.pylog.set_target_filter("hello::greeter", "error")
hello.greet("Edsger")
print("filters:", hello.pylog.filters())
print("stats:  ", hello.pylog.stats())
