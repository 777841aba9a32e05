"""What every Open311 method does around its own work: the caller's language (Accept-Language,
as on the API), the allowed methods, who is calling (an api_key, or nobody), the rates, and a
refusal in the spec's error format whatever goes wrong.

A key is an API client's key (gridgov.api.clients: stored hashed) whose client has the Open311
endpoint. The public methods need none (as in the spec); a key sent with them must be valid
all the same, and is what lets a system list requests without naming them."""

from __future__ import annotations

import hashlib
import math
from functools import wraps

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cases.open311 import render
from cases.open311.render import Refusal
from cases.public import guards
from gridgov.api.clients import client_for_key, record_use
from gridgov.api.views import language_of
from gridgov.models import ApiClient


class _Rate(SimpleRateThrottle):
    """One bucket (`ident`) at the API's rate named `rate_name`, counted in the cache."""

    def __init__(self, rate_name: str, ident: str):
        self.scope = rate_name
        self.ident = ident
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(rate_name)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def _throttle(request, rate_name: str, ident: str) -> None:
    rate = _Rate(rate_name, ident)
    if rate.allow_request(request, None):
        return
    seconds = max(1, math.ceil(rate.wait() or 1))
    raise Refusal(
        429,
        _("Too many requests: wait %(n)d seconds and try again.") % {"n": seconds},
        headers={"Retry-After": str(seconds)},
    )


def _address_bucket(address: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    return f"open311-{digest}"


def throttle_address(request) -> None:
    """A caller without a key: at the API's rate for a person (API_PERSON_RATE), by address."""
    _throttle(request, "api_person", _address_bucket(guards.client_address(request)))


def api_key_of(request) -> str:
    """The key as the spec sends it (an `api_key` field of the body or the query), or in the
    API's X-Api-Key header."""
    value = ""
    if request.method == "POST":
        value = request.POST.get("api_key") or ""
    value = value or request.GET.get("api_key") or request.headers.get("X-Api-Key") or ""
    return value.strip()


def caller(request, *, required: bool) -> ApiClient | None:
    """The API client calling (its key valid, with the Open311 endpoint), None for nobody;
    a missing (when `required`) or wrong key is 403, as the spec says."""
    key = api_key_of(request)
    if not key:
        throttle_address(request)
        if required:
            raise Refusal(403, _("No api_key was sent: this method needs one."))
        return None
    client = client_for_key(key)
    user = client.service_user if client is not None else None
    if client is None or not client.is_active or user is None or not user.is_active:
        throttle_address(request)  # guessing keys costs the guesser's rate
        raise Refusal(403, _("Invalid api_key received: it is unknown, rotated or revoked."))
    if ApiClient.Endpoint.OPEN311 not in (client.endpoints or ()):
        raise Refusal(403, _("This api_key may not use Open311: its client lacks that endpoint."))
    _throttle(request, "api_client", str(client.pk))
    record_use(client)
    return client


def method(*allowed: str):
    """An Open311 method answering `allowed` HTTP methods; the view gets the request, the
    format ("xml" or "json") and the URL's other arguments, and may raise Refusal."""
    allowed_methods = set(allowed) | ({"HEAD"} if "GET" in allowed else set())

    def wrap(view):
        @csrf_exempt  # no session is read here: a key in the body is the only credential
        @wraps(view)
        def run(request, *args, format: str = "", **kwargs):
            format = format or ("json" if request.path.endswith(".json") else "xml")
            language = language_of(request)
            with translation.override(language):
                try:
                    if request.method not in allowed_methods:
                        raise Refusal(
                            405,
                            _("This method is not answered here: use %(methods)s.")
                            % {"methods": ", ".join(sorted(allowed))},
                            headers={"Allow": ", ".join(sorted(allowed_methods))},
                        )
                    response = view(request, format, *args, **kwargs)
                except Refusal as exc:
                    response = render.refusal(exc, format)
            response["Content-Language"] = language
            patch_vary_headers(response, ["Accept-Language"])
            return response

        return run

    return wrap


@method("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
def no_such_method(request, fmt):
    """Any other address under /open311/v2/: the spec's error (404), never an HTML page."""
    raise Refusal(
        404,
        _(
            "No such Open311 method: the methods are discovery, services, services/{code}, "
            "requests, requests/{id} and tokens/{token}, each ending in .xml or .json."
        ),
    )
