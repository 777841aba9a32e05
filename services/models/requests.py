"""One-window requests (一窗受理 / 代办): a resident's request for one service item, from taking
it in to handing the result over, with its history, its one-time notice and its visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import new_tracking_code


class Channel(models.TextChoices):
    WINDOW = "window", _("At the window")
    ERRAND = "errand", _("Errand by a grid worker (代办)")
    ONLINE = "online", _("Online by the resident")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Taken in")
    INCOMPLETE = "incomplete", _("Materials incomplete")
    ACCEPTED = "accepted", _("Accepted")
    HANDED = "handed", _("With the back office")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Delivered")


class Delivery(models.TextChoices):
    WINDOW = "window", _("At the window")
    ERRAND = "errand", _("By the errand-runner")
    POST = "post", _("By post")


S = RequestStatus
# A request whose promised time runs: accepted, not yet decided.
CLOCKED_STATUSES = (S.ACCEPTED, S.HANDED)
# Not yet handed over to the resident.
OPEN_REQUEST_STATUSES = (S.RECEIVED, S.INCOMPLETE, S.ACCEPTED, S.HANDED, S.DONE, S.REFUSED)


class ServiceRequestSequence(models.Model):
    """The last request number handed out per town and year (locked when a request comes in)."""

    town = models.ForeignKey("grids.GridNode", on_delete=models.PROTECT, verbose_name=_("town"))
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="servicerequestsequence_town")
        ]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.year}: {self.last}"


class ServiceRequest(models.Model):
    number = models.CharField(_("request number"), max_length=30, unique=True)
    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code
    )
    item = models.ForeignKey(
        "services.ServiceItem",
        verbose_name=_("service item"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    version = models.ForeignKey(
        "services.ServiceItemVersion",
        verbose_name=_("item version"),
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("The item's text the request was made under."),
    )
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("resident's place"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=S.RECEIVED
    )
    resident_name = models.CharField(_("resident's name"), max_length=50)
    resident_phone = models.CharField(_("resident's phone"), max_length=20, blank=True)
    note = models.TextField(_("what the resident asks"), blank=True)
    # Indexes into the version's materials: what the window has in hand.
    received_materials = models.JSONField(_("materials received"), default=list, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    errand_runner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("errand-runner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_errands",
    )
    handler_unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("back office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    delivery = models.CharField(_("delivered"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_address = models.CharField(_("address for the post"), max_length=200, blank=True)
    result = models.TextField(_("result"), blank=True)
    # Told to the resident: shown on the tracking page.
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    visits = models.PositiveSmallIntegerField(_("trips to the window"), default=0)
    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handed_at = models.DateTimeField(_("handed to the back office at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    due_at = models.DateTimeField(_("promised by"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    # Made on the phone for each errand, so that a retried submission finds this request.
    submission_id = models.CharField(
        max_length=64, unique=True, null=True, blank=True, verbose_name=_("submission id")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=S.values), name="servicerequest_status_known"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="servicerequest_channel_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="servicerequest_refusal_has_reason",
            ),
        ]
        indexes = [
            # The sweep reads only clocked requests still to be flagged.
            models.Index(
                fields=["due_at"],
                name="servicerequest_due_unflagged",
                condition=Q(status__in=["accepted", "handed"], overdue_since__isnull=True),
            ),
            models.Index(fields=["received_at"], name="servicerequest_received"),
            models.Index(fields=["decided_at"], name="servicerequest_decided"),
            models.Index(fields=["item", "status"], name="servicerequest_item_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.resident_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def outcome(self) -> str:
        """done or refused, also once delivered ("" before the back office decided)."""
        if self.status in (S.DONE, S.REFUSED):
            return self.status
        if self.status == S.DELIVERED:
            return S.REFUSED if self.refusal_reason else S.DONE
        return ""

    @property
    def missing_materials(self) -> list:
        """The version's materials the window does not have yet."""
        have = set(self.received_materials or [])
        return [m for m in self.version.material_list if m.index not in have]


class ServiceRequestEvent(models.Model):
    """Append-only history of a request: who did what, from which state to which."""

    request = models.ForeignKey(
        ServiceRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("service request"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the system (a rhythm) or the resident online."),
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=32)
    automatic = models.BooleanField(_("automatic"), default=False, db_default=False)
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("service request event")
        verbose_name_plural = _("service request history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "created_at"], name="servicerequestevent_time")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class MaterialsNotice(models.Model):
    """一次性告知: the one notice that tells the resident everything still missing, at once.
    One per request (a constraint): a second notice would mean the first one was not complete."""

    request = models.OneToOneField(
        ServiceRequest,
        on_delete=models.CASCADE,
        related_name="materials_notice",
        verbose_name=_("service request"),
    )
    # The missing materials as they were told: {"name", "form", "count"} each.
    missing = models.JSONField(_("missing materials"), default=list)
    note = models.TextField(_("note to the resident"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("one-time notice")
        verbose_name_plural = _("one-time notices")

    def __str__(self) -> str:
        return f"{self.request_id} · {len(self.missing)}"


class ServiceVisit(models.Model):
    """最多跑一次: a day the resident came in person for the request (at most one row a day)."""

    request = models.ForeignKey(
        ServiceRequest,
        on_delete=models.CASCADE,
        related_name="visit_log",
        verbose_name=_("service request"),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("why they came"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("visit to the window")
        verbose_name_plural = _("visits to the window")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "date"], name="servicevisit_one_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.date}"
