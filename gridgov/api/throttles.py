"""Throttles: each API client and each person has a request rate (REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES "api_client" and "api_person", from the environment; docs/api.md).
Counts live in the cache: per process with the embedded default, shared with Redis."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from gridgov.api.auth import client_of


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self):
        # Read when asked, not at import: a changed setting (tests, a reload) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        # SimpleRateThrottle reads THROTTLE_RATES once at import; read the live settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class ClientRateThrottle(_RateFromSettings):
    """Requests of one API client (whichever process answers, with Redis)."""

    scope = "api_client"

    def get_cache_key(self, request, view):
        client = client_of(request)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


class PersonRateThrottle(_RateFromSettings):
    """Requests of one person with their session."""

    scope = "api_person"

    def get_cache_key(self, request, view):
        if client_of(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
