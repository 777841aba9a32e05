"""The OpenAPI description and its two readers, Swagger UI and ReDoc, served by gridgov
itself from drf-spectacular-sidecar's static files: no foreign host. Both readers build their
pages with inline styles (and ReDoc its search in a blob: worker), so these two pages alone
allow that; they run no script of another origin either way."""

from __future__ import annotations

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from gridgov.middleware import CONTENT_SECURITY_POLICY

DOCS_CONTENT_SECURITY_POLICY = (
    CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    + "; worker-src 'self' blob:"
)


class _Docs:
    authentication_classes: list = []
    throttle_classes: list = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    throttle_classes: list = []


class SwaggerView(_Docs, SpectacularSwaggerSplitView):
    template_name = "gridgov/api/swagger.html"
    url_name = "api:schema"


class RedocView(_Docs, SpectacularRedocView):
    template_name = "gridgov/api/redoc.html"
    url_name = "api:schema"
