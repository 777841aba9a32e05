from django.conf import settings
from django.utils import translation


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
