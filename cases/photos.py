"""Photos from the phone: checked by what they contain, not by their name, and re-encoded.

Decoding and writing a fresh JPEG drops everything but the pixels: EXIF (with the phone's GPS
position), comments, trailing data. The limits keep one upload from filling the disk or the
memory: bytes before, pixels before decoding (a decompression bomb), bytes after.
"""

from __future__ import annotations

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 6
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # as sent, each
MAX_PIXELS = 40_000_000  # refuse anything larger before decoding it
LONGEST_SIDE = 1600  # stored photos are scaled down to this
MAX_STORED_BYTES = 1024 * 1024  # re-encoded, each (quality steps down until it fits)
QUALITIES = (82, 70, 58, 45)


def clean_photo(upload) -> ContentFile:
    """The upload as a fresh JPEG without metadata, or ValidationError with a clear message."""
    name = getattr(upload, "name", "") or "photo"
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per photo.")
            % {"name": name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    not_a_photo = ValidationError(_("%(name)s is not a photo.") % {"name": name})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels (%(w)d × %(h)d).")
                    % {"name": name, "w": width, "h": height}
                )
            probe.verify()  # structure check; the image must be opened again to decode
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep it upright, then forget the EXIF
            image = image.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_a_photo from None
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    for quality in QUALITIES:
        out = io.BytesIO()
        # A new image with no info dict: no exif=, no icc_profile=, nothing carried over.
        image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= MAX_STORED_BYTES:
            break
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(4)}.jpg")
