"""Who may call an endpoint at all: anyone signed in (a person, or a client whose endpoints
include this one). What they may see and do there is the access policy's answer, asked by
the view: outside their scope 404, not allowed 403."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from gridgov.api.auth import client_of


class ApiDoor(permissions.BasePermission):
    message = _("This API client may not use this endpoint.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated or not user.is_active:
            return False  # DRF answers 401 (NotAuthenticated) for an anonymous caller
        client = client_of(request)
        if client is None:
            return True
        return getattr(view, "endpoint", None) in set(client.endpoints or ())
