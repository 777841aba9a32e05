"""Points on the phone: a person's own cards (/m/points/: balance, what they earned, what they
redeemed, and the QR code the shop scans), and the village shop's counter for its staff
(/m/shop/: find a person; /m/shop/card/<code>/: the scanned card, and what they take)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.cleaning import parse_id
from gridgov.errors import DomainError, field_errors
from grids.qr import public_url, qr_svg
from staff import access, actions
from staff.models import PointsAccount, PointsEntry
from staff.queries import points as queries

SHOWN = 30


def counter_qr(request, account: PointsAccount, title: str | None = None):
    """The QR code the shop's staff scan: it opens this card at their counter."""
    url = public_url(request, reverse("shop_card", args=[account.code]))
    return qr_svg(url, title=title if title is not None else account.holder_name), url


@access.door_required("mobile")
def my_points(request):
    accounts = queries.my_accounts(request.user)
    cards = []
    for account in accounts:
        qr, url = counter_qr(request, account)
        cards.append({"account": account, "qr": qr, "url": url})
    context = {
        "cards": cards,
        "entries": list(
            PointsEntry.objects.filter(account__in=accounts)
            .select_related("rule", "redemption__item", "account__village")
            .order_by("-created_at", "-pk")[:SHOWN]
        )
        if accounts
        else [],
    }
    return render(request, "staff/mobile/points.html", context)


@access.door_required("mobile", "shop.redeem")
def counter(request):
    """Find a person of one's villages by name or card code (or scan their card)."""
    q = " ".join(request.GET.get("q", "").split())[:40]
    found = []
    if q:
        found = list(
            queries.search_accounts(
                access.scope(request.user, "shop.redeem", PointsAccount.objects.all()), q
            )
            .select_related("user", "resident", "node", "village")
            .order_by("village__code", "pk")[:SHOWN]
        )
    return render(request, "staff/mobile/counter.html", {"q": q, "found": found})


@login_required
@require_http_methods(["GET", "POST"])
def card(request, card_code: str):
    """A card scanned at the counter: the person, the balance, the village's goods, and what
    they take now."""
    account = (
        PointsAccount.objects.select_related("user", "resident", "village", "node")
        .filter(code=card_code.upper()[:16])
        .first()
    )
    if account is None or not access.in_scope(request.user, account):
        raise Http404("No such card.")
    access.require_door(request.user, "mobile")
    access.require(request.user, "shop.redeem", account)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        item_id = parse_id(request.POST.get("item"))
        try:
            if item_id is None:
                raise DomainError(_("Choose the goods."), field="item")
            redemption = actions.shop_redeem(
                actor=request.user,
                account_id=account.pk,
                item_id=item_id,
                quantity=request.POST.get("quantity", "1"),
            )
        except ValidationError as error:
            errors = field_errors(error)
        else:
            messages.success(
                request,
                _("%(who)s took %(n)d × %(goods)s for %(points)d points.")
                % {
                    "who": account.holder_name,
                    "n": redemption.quantity,
                    "goods": redemption.item.name,
                    "points": redemption.points,
                },
            )
            return redirect("shop_card", card_code=account.code)
    context = {
        "account": account,
        "shelf": queries.shelf(account.village, active_only=True),
        "redemptions": queries.redemptions_of([account], limit=10),
        "errors": errors,
    }
    return render(request, "staff/mobile/card.html", context, status=400 if errors else 200)
