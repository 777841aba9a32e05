from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Chinese unless the person chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an
    English Windows would get English pages. A county deployment speaks Chinese first: the
    language comes from the cookie set by the language switch, else LANGUAGE_CODE.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# No foreign host anywhere: scripts, styles and forms are our own. Photos are scaled on the
# phone through a blob: URL (static/gridgov/m.js), hence blob: for images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# The admin's tree of nodes (django-mptt) indents rows with style attributes.
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    """Every response says that only this site's own scripts, styles and images may run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = (
            ADMIN_CONTENT_SECURITY_POLICY
            if request.path.startswith(reverse("admin:index"))
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request larger than GRIDGOV_MAX_REQUEST_BYTES before its body is read (413).

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files; the photos' own
    limit applies only once a file has been received whole.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        limit = settings.GRIDGOV_MAX_REQUEST_BYTES
        if length > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    def refuse(self, request, limit: int):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        with translation.override(chosen if chosen in supported else settings.LANGUAGE_CODE):
            text = _("This is too much to send at once: at most %(mb)d MB.") % {
                "mb": limit // (1024 * 1024)
            }
        if request.headers.get("X-Requested-With") == "gridgov-offline":
            # The phone's offline sender drops an entry the server refuses instead of retrying.
            errors = {"__all__": [{"message": text, "code": "too_large"}]}
            return JsonResponse({"ok": False, "errors": errors}, status=413)
        return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
