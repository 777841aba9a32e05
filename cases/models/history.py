"""What happened to a case: its events, its mediations and its files."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.units import Unit


class CaseEvent(models.Model):
    """Append-only history: who did what, from which state and level to which."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the system (a rhythm) or a resident."),
    )
    action = models.CharField(_("action"), max_length=32)
    automatic = models.BooleanField(_("automatic"), default=False)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    from_owner = models.ForeignKey(
        "grids.GridNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        "grids.GridNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations")
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
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    is_photo = models.BooleanField(_("photo"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name
