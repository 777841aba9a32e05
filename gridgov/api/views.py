"""The base of every API view: the caller's language (Accept-Language, else the language
cookie, else zh-hans), retried POSTs (an Idempotency-Key), and the error shape for whatever
goes wrong, including an address under /api/v1/ that names no endpoint."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, UnsupportedMediaType
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from gridgov.api import idempotency
from gridgov.api.errors import Refused
from gridgov.cleaning import parse_int


def language_of(request) -> str:
    """The first supported language the caller accepts; else the language cookie; else
    LANGUAGE_CODE (zh-hans). Unlike the pages, a system says its language in the header."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in {code for code, _name in settings.LANGUAGES}:
        return chosen
    return settings.LANGUAGE_CODE


class ApiView(GenericAPIView):
    """`endpoint` names the ApiClient.Endpoint a client needs to call this view."""

    endpoint: str = ""

    def dispatch(self, request, *args, **kwargs):
        language = language_of(request)
        with translation.override(language):
            response = self._answer(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # lazy texts are rendered in the caller's language
        response.headers["Content-Language"] = language
        response.headers.setdefault("Vary", "Accept-Language")
        return response

    def _answer(self, request, *args, **kwargs):
        # APIView.dispatch, with a POST's Idempotency-Key taken between the checks (who is
        # calling, may they, how often) and the work.
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            method = request.method.lower()
            handler = (
                getattr(self, method, self.http_method_not_allowed)
                if method in self.http_method_names
                else self.http_method_not_allowed
            )
            if request.method == "POST" and idempotency.HEADER in request.headers:
                response = idempotency.run(
                    request, lambda: self._handled(handler, request, *args, **kwargs)
                )
            else:
                response = handler(request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A body is JSON. (A form body would have been read by the input cleaning already and
        # reach DRF as nothing at all: refuse it rather than act on an empty request.)
        sent = parse_int(request.META.get("CONTENT_LENGTH") or "0") or 0
        media = (request.content_type or "").split(";")[0].strip().lower()
        if sent > 0 and media != "application/json":
            raise UnsupportedMediaType(media or "-")

    def _handled(self, handler, request, *args, **kwargs):
        try:
            return handler(request, *args, **kwargs)
        except Exception as exc:
            return self.handle_exception(exc)

    def body(self, serializer_class, *, allowed=None) -> dict:
        """The request's JSON object, validated; a field the serializer (or `allowed`) does
        not name is refused by name, not ignored: a misspelt field must not pass unnoticed."""
        data = self.request.data
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        known = set(serializer.fields) if allowed is None else set(allowed)
        unknown = sorted(set(data) - known) if isinstance(data, dict) else []
        if unknown:
            message = _("This field is not read here.")
            raise Refused({name: [message] for name in unknown})
        return dict(serializer.validated_data)

    def paged(self, queryset, serializer_class, **context):
        """One cursor page of `queryset`, serialized (the list's fixed number of queries)."""
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={"request": self.request, **context})
        return self.get_paginated_response(data.data)


@extend_schema(exclude=True)
class NoSuchEndpoint(ApiView):
    """Any other address under /api/v1/: a problem (404), never an HTML page."""

    permission_classes = [AllowAny]
    throttle_classes = []
    authentication_classes = []

    def _missing(self, request, *args, **kwargs):
        raise NotFound(_("There is no such endpoint."))

    get = post = put = patch = delete = head = options = _missing
