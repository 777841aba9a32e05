"""Photos from the phone: checked by what they contain, not by their name, and re-encoded.

Decoding and writing a fresh JPEG drops everything but the pixels: EXIF (with the phone's GPS
position), comments, trailing data. The limits keep one upload from filling the disk or the
memory: bytes before, pixels from the header before decoding (a small PNG can hold a huge
blank image), bytes after. A JPEG is decoded straight at the scale it is stored at (draft), any
other image is shrunk by whole steps (reduce) before it is turned and converted, so that no
full-size copy is made.
"""

from __future__ import annotations

import io
import secrets
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

MAX_PHOTOS = 6
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # as sent, each
LONGEST_SIDE = 1600  # stored photos are scaled down to this
MAX_STORED_BYTES = 1024 * 1024  # re-encoded, each (quality steps down until it fits)
QUALITIES = (82, 70, 58, 45)
REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "F"}
# EXIF orientation → the turn that makes the picture upright (as ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# What Pillow raises on a file it cannot read: none of it may become a 500.
UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
)


def max_pixels() -> int:
    return settings.PHOTO_MAX_PIXELS


def clean_photo(upload) -> ContentFile:
    """The upload as a fresh JPEG without metadata, or ValidationError with a clear message."""
    name = getattr(upload, "name", "") or "photo"
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per photo.")
            % {"name": name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    too_many_pixels = ValidationError(
        _("%(name)s has too many pixels: at most %(mp)s megapixels per photo.")
        % {"name": name, "mp": f"{max_pixels() / 1_000_000:g}"},
        code="too_many_pixels",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:  # reads the header, not the pixels
            width, height = probe.size
            if width * height > max_pixels():
                raise too_many_pixels
            probe.verify()  # structure check; the image must be opened again to decode
        upload.seek(0)
        with Image.open(upload) as image:
            image = _decoded(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, hit before the header check can run (hundreds of megapixels).
        raise too_many_pixels from None
    except UNREADABLE:
        raise ValidationError(
            _("%(name)s is not a photo.") % {"name": name}, code="not_a_photo"
        ) from None
    for quality in QUALITIES:
        out = io.BytesIO()
        # A new image with no info dict: no exif=, no icc_profile=, nothing carried over.
        image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= MAX_STORED_BYTES:
            break
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(4)}.jpg")


def _target(size: tuple[int, int]) -> tuple[int, int]:
    """The stored size: the same shape, at most LONGEST_SIDE on the long side, never enlarged."""
    width, height = size
    ratio = min(1.0, LONGEST_SIDE / max(width, height))
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _decoded(image: Image.Image) -> Image.Image:
    """The opened image decoded small, upright, in RGB, at most LONGEST_SIDE on its long side."""
    turn = UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    target = _target(image.size)
    # JPEG only: decode at 1/2, 1/4 or 1/8 scale, the smallest that still covers the target.
    image.draft("RGB", target)
    image.load()
    if image.mode not in REDUCIBLE_MODES:
        image = image.convert("RGB")  # palette and 1-bit images cannot be reduced as they are
    factor = min(image.width // target[0], image.height // target[1])
    if factor >= 2:
        image = image.reduce(factor)  # averages whole blocks; still covers the target
    image = image.convert("RGB")
    if image.size != target:
        image = image.resize(target, Image.Resampling.BICUBIC)
    if turn is not None:
        image = image.transpose(turn)
    return image
