"""Portraits for the bulletin board: checked and re-encoded like the phone's photos (what the
file contains, its size and pixels; nothing but the pixels kept), then made passport-small, so
that a grid's page with its whole roster stays light on a 3G phone."""

from __future__ import annotations

import io
import secrets

from django.core.files.base import ContentFile
from PIL import Image

from cases.photos import clean_photo

LONGEST_SIDE = 320  # pixels: a bulletin prints portraits about 3 cm high
QUALITY = 80


def clean_portrait(upload) -> ContentFile:
    """The upload as a small fresh JPEG without metadata, under an unguessable name (the name
    is the photo's public address), or ValidationError with the photo form's messages."""
    photo = clean_photo(upload)
    with Image.open(io.BytesIO(photo.read())) as image:
        image = image.convert("RGB")
        image.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(12)}.jpg")
