"""The base of every API view: the caller's language (Accept-Language, else the language
cookie, else zh-hans), retried POSTs (an Idempotency-Key), and the error shape for whatever
goes wrong, including an address under /api/v1/ that names no endpoint."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from gridgov.api import idempotency


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

    def _handled(self, handler, request, *args, **kwargs):
        try:
            return handler(request, *args, **kwargs)
        except Exception as exc:
            return self.handle_exception(exc)

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
