"""One error shape for the whole API: RFC 9457 problem details (application/problem+json),
in the caller's language, with field errors under `errors`.

    {"type": "urn:gridgov:problem:refused", "title": "…", "status": 422,
     "detail": "…", "instance": "/api/v1/cases/7/actions/accept/",
     "errors": {"color": ["…"]}}

A refusal by the domain (gridgov.errors.DomainError, the message the pages show) is 422; a
view that finds the action does not fit the case's state answers 409 (Conflict). A missing
object and one outside the caller's scope are the same 404."""

from __future__ import annotations

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from gridgov.errors import field_errors

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
NON_FIELD = "non_field_errors"

# status -> (the type's last word, its title): each type is described in docs/api.md.
PROBLEMS = {
    400: ("bad-request", gettext_lazy("The request cannot be read")),
    401: ("unauthenticated", gettext_lazy("Credentials are needed")),
    403: ("forbidden", gettext_lazy("Not allowed")),
    404: ("not-found", gettext_lazy("Not found")),
    405: ("method-not-allowed", gettext_lazy("Method not allowed")),
    406: ("not-acceptable", gettext_lazy("No acceptable response format")),
    409: ("conflict", gettext_lazy("Conflicts with the current state")),
    413: ("too-large", gettext_lazy("The request is too large")),
    415: ("unsupported-media-type", gettext_lazy("Unsupported media type")),
    422: ("refused", gettext_lazy("The request was refused")),
    429: ("throttled", gettext_lazy("Too many requests")),
    500: ("server-error", gettext_lazy("Server error")),
}


def problem_type(code: int) -> str:
    return f"urn:gridgov:problem:{PROBLEMS.get(code, PROBLEMS[500])[0]}"


class Conflict(exceptions.APIException):
    """The action does not fit the case (or call) as it stands now."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This does not fit the current state.")
    default_code = "conflict"


class Refused(exceptions.APIException):
    """A refusal with its field errors (a form's or the domain's)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "refused"

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None):
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}
        first = next((m for msgs in self.errors.values() for m in msgs), "")
        super().__init__(detail or first or _("The request was refused."))


def problem(code: int, detail: str, *, instance: str = "", errors=None, headers=None) -> Response:
    body = {
        "type": problem_type(code),
        "title": str(PROBLEMS.get(code, PROBLEMS[500])[1]),
        "status": code,
        "detail": str(detail),
        "instance": instance,
        "errors": errors or {},
    }
    return Response(body, status=code, headers=headers, content_type=PROBLEM_TYPE)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested field errors as {"field": [...], "items.0.name": [...]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in ("non_field_errors", "__all__") and not prefix else key
            for k, v in _flatten(
                value, f"{prefix}{name}" if not prefix else f"{prefix}.{name}"
            ).items():
                out.setdefault(k, []).extend(v)
        return out
    if isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            return {prefix or NON_FIELD: [str(d) for d in detail]}
        out = {}
        for i, value in enumerate(detail):
            for k, v in _flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                out.setdefault(k, []).extend(v)
        return out
    return {prefix or NON_FIELD: [str(detail)]}


def problem_handler(exc, context) -> Response:
    """DRF's EXCEPTION_HANDLER: every refusal becomes one problem; nothing escapes as a 500
    page (an unexpected error is logged and answered as a problem too)."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, RequestDataTooBig):
        return problem(413, _("This is too much to send at once."), instance=instance)
    if isinstance(exc, DjangoValidationError):  # DomainError and a model's own checks
        errors = field_errors(exc, default=NON_FIELD)
        first = next((m for msgs in errors.values() for m in msgs), "")
        return problem(422, first, instance=instance, errors=errors)
    if isinstance(exc, SuspiciousOperation):
        return problem(400, _("The request cannot be read."), instance=instance)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found: it does not exist, or it is outside your scope."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        log.exception("API error at %s", instance)
        return problem(500, _("Something went wrong on our side."), instance=instance)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    code = exc.status_code
    if isinstance(exc, Refused):
        return problem(code, str(exc.detail), instance=instance, errors=exc.errors, headers=headers)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next((m for msgs in errors.values() for m in msgs), "")
        return problem(422, first, instance=instance, errors=errors, headers=headers)
    if code == 404:
        detail = _("Not found: it does not exist, or it is outside your scope.")
    elif isinstance(exc.detail, list | dict):
        detail = next(iter(_flatten(exc.detail).values()))[0]
    else:
        detail = str(exc.detail)
    return problem(code, detail, instance=instance, headers=headers)
