"""Logging filters named in settings.LOGGING."""

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A 4xx response is logged as its one line, naming the path and who asked: the traceback
    of a refusal explains nothing, the person refused does."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) >= 500:
            return True
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if not getattr(record, "names_user", False):
            # The message as Django wrote it ("Forbidden (Permission denied): /path"), then the
            # person; args are spent here, so a "%" in the path is not read as a placeholder.
            record.msg = f"{record.getMessage()} (user {_user_id(record)})"
            record.args = ()
            record.names_user = True
        return True


def _user_id(record: logging.LogRecord) -> str:
    user = getattr(getattr(record, "request", None), "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return str(user.pk)
