"""An order's photos: sent inline, or fetched from an address the hotline gives, and then
checked and re-encoded exactly like a photo from the phone (cases/photos.py).

Fetching is off unless the operator lists the origins photos may come from
(GRIDGOV_HOTLINE_ATTACHMENT_HOSTS): the server must not be made to call an inside address
and hand back what answers. So an address is fetched only from a listed origin; its host is
resolved once and the connection made to that very address (a second lookup cannot turn it
into another); a name that resolves to an inside address is refused unless the operator
listed that address itself; no redirect is followed; the time and the bytes are bounded.
"""

from __future__ import annotations

import http.client
import ipaddress
from time import monotonic
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from cases import photos
from cases.hotline.adapter import AttachmentIn
from cases.models.hotline import listed_origins, origin_of
from gridgov.channels import (
    DELIVERY_TIMEOUT,
    INVALID_ADDRESS,
    DeliveryError,
    PinnedHTTPConnection,
    PinnedHTTPSConnection,
    address_for,
)
from gridgov.errors import DomainError

MAX_FETCH_BYTES = photos.MAX_UPLOAD_BYTES
FETCH_SECONDS = 15  # all of one photo's fetch, however slowly the host trickles it


class _Refused(Exception):
    """A photo that cannot be had, in words for the caller."""


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _address(host: str, port: int) -> str:
    """The one address to connect to; an inside one only when the host is that address."""
    try:
        return address_for(host, port, inside_ok=_literal(host))
    except DeliveryError as exc:
        if exc.category == INVALID_ADDRESS:
            raise _Refused(_("its host is an inside address")) from None
        raise _Refused(_("its host is unknown")) from None


def _fetch(url: str) -> bytes:
    origin = origin_of(url)
    if origin is None or origin not in listed_origins(settings.GRIDGOV_HOTLINE_ATTACHMENT_HOSTS):
        raise _Refused(_("its host is not one photos may be fetched from"))
    scheme, host, port = origin
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
    connection = kind(host, port, address=_address(host, port), timeout=DELIVERY_TIMEOUT)
    started = monotonic()
    try:
        connection.request("GET", target, headers={"Accept": "image/*", "User-Agent": "gridgov"})
        response = connection.getresponse()
        if response.status != 200:
            raise _Refused(_("its host answered %(status)d") % {"status": response.status})
        length = response.getheader("Content-Length") or ""
        if length.isdigit() and int(length) > MAX_FETCH_BYTES:
            raise _Refused(_("it is larger than 8 MB"))
        chunks, size = [], 0
        while True:
            chunk = response.read(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FETCH_BYTES:
                raise _Refused(_("it is larger than 8 MB"))
            if monotonic() - started > FETCH_SECONDS:
                raise _Refused(_("its host was too slow"))
            chunks.append(chunk)
        return b"".join(chunks)
    except (OSError, http.client.HTTPException, ValueError):
        raise _Refused(_("its host could not be reached")) from None
    finally:
        connection.close()


def order_photos(attachments: tuple[AttachmentIn, ...]) -> list[ContentFile]:
    """Each attachment fetched or decoded, checked and re-encoded; DomainError naming the
    attachment ("attachments.1.url") for the first that cannot be had."""
    cleaned = []
    for i, attachment in enumerate(attachments):
        where = f"attachments.{i}.url" if attachment.url else f"attachments.{i}.content_base64"
        try:
            content = attachment.content if attachment.url == "" else _fetch(attachment.url)
        except _Refused as reason:
            raise DomainError(
                _("This photo cannot be fetched: %(reason)s.") % {"reason": reason}, field=where
            ) from None
        upload = ContentFile(content or b"", name=attachment.name or f"photo-{i + 1}")
        try:
            cleaned.append(photos.clean_photo(upload))
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field=where) from None
    return cleaned
