"""Open311's two formats from one answer. XML is the spec's required format: the root element,
a list's items each in the element the spec's examples name, an empty element for nothing.
JSON follows the spec's Spark convention: the root element dropped, a list a JSON array,
nothing `null`. Both are UTF-8, with the content types the spec names.

A refusal is the spec's error list ({code, description} each) with the HTTP status the spec
asks for: 404 for what does not exist, 403 for a missing or wrong api_key, 400 for the rest
(405 for another method, 429 past a rate)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element each item of a list is written in, by the list's own element (the spec's names).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# What XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF): dropped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Refusal(Exception):
    """Why a request is not answered: the HTTP status and one or more descriptions."""

    def __init__(self, status: int, *descriptions, headers: dict | None = None):
        super().__init__(status, *descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(ET.SubElement(element, name), inner)
    elif isinstance(value, list | tuple):
        item = ITEMS[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, item), inner)
    else:
        element.text = _xml_text(value)


def xml_document(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    ET.indent(element, space="    ")
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def json_document(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_value).encode("utf-8")


def answer(root: str, data, fmt: str, *, status: int = 200, headers: dict | None = None):
    """The answer `data` (the content of the `root` element) in `fmt`, "xml" or "json"."""
    fmt = fmt if fmt in FORMATS else "xml"
    body = xml_document(root, data) if fmt == "xml" else json_document(data)
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def refusal(exc: Refusal, fmt: str):
    """The spec's error list for `exc`, with its HTTP status."""
    errors = [{"code": exc.status, "description": d} for d in exc.descriptions]
    return answer("errors", errors, fmt, status=exc.status, headers=exc.headers)
