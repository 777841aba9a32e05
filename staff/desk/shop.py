"""A village's points shop on the desk (/desk/shop/…): the shelf (goods, price, stock; new
goods, stock in, the count), the counter (find a person by name or card code, record what they
take), the latest redemptions, and the month's stock-take (page and .xlsx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cleaning import parse_id
from grids.models import GridNode, Tier
from staff import access, actions
from staff.actions.points import village_of
from staff.desk.pages import chosen_month, page_node, refused, trail
from staff.queries import points as queries
from staff.sheets import stock_take_xlsx

COUNTER_RESULTS = 20


def shop_act(request, village) -> str:
    """The shelf's and the counter's forms, for either door."""
    post, user, do = request.POST, request.user, request.POST.get("do")
    item = parse_id(post.get("item")) or 0
    if do == "new":
        actions.shop_item_save(
            actor=user,
            village_id=village.pk,
            name=post.get("name", ""),
            unit=post.get("unit", ""),
            price=post.get("price", ""),
        )
        return _("The goods are on the shelf.")
    if do == "edit":
        actions.shop_item_save(
            actor=user,
            item_id=item,
            name=post.get("name", ""),
            unit=post.get("unit", ""),
            price=post.get("price", ""),
            active=bool(post.get("active")),
        )
        return _("The goods are changed.")
    if do == "stock_in":
        actions.shop_stock_in(
            actor=user, item_id=item, quantity=post.get("quantity", ""), note=post.get("note", "")
        )
        return _("The stock is recorded.")
    if do == "count":
        move = actions.shop_stock_count(
            actor=user, item_id=item, counted=post.get("counted", ""), note=post.get("note", "")
        )
        return (
            _("The count agrees with the books.") if move is None else _("The count is recorded.")
        )
    if do == "redeem":
        redemption = actions.shop_redeem(
            actor=user,
            account_id=parse_id(post.get("account")) or 0,
            item_id=item,
            quantity=post.get("quantity", "1"),
        )
        return _("%(who)s took %(n)d × %(goods)s for %(points)d points.") % {
            "who": redemption.account.holder_name,
            "n": redemption.quantity,
            "goods": redemption.item.name,
            "points": redemption.points,
        }
    raise ValidationError(_("Choose what to do."))


def _villages(user, node: GridNode) -> list[GridNode]:
    """Above a village: the villages under the place whose shops the person may see."""
    villages = GridNode.objects.filter(GridNode.subtree_q(node), tier=Tier.VILLAGE)
    return list(access.scope(user, "points.view", villages, via="").order_by("code"))


@login_required
@require_http_methods(["GET", "POST"])
def shop_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "points.view")
    user = request.user
    village = village_of(node)
    if village is None:  # a town or a county: choose the village
        return render(
            request,
            "staff/desk/shop_villages.html",
            {"node": node, **trail(user, node), "villages": _villages(user, node)},
        )
    access.require(user, "points.view", village)
    status = 200
    if request.method == "POST":
        try:
            done = shop_act(request, village)
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, done)
            return redirect("shop_node", node_id=village.pk)
    q = " ".join(request.GET.get("q", "").split())[:40]
    found = []
    if q and access.can(user, "shop.redeem", village):
        found = list(
            queries.search_accounts(
                queries.accounts_in(user, "shop.redeem", village), q
            ).select_related("user", "resident", "node")[:COUNTER_RESULTS]
        )
    context = {
        "node": village,
        **trail(user, village),
        "q": q,
        "found": found,
        "shelf": queries.shelf(village),
        "redemptions": queries.village_redemptions(village),
        "may_stock": access.can(user, "shop.stock", village),
        "may_redeem": access.can(user, "shop.redeem", village),
    }
    return render(request, "staff/desk/shop.html", context, status=status)


def _village_page(request, node_id: int):
    node = page_node(request, node_id, "points.view")
    village = village_of(node)
    if village is None:
        raise Http404("Not a village.")
    access.require(request.user, "points.view", village)
    return village


@login_required
@require_GET
def stock_take_page(request, node_id: int):
    """盘点表 of a month: opening stock, stocked, redeemed, corrected by a count, closing."""
    village = _village_page(request, node_id)
    month = chosen_month(request)
    context = {
        "node": village,
        **trail(request.user, village),
        "month": month,
        "rows": queries.stock_take(village, month),
    }
    return render(request, "staff/desk/stocktake.html", context)


@login_required
@require_GET
def stock_take_sheet(request, node_id: int):
    village = _village_page(request, node_id)
    month = chosen_month(request)
    body = stock_take_xlsx(village, month, queries.stock_take(village, month))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="stocktake-{village.code}-{month:%Y-%m}.xlsx"'
    )
    return response
