"""Talking to the outside channels (mail, the towns' group robots), and what went wrong in a few
words: the delivery list is read by town admins, who must not learn the server's inside
addresses, ports or keys from an exception's text."""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.core.mail import get_connection, send_mail
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.models import robot_url_allowed

DELIVERY_TIMEOUT = 5  # seconds per connect and per read: a hung channel must not hold the worker

INVALID_ADDRESS = "invalid address"


class DeliveryError(Exception):
    """A delivery that did not go out, as the short category the delivery list shows."""

    def __init__(self, category: str, *, final: bool = False, waiting: bool = False):
        super().__init__(category)
        self.category = category
        self.final = final  # trying again cannot help
        self.waiting = waiting  # not tried: the channel is off for now, the message waits


def send_email(*, subject: str, text: str, to: str) -> None:
    send_mail(
        subject=subject,
        message=text,
        from_email=None,
        recipient_list=[to],
        connection=get_connection(timeout=DELIVERY_TIMEOUT),
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A robot never redirects; following one would let the address's owner send the server
    # to any other host, inside ones included. A 3xx is then an HTTPError like any other.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_to_robot(url: str, body: dict) -> None:
    """POST the JSON body to a group robot; DeliveryError when the robot says no."""
    # Checked here too, not only in the admin form: rows written before the rule or around it.
    if not robot_url_allowed(url):
        raise DeliveryError(INVALID_ADDRESS, final=True)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    with _opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
        answer = response.read(2000)
    # The robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise DeliveryError(f"robot error {errcode if isinstance(errcode, int) else '?'}")


def address_for(host: str, port: int, *, inside_ok: bool = False) -> str:
    """The one address to connect to for `host`. A name that leads inside (loopback, a private
    network) is refused unless `inside_ok` (the operator listed it): an admin who may type a
    webhook's address must not reach the server's own network through a name. The connection
    then goes to this address, so a name that changes its answer cannot slip past."""
    try:
        found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise DeliveryError("unknown host") from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise DeliveryError("unknown host")
    if not inside_ok and any(not ipaddress.ip_address(a).is_global for a in addresses):
        raise DeliveryError(INVALID_ADDRESS, final=True)
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """A connection to `host` made to the address already looked up for it."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS, the certificate checked against the host's name."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post_signed(url: str, body: bytes, headers: dict[str, str], *, address: str) -> None:
    """POST a signed JSON body to another system's webhook (the 12345 hotline's) at the
    `address` looked up for its host (address_for), with the robots' timeouts and no
    redirects; an answer other than 2xx is an HTTPError. The caller checks the address
    (cases/hotline/outgoing.py)."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    kind = PinnedHTTPSConnection if secure else PinnedHTTPConnection
    port = parts.port or (443 if secure else 80)
    connection = kind(parts.hostname, port, address=address, timeout=DELIVERY_TIMEOUT)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8", **headers},
        )
        response = connection.getresponse()
        response.read(2000)
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise urllib.error.HTTPError(url, response.status, response.reason, response.headers, None)


def error_category(exc: BaseException) -> str:
    """What went wrong, in a few words; never the exception's own text."""
    if isinstance(exc, DeliveryError):
        return exc.category
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP status {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return error_category(reason) if isinstance(reason, BaseException) else "network error"
    for kinds, category in (
        (TimeoutError, "timeout"),
        (ConnectionRefusedError, "refused"),
        (ConnectionError, "connection lost"),
        (socket.gaierror, "unknown host"),
        (ssl.SSLError, "TLS error"),
        (smtplib.SMTPException, "mail server error"),
        (http.client.HTTPException, "bad answer"),
        (OSError, "network error"),
        (ValueError, INVALID_ADDRESS),
    ):
        if isinstance(exc, kinds):
            return category
    return "error"


ERROR_LABELS = {
    "timeout": gettext_lazy("timed out"),
    "refused": gettext_lazy("connection refused"),
    "connection lost": gettext_lazy("connection lost"),
    "unknown host": gettext_lazy("unknown host"),
    "TLS error": gettext_lazy("certificate or encryption error"),
    "mail server error": gettext_lazy("mail server error"),
    "bad answer": gettext_lazy("unreadable answer"),
    "network error": gettext_lazy("network error"),
    INVALID_ADDRESS: gettext_lazy("address not allowed"),
    "hotline off": gettext_lazy("the hotline's settings are missing or switched off"),
}
_NUMBERED = re.compile(r"(HTTP status|robot error) (\d+|\?)")


def error_label(category: str) -> str:
    """A stored error category in the reader's language; any other text as "sending failed"."""
    if not category:
        return ""
    if category in ERROR_LABELS:
        return str(ERROR_LABELS[category])
    numbered = _NUMBERED.fullmatch(category)
    if numbered and numbered[1] == "HTTP status":
        return _("HTTP status %(code)s") % {"code": numbered[2]}
    if numbered:
        return _("robot error code %(code)s") % {"code": numbered[2]}
    return _("sending failed")
