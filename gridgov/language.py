"""Texts the system writes into the record, in the site's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


def in_site_language(text: Promise, **values) -> str:
    """`text` (a gettext_lazy string; %(name)s placeholders filled from `values`) translated
    into LANGUAGE_CODE. A note the system adds to a case's history is read by everyone after,
    so it must not follow the language chosen by whoever's request wrote it; the notices are
    written the same way (gridgov/notify.py)."""
    with translation.override(settings.LANGUAGE_CODE):
        translated = str(text)
    return translated % values if values else translated
