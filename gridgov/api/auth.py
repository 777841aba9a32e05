"""Who is calling: a system with its API key (`Authorization: Bearer <key>` or `X-Api-Key`),
or a person with their session (the pages' own scripts, CSRF-checked like a form)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from gridgov.api.clients import client_for_key, record_use
from gridgov.models import ApiClient


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A client's key finds its service person; a wrong, rotated or revoked key is 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        key = request.META.get("HTTP_X_API_KEY", "")
        if header:
            scheme, _sep, value = header.partition(" ")
            if scheme.lower() != self.keyword.lower():
                return None  # another scheme: not ours to judge
            key = value.strip()
        elif not key:
            return None
        client = client_for_key(key.strip())
        if client is None or client.service_user is None or not client.service_user.is_active:
            raise exceptions.AuthenticationFailed(_("This API key is not valid (any more)."))
        record_use(client)
        return client.service_user, client

    def authenticate_header(self, request):
        # Makes an unauthenticated request a 401 (with this challenge), not a 403.
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """A person signed in on the pages; a write needs the CSRF token like any form."""


def client_of(request) -> ApiClient | None:
    """The API client making this request, or None for a person."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None
