"""A logging handler that keeps every record, shared by pylog's Python-level
tests."""
import logging


class Capture(logging.Handler):
    """Keeps every record it is handed, at any level, in `records`."""

    def __init__(self):
        super().__init__(0)
        self.records = []

    def emit(self, record):
        self.records.append(record)
