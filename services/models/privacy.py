"""Who saw a resident's phone in full on a service request or a help order, when, and why: the
services' counterpart of the ledger's reveal log (grids.RevealLog), which names only a resident
or a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhoneReveal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    request = models.ForeignKey(
        "services.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="phone_reveals",
        verbose_name=_("service request"),
    )
    order = models.ForeignKey(
        "services.HelpOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="phone_reveals",
        verbose_name=_("help order"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident's phone shown in full")
        verbose_name_plural = _("residents' phones shown in full")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=True) ^ Q(order__isnull=True),
                name="phonereveal_of_a_request_or_an_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.request_id or self.order_id}"

    @property
    def access_node(self):
        return (self.request or self.order).node
