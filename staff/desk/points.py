"""Points on the desk (/desk/points/…): the people's balances at or under a place with what they
earned and spent in the month, computing and publishing a village's month, opening cards, one
person's ledger with awards and deductions, and the month's list as the village publishes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cleaning import parse_id
from grids.models import Tier
from grids.qr import public_url, qr_svg
from staff import access, actions
from staff.actions.points import POST_ROLES, village_of
from staff.desk.pages import chosen_month, page_node, refused, trail
from staff.models import PointsAccount, PointsMonth
from staff.queries import measures
from staff.queries import points as queries


def _act(request, node, month):
    post, user, do = request.POST, request.user, request.POST.get("do")
    if do == "compute":
        actions.points_compute_month(
            actor=user, village_id=parse_id(post.get("village")) or 0, month=month
        )
        return _("The month's points are computed from the records."), None
    if do == "publish":
        actions.points_publish_month(actor=user, month_id=parse_id(post.get("record")) or 0)
        return _("The month's points are published."), None
    if do == "open":
        resident = parse_id(post.get("resident"))
        if resident is not None:
            account = actions.points_account_open(actor=user, resident_id=resident)
        else:
            account = actions.points_account_open(
                actor=user,
                user_id=parse_id(post.get("person")) or 0,
                village_id=parse_id(post.get("village")) or 0,
            )
        return _("The points card is open."), account
    raise ValidationError(_("Choose what to do."))


def _without_card(user, node, month) -> list:
    """A village's people with a post that earns points but no card yet (one query each)."""
    if node.tier != Tier.VILLAGE or not access.can(user, "points.award", node):
        return []
    posts = measures.posts_in(node, measures.Month(month), POST_ROLES.values())
    carded = set(PointsAccount.objects.filter(village=node).values_list("user_id", flat=True))
    from django.contrib.auth import get_user_model

    wanted = {p.user_id for p in posts} - carded
    return list(get_user_model().objects.filter(pk__in=wanted).order_by("pk")) if wanted else []


@login_required
@require_http_methods(["GET", "POST"])
def points_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "points.view")
    user = request.user
    month = chosen_month(request)
    status = 200
    if request.method == "POST":
        try:
            done, account = _act(request, node, month)
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, done)
            if account is not None:
                return redirect("points_account", account_id=account.pk)
            return redirect(f"{reverse('points_node', args=[node.pk])}?month={month:%Y-%m}")
    q = " ".join(request.GET.get("q", "").split())[:40]
    accounts = queries.account_rows(
        queries.search_accounts(queries.accounts_in(user, "points.view", node), q), month
    )
    page = Paginator(accounts, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    records = queries.months_at(user, node, month)
    for record in records:
        record.may_award = access.can(user, "points.award", record)
    village = node if node.tier == Tier.VILLAGE else None
    context = {
        "node": node,
        **trail(user, node),
        "month": month,
        "q": q,
        "page": page,
        "records": records,
        "may_compute": bool(village) and not records and access.can(user, "points.award", node),
        "may_award": access.can(user, "points.award", node),
        "residents": queries.residents_without_card(user, node, q)
        if access.can(user, "points.award", node)
        else [],
        "without_card": _without_card(user, node, month),
    }
    return render(request, "staff/desk/points.html", context, status=status)


def _account(request, account_id: int) -> PointsAccount:
    account = (
        PointsAccount.objects.select_related("user", "resident__household", "village", "node")
        .filter(pk=account_id)
        .first()
    )
    if account is None or not access.in_scope(request.user, account):
        raise Http404("No such account.")
    access.require_door(request.user, "desk")
    access.require(request.user, "points.view", account)
    return account


@login_required
@require_http_methods(["GET", "POST"])
def account_page(request, account_id: int):
    """One person's card: the balance, every entry with the balance after it, the redemptions,
    an award or deduction with its reason, and the card to print with its QR code."""
    account = _account(request, account_id)
    status = 200
    if request.method == "POST":
        try:
            actions.points_award(
                actor=request.user,
                account_id=account.pk,
                amount=request.POST.get("amount", ""),
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, _("The points are recorded."))
            return redirect("points_account", account_id=account.pk)
    card_url = public_url(request, reverse("public_points_card", args=[account.code]))
    context = {
        "account": account,
        **trail(request.user, account.node),
        "ledger": queries.ledger(account),
        "redemptions": queries.redemptions_of([account]),
        "may_award": access.can(request.user, "points.award", account),
        "card_url": card_url,
        "card_qr": qr_svg(card_url, title=account.holder_name),
    }
    return render(request, "staff/desk/points_account.html", context, status=status)


@login_required
@require_GET
def publication_page(request, node_id: int):
    """The month's points of a village as it publishes them (公布), to print for the board."""
    node = page_node(request, node_id, "points.view")
    village = village_of(node)
    if village is None:
        raise Http404("Not a village.")
    access.require(request.user, "points.view", village)
    month = chosen_month(request)
    record = PointsMonth.objects.filter(village=village, month=month).first()
    context = {
        "node": village,
        **trail(request.user, village),
        "month": month,
        "record": record,
        "people": queries.publication(record) if record else [],
    }
    return render(request, "staff/desk/points_publication.html", context)
