"""The QR code of a printed bulletin: an inline SVG made by segno, pointing at the place's public
page by its absolute address (the public base URL when one is set: bulletins are printed on the
office's network but scanned from residents' phones)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


def public_url(request, path: str) -> str:
    """The absolute address of a public page: GRIDGOV_PUBLIC_BASE_URL + path, or the address
    this request came in on."""
    base = getattr(settings, "GRIDGOV_PUBLIC_BASE_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str, *, title: str = "") -> SafeString:
    """`url` as a QR code (error correction M, never a micro QR: every phone reads a full one),
    an inline <svg> that scales with its box. segno escapes the title."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(border=4, omitsize=True, title=title or None, svgclass="qr")
    return mark_safe(svg)  # noqa: S308 - segno's own markup, its text escaped by segno
