"""The residents' door keeps robots and guessers out without a foreign captcha: a signed time
in each report form (a form sent back sooner than a person can fill it is refused), a
honeypot field, counts per address (reports a day; wrong tracking codes, locked like logins).

Counts per address live in the cache (shared by the processes through Redis in production),
under a hash of the address: nothing about a visitor is written to the database."""

from __future__ import annotations

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

_SALT = "gridgov.public.report-form"
# A form kept on the phone with no signal is sent when the signal returns: days later at most.
FORM_MAX_AGE = 7 * 24 * 3600


def form_token(now: float | None = None) -> str:
    """The signed moment a report form was shown."""
    return signing.dumps(int(now if now is not None else time.time()), salt=_SALT)


def form_age(token: str, now: float | None = None) -> float | None:
    """Seconds since the form carrying `token` was shown; None for a token not ours (or too
    old to be a form kept on a phone)."""
    try:
        shown = signing.loads(token or "", salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(shown, int) or isinstance(shown, bool):
        return None
    age = (now if now is not None else time.time()) - shown
    return age if age <= FORM_MAX_AGE else None


def client_address(request) -> str:
    """The visitor's address as the login lockout reads it (PROXY_COUNT decides)."""
    return get_client_ip_address(request) or "unknown"


def _key(kind: str, address: str, *parts: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    return ":".join(["gridgov", "public", kind, digest, *parts])


def _count(key: str) -> int:
    value = cache.get(key, 0)
    return value if isinstance(value, int) else 0


def _bump(key: str, timeout: int) -> None:
    if cache.add(key, 1, timeout):
        return
    try:
        cache.incr(key)
    except ValueError:  # gone meanwhile (expired, or the cache is down): start again
        cache.add(key, 1, timeout)


def _today() -> str:
    return timezone.localdate().isoformat()


def reports_today(request) -> int:
    return _count(_key("reports", client_address(request), _today()))


def count_report(request) -> None:
    _bump(_key("reports", client_address(request), _today()), 24 * 3600)


def _cooloff() -> int:
    return settings.GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES * 60


def tracking_locked(request) -> bool:
    """Has this address typed too many wrong tracking codes within the cool-off?"""
    failures = _count(_key("track", client_address(request)))
    return failures >= settings.GRIDGOV_PUBLIC_TRACK_FAILURES


def tracking_failed(request) -> None:
    _bump(_key("track", client_address(request)), _cooloff())
