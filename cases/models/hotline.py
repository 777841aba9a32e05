"""The 12345 hotline's work orders (工单): the settings of each hotline that calls the API
(its webhook, signing secret and response time), and each order it pushed, kept beside the
case it became. The hotline's JSON and these fields meet in one place: cases/hotline/adapter.py."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.choices import Source

_DEFAULT_PORTS = {"https": 443, "http": 80}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a plain http(s) address, or None for anything else."""
    if not url or any(c <= " " or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def listed_origins(entries) -> set[tuple[str, str, int]]:
    """The origins of a setting's list: "host[:port]" means https, or a whole origin."""
    found = (origin_of(e if "://" in e else f"https://{e}") for e in entries)
    return {o for o in found if o is not None}


def _inside_address(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")
    return not ip.is_global


def webhook_url_allowed(url: str) -> bool:
    """May the server post a hotline's messages here? https to a host on the internet, or an
    origin the operator listed in GRIDGOV_HOTLINE_HTTP_HOSTS (plain http, an inside address)."""
    origin = origin_of(url)
    if origin is None:
        return False
    if origin in listed_origins(settings.GRIDGOV_HOTLINE_HTTP_HOSTS):
        return True
    return origin[0] == "https" and not _inside_address(origin[1])


def validate_webhook_url(value: str) -> None:
    if not webhook_url_allowed(value):
        raise ValidationError(
            _(
                "Use an https address on the internet; plain http or an inside address only "
                "when the operator lists it in GRIDGOV_HOTLINE_HTTP_HOSTS."
            ),
            code="hotline_host",
        )


class HotlineConfig(models.Model):
    """What gridgov knows of one hotline besides its API client: where its messages go, the
    secret they are signed with, and how soon a town must sign for its orders."""

    client = models.OneToOneField(
        "gridgov.ApiClient",
        on_delete=models.CASCADE,
        related_name="hotline_config",
        verbose_name=_("API client"),
    )
    webhook_url = models.URLField(
        _("webhook address"),
        max_length=500,
        validators=[validate_webhook_url],
        help_text=_("Where gridgov posts the hotline's messages (signed for, replies, returns)."),
    )
    # Kept as it is: an HMAC is made with the secret itself. Shown once when made, never after.
    secret = models.CharField(_("signing secret"), max_length=128, editable=False)
    secret_set_at = models.DateTimeField(_("secret set at"), null=True, editable=False)
    response_hours = models.PositiveSmallIntegerField(
        _("response time (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "A town signs for an order within this time (响应); empty: GRIDGOV_HOTLINE_RESPONSE_HOURS."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: messages wait and are retried, not sent.")
    )

    class Meta:
        verbose_name = _("12345 hotline settings")
        verbose_name_plural = _("12345 hotline settings")
        ordering = ["client__name", "pk"]

    def __str__(self) -> str:
        return str(self.client)

    @property
    def access_node(self):
        return self.client.node

    @property
    def hours(self) -> int:
        return self.response_hours or settings.GRIDGOV_HOTLINE_RESPONSE_HOURS


class HotlineOrder(models.Model):
    """One work order the hotline pushed, and what became of it on the hotline's side: signed
    for, replied to, urged, called back, asked to be taken back."""

    class Verdict(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    class Return(models.TextChoices):
        NONE = "", _("Not asked")
        REQUESTED = "requested", _("Asked, waiting for the hotline")
        ACCEPTED = "accepted", _("Taken back by the hotline")
        REFUSED = "refused", _("Refused by the hotline")

    client = models.ForeignKey(
        "gridgov.ApiClient",
        on_delete=models.PROTECT,
        related_name="hotline_orders",
        verbose_name=_("hotline"),
    )
    order_no = models.CharField(_("hotline order number"), max_length=64)
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="hotline_order", verbose_name=_("case")
    )
    category_text = models.CharField(_("hotline category"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("the hotline's deadline"), null=True, blank=True)
    respond_by = models.DateTimeField(_("sign for it by"))
    signed_at = models.DateTimeField(_("first signed for at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("last reply sent at"), null=True, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("urged"), default=0)
    last_urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)
    verdict = models.CharField(
        _("call-back verdict"), max_length=20, choices=Verdict.choices, blank=True
    )
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    return_state = models.CharField(
        _("return to the hotline"), max_length=10, choices=Return.choices, blank=True
    )
    return_reason = models.TextField(_("why it is not ours"), blank=True)
    return_answer = models.TextField(_("the hotline's answer"), blank=True)
    return_requested_at = models.DateTimeField(_("return asked at"), null=True, blank=True)
    return_decided_at = models.DateTimeField(_("return decided at"), null=True, blank=True)
    # Every message to the hotline about this order carries the next number, so that the
    # hotline can put them in order whatever order retries deliver them in.
    sequence = models.PositiveIntegerField(_("messages sent"), default=0)

    class Meta:
        verbose_name = _("12345 work order")
        verbose_name_plural = _("12345 work orders")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "order_no"], name="hotlineorder_once"),
            models.CheckConstraint(
                condition=models.Q(return_state__in=["", "requested", "accepted", "refused"]),
                name="hotlineorder_return_known",
            ),
        ]
        indexes = [
            models.Index(fields=["received_at"], name="hotlineorder_received"),
            models.Index(fields=["called_back_at"], name="hotlineorder_called_back"),
        ]

    def __str__(self) -> str:
        return self.order_no

    @property
    def access_node(self):
        return self.case.node

    @property
    def satisfied(self) -> bool:
        return self.verdict in (self.Verdict.SATISFIED, self.Verdict.BASICALLY)


def order_of(case: Case) -> HotlineOrder | None:
    """The work order a case came from, or None (no query for a case of another source)."""
    if case.source != Source.HOTLINE:
        return None
    try:
        return case.hotline_order
    except ObjectDoesNotExist:
        return None
