"""Logging filters named in settings.LOGGING."""

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A 4xx response is logged as its one line: the traceback of a refusal explains nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
