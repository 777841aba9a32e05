"""The one place where text entering gridgov is cleaned and bounded, and numbers are read.

Every request passes through `InputCleaningMiddleware`: query strings and form fields lose NUL
and the other control characters (which PostgreSQL refuses in text, and openpyxl refuses in a
spreadsheet), line ends become "\\n", and a value longer than the bound is refused with a 400
(or, in a query string, cut: a search box needs no more). Code that turns text into a number
uses `parse_int` / `parse_decimal`, which read only ASCII digits and finite values, so "²",
"NaN" or "1e999" are "not a number" instead of an exception.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# C0 controls except tab and newline, and DEL. CR is handled by `_line_ends` first.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_INT = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")

# Longest text accepted in one form field, and kept of one query-string value.
# (a village's GeoJSON outline of a few thousand points fits; the whole body is capped by
# DATA_UPLOAD_MAX_MEMORY_SIZE anyway).
MAX_FIELD_CHARS = 200_000
MAX_QUERY_CHARS = 500


def clean_text(value: str, max_length: int | None = None) -> str:
    """`value` without control characters (tab and newline kept, CR LF made LF), cut to
    `max_length` characters if given."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    if max_length is not None:
        value = value[:max_length]
    return value


def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """An integer written in ASCII digits (optional minus), within the bounds; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = (value or "").strip() if isinstance(value, str) else ""
        if not _INT.fullmatch(text):
            return None
        number = int(text)
    if minimum is not None and number < minimum:
        return None
    if maximum is not None and number > maximum:
        return None
    return number


def parse_id(value) -> int | None:
    """A database id: a positive integer that fits a 32-bit key column everywhere."""
    return parse_int(value, minimum=1, maximum=2**31 - 1)


def id_or_404(value) -> int:
    """An id from a form or an address; anything that is not one answers like a missing object."""
    number = parse_id(value)
    if number is None:
        raise Http404("No such object.")
    return number


def parse_decimal(value, *, limit: Decimal | None = None) -> Decimal | None:
    """A finite decimal in plain notation ("NaN", "Infinity", "1e9" are not), |x| ≤ limit."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if limit is not None and abs(number) > limit:
        return None
    return number


class StrictJSONField(forms.JSONField):
    """JSON as the standard defines it: NaN and Infinity (which Python's json reads, and the
    database refuses) are a form error, not a failed insert."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            invalid = forms.ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                parsed = json.loads(value, parse_constant=_no_constant)
            except (ValueError, RecursionError):
                raise invalid from None
            # A NUL written as \u0000 passes the text cleaning; PostgreSQL's jsonb refuses it.
            if "\\u0000" in json.dumps(parsed):
                raise invalid
        return super().to_python(value)


# The widest offsets any place keeps (UTC−12 to UTC+14): Python reads up to ±23:59, and
# PostgreSQL refuses a timestamp whose offset is beyond ±15:59.
_WIDEST_OFFSET = dt.timedelta(hours=14)


def plausible_moment(moment: dt.datetime) -> bool:
    """Is this a moment of a year from 1900 to 2999, in a time zone some place uses (or none
    given)? Anything else cannot be a case's time, and some of it the database refuses."""
    offset = moment.utcoffset()
    return 1900 <= moment.year <= 2999 and (offset is None or abs(offset) <= _WIDEST_OFFSET)


def plausible_day(day: dt.date) -> bool:
    return 1900 <= day.year <= 2999


def _no_constant(name: str):
    raise ValueError(name)


def _cleaned(data: QueryDict, *, cut: int | None = None, bound: int | None = None):
    """A cleaned copy of `data` (each value cut to `cut` characters), and whether some value
    was longer than `bound`."""
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    too_long = False
    for key, values in data.lists():
        fresh = [clean_text(value, cut) for value in values]
        too_long = too_long or any(bound is not None and len(v) > bound for v in fresh)
        cleaned.setlist(clean_text(key, 200), fresh)
    cleaned._mutable = False
    return cleaned, too_long


class InputCleaningMiddleware:
    """Cleans every query string and form body before any view, form or admin sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _CONTROL.search(request.path):
            raise Http404("No such page.")
        if request.GET:
            request.GET, _too_long = _cleaned(request.GET, cut=MAX_QUERY_CHARS)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            post, too_long = _cleaned(request.POST, bound=MAX_FIELD_CHARS)
            if too_long:
                message = _("A field is longer than %(n)d characters. Shorten it and try again.")
                body = render_to_string(
                    "400.html", {"message": message % {"n": MAX_FIELD_CHARS}}, request=request
                )
                return HttpResponseBadRequest(body)
            request.POST = post
        return self.get_response(request)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
