"""Text messages to residents: one small interface, the backend named by a setting.

gridgov assumes no provider. A backend is a class with `send(phone, text)` that raises on
failure (the outbox retries with backoff, as for every channel: gridgov/notify.py). Two come
with gridgov: the console backend (the log, with the phone masked) and the file backend (one
file a day under GRIDGOV_VAR_DIR/sms/, for a person to read or a gateway to pick up). A county's
own gateway is a class of its own, named in GRIDGOV_SMS_BACKEND (a dotted path):

    class CountyGateway:
        def send(self, phone: str, text: str) -> None:
            ...  # call the gateway; raise on any failure
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def _masked(phone: str) -> str:
    from grids.privacy import mask_phone

    return mask_phone(phone)


class ConsoleBackend:
    """Writes each message to the log (the phone masked): for development and the demo."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", _masked(phone), text)


class FileBackend:
    """Appends each message to var/sms/<date>.txt, one line each, readable by its owner only."""

    _lock = threading.Lock()

    def __init__(self, directory=None):
        self.directory = directory or settings.GRIDGOV_SMS_DIR

    def send(self, phone: str, text: str) -> None:
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        now = timezone.localtime()
        path = os.path.join(self.directory, f"{now.date().isoformat()}.txt")
        line = f"{now.isoformat(timespec='seconds')}\t{phone}\t{' '.join(text.split())}\n"
        with self._lock:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line)


class MemoryBackend:
    """Keeps the messages in `MemoryBackend.sent` (tests)."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.sent.append((phone, text))


@lru_cache(maxsize=4)
def _backend(path: str) -> SmsBackend:
    return import_string(path)()


def backend() -> SmsBackend:
    return _backend(settings.GRIDGOV_SMS_BACKEND)


def send(phone: str, text: str) -> None:
    """Send one text message through the configured backend; raises when it was not sent."""
    backend().send(phone, text)
