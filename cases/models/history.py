"""What happened to a case: its events, its mediations and its files."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.units import Unit


class CaseEvent(models.Model):
    """Append-only history: who did what, from which state and level to which."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("case"),
        db_index=False,  # caseevent_case_time leads with the case
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the system (a rhythm) or a resident."),
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=32)
    # The resident themselves, through their tracking code (a rating, a reopening); without
    # it an event with no actor is the system's. A default in the database too: the deadline
    # sweep writes its events in one INSERT … SELECT.
    by_resident = models.BooleanField(_("by the resident"), default=False, db_default=False)
    automatic = models.BooleanField(_("automatic"), default=False)
    from_status = models.CharField(max_length=12, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=12, blank=True, verbose_name=_("to status"))
    from_owner = models.ForeignKey(
        "grids.GridNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from level"),
    )
    to_owner = models.ForeignKey(
        "grids.GridNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to level"),
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handler"),
    )
    held_for = models.DurationField(_("held at the level for"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class Mediation(models.Model):
    """One recorded attempt to settle a dispute at one level of the ladder (seed 002)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Settled")
        FAILURE = "failure", _("Not settled")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="mediations", verbose_name=_("case")
    )
    level = models.ForeignKey(
        "grids.GridNode", verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mediator"), on_delete=models.PROTECT
    )
    parties = models.TextField(_("parties"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    agreement = models.TextField(_("agreement or what stands between them"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_outcome_display()} {self.created_at:%Y-%m-%d}"


def attachment_path(instance, filename):
    return f"cases/{instance.case_id}/{secrets.token_hex(8)}-{filename[-60:]}"


class Attachment(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    is_photo = models.BooleanField(_("photo"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name
