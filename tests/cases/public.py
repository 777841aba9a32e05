"""What the residents' door tests share: public categories, a filled report form as a person
sends it (the form shown a minute ago), and a photo."""

from __future__ import annotations

import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.public import guards

PHONE = "13912345678"


def make_public(units):
    """The shared cast's categories, two of them offered to residents under their own names."""
    units.neighbours.public, units.neighbours.public_name = True, "邻里矛盾"
    units.neighbours.public_group = "neighbours"
    units.neighbours.save()
    units.fire.public, units.fire.public_name, units.fire.public_group = True, "着火了", "safety"
    units.fire.save()
    return units


def report_url(node) -> str:
    return f"/g/{node.code}/report/"


def shown_a_minute_ago() -> str:
    return guards.form_token(time.time() - 60)


def filled(category, /, **fields) -> dict:
    """The report form as a resident sends it."""
    return {
        "category": str(category.pk),
        "description": "村口路灯坏了三天，晚上很黑。",
        "location": "村口大槐树旁",
        "reporter_name": "刘大爷",
        "reporter_phone": PHONE,
        "started": shown_a_minute_ago(),
        "website": "",
        **fields,
    }


def jpeg(name="scene.jpg", size=(64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def english(client):
    """The client reads the pages in English (the words tests look for, whatever the catalog)."""
    client.cookies["django_language"] = "en"
    return client
