"""爱心超市 / 积分超市: a village's shop where points buy goods (seeds 002, 003). Each change of
stock is a move; a redemption takes stock and points in one transaction or not at all."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShopItem(models.Model):
    """Goods on a village shop's shelf: their price in points and the stock."""

    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="shop_items",
    )
    name = models.CharField(_("goods"), max_length=60)
    unit = models.CharField(_("unit"), max_length=10, default="件")
    price = models.PositiveIntegerField(_("price in points"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    active = models.BooleanField(_("on the shelf"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("goods of the points shop")
        verbose_name_plural = _("goods of the points shop")
        ordering = ["village", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"], name="shopitem_one_name_per_village"
            ),
            models.CheckConstraint(condition=Q(price__gte=1), name="shopitem_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="shopitem_stock_never_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_node(self):
        return self.village


class Redemption(models.Model):
    """Goods taken for points by one person at their village's shop, recorded by its staff."""

    account = models.ForeignKey(
        "staff.PointsAccount",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="redemptions",
    )
    item = models.ForeignKey(
        ShopItem, verbose_name=_("goods"), on_delete=models.PROTECT, related_name="redemptions"
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    points = models.PositiveIntegerField(_("points"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="redemption_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"

    @property
    def access_node(self):
        return self.account.node


class MoveKind(models.TextChoices):
    STOCK_IN = "stock_in", _("Stocked")
    REDEMPTION = "redemption", _("Redeemed")
    COUNT = "count", _("Stock-take correction")


class StockMove(models.Model):
    """One change of a shelf's stock: goods in, goods redeemed, or a stock-take's correction."""

    item = models.ForeignKey(
        ShopItem, verbose_name=_("goods"), on_delete=models.PROTECT, related_name="moves"
    )
    change = models.IntegerField(_("change"))
    kind = models.CharField(_("kind"), max_length=12, choices=MoveKind.choices)
    stock_after = models.PositiveIntegerField(_("stock after"))
    redemption = models.OneToOneField(
        Redemption,
        verbose_name=_("redemption"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="move",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["item", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(change=0), name="stockmove_not_zero")]
        indexes = [models.Index(fields=["item", "created_at"], name="stockmove_item_time")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.change:+d}"
