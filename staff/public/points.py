"""A points card for the person who holds it (/g/points/<code>/): no login, the card's code is
the key. It shows what the card holder may know: the village, the name masked, the balance, what
was earned and redeemed, and the QR code the shop's staff scan. Wrong codes are counted per
address and locked out like wrong tracking codes."""

from __future__ import annotations

import re

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.public import guards
from staff.mobile.points import counter_qr
from staff.models import PointsAccount
from staff.models.points import CARD_ALPHABET, CARD_LENGTH
from staff.queries import points as queries

_CODE = re.compile(f"[{CARD_ALPHABET}]{{{CARD_LENGTH}}}")
SHOWN = 30


def masked_name(name: str) -> str:
    """张** : the family name and a star for each other character."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


@require_GET
def points_card(request, card_code: str):
    if guards.tracking_locked(request):
        return render(request, "staff/public/locked.html", status=429)
    code = card_code.strip().upper()
    account = None
    if _CODE.fullmatch(code):
        account = (
            PointsAccount.objects.select_related("village", "user", "resident")
            .filter(code=code)
            .first()
        )
    if account is None:
        guards.tracking_failed(request)
        return render(request, "staff/public/no_card.html", status=404)
    name = masked_name(account.holder_name)
    qr, url = counter_qr(request, account, title=name)
    context = {
        "account": account,
        "name": name,
        "qr": qr,
        "counter_url": url,
        "entries": list(
            account.entries.select_related("rule", "redemption__item").order_by(
                "-created_at", "-pk"
            )[:SHOWN]
        ),
        "redemptions": queries.redemptions_of([account], limit=10),
    }
    return render(request, "staff/public/points_card.html", context)
