"""The OpenAPI description and its two readers, Swagger UI and ReDoc, served by gridgov
itself from drf-spectacular-sidecar's static files: no foreign host. Swagger UI runs under the
site's own policy (its settings come from a script of ours, not an inline one); ReDoc writes
its styles into <style> elements and searches in a blob: worker, so its page alone allows
those. Neither page may load anything from another origin."""

from __future__ import annotations

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from gridgov.middleware import CONTENT_SECURITY_POLICY

REDOC_CONTENT_SECURITY_POLICY = (
    CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    + "; worker-src 'self' blob:"
)


class _Public:
    authentication_classes: list = []
    throttle_classes: list = []


class _InlineStyles(_Public):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = REDOC_CONTENT_SECURITY_POLICY
        return response


class SchemaView(_Public, SpectacularAPIView):
    pass


class SwaggerView(_Public, SpectacularSwaggerSplitView):
    template_name = "gridgov/api/swagger.html"
    url_name = "api:schema"


class RedocView(_InlineStyles, SpectacularRedocView):
    template_name = "gridgov/api/redoc.html"
    url_name = "api:schema"
