"""GET discovery: the Open311 Service Discovery file of this endpoint (its specification, its
address, its formats, whom to ask for a key)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.open311 import door, render
from cases.open311.entries import stamp

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When what this file says last changed (the methods, formats or where to get a key): a
# client that cached it reads it again when this moves.
CHANGESET = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@door.method("GET")
def discovery(request, fmt):
    door.caller(request, required=False)
    root = request.build_absolute_uri(reverse("open311:discovery", kwargs={"format": fmt}))
    endpoint = root.rsplit("/", 1)[0]
    return render.answer(
        "discovery",
        {
            "changeset": stamp(CHANGESET),
            "contact": _(
                "Ask the county's governance centre, which runs this server, for help and for "
                "an API key."
            ),
            "key_service": _(
                "An administrator makes an API client with the Open311 endpoint in the admin "
                "(API clients) and gives you its key, shown once."
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": endpoint,
                    "changeset": stamp(CHANGESET),
                    "type": "test" if settings.DEBUG else "production",
                    "formats": [render.FORMATS["xml"].split(";")[0], "application/json"],
                }
            ],
        },
        fmt,
    )
