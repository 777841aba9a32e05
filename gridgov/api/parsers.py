"""JSON bodies cleaned and bounded like every form field (gridgov/cleaning.py): control
characters dropped, line ends made "\\n", no NaN or Infinity, no string longer than a form
field may be, and a body no larger than Django takes in memory."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from gridgov.cleaning import MAX_FIELD_CHARS, clean_text


def _no_constant(name: str):
    raise ValueError(name)


def _cleaned(value):
    if isinstance(value, str):
        if len(value) > MAX_FIELD_CHARS:
            raise ParseError(
                _("A field is longer than %(n)d characters. Shorten it and try again.")
                % {"n": MAX_FIELD_CHARS}
            )
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k), 200): _cleaned(v) for k, v in value.items()}
    return value


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise ParseError(_("This is too much to send at once."))
        try:
            text = raw.decode("utf-8")
            data = json.loads(text, parse_constant=_no_constant) if text.strip() else {}
        except (ValueError, RecursionError):
            raise ParseError(_("The body is not valid JSON.")) from None
        try:
            return _cleaned(data)
        except RecursionError:
            raise ParseError(_("The body is not valid JSON.")) from None
