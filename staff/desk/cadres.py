"""Linked cadres and the appraisal of departments on the desk: each town cadre's accompanied
patrols of a week against what they are held to (/desk/copatrol/), the county's ranking of its
departments and outposts (/desk/departments/), and a town's monthly score sheet of the
outposts stationed with it (/desk/outposts/)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cleaning import parse_id
from grids.models import Tier
from staff import access, actions
from staff.desk.pages import chosen_month, page_node, refused, trail
from staff.queries import cadres as queries
from staff.queries import departments


def _chosen_week(request) -> dt.date:
    """The Monday of the week asked for (?week=YYYY-MM-DD, any day of it), else this week's."""
    text = (request.GET.get("week") or "").strip()[:10]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2999:
        day = timezone.localdate()
    return queries.week_of(day)


@login_required
@require_GET
def copatrol_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "copatrol.view")
    monday = _chosen_week(request)
    context = {
        "node": node,
        **trail(request.user, node),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7),
        "following": monday + dt.timedelta(days=7),
        "rows": queries.copatrol_compliance(node, monday),
    }
    return render(request, "staff/desk/copatrol.html", context)


@login_required
@require_GET
def ranking_page(request, node_id: int | None = None):
    """The county's departments and outposts, ranked for a month (a grant on the county)."""
    # A place below the county shows its county's ranking (the grant was on the county).
    node = departments.county_of(page_node(request, node_id, "unitrank.view"))
    month = chosen_month(request)
    rule = departments.rule_for(node)
    context = {
        "node": node,
        **trail(request.user, node),
        "month": month,
        "rule": rule,
        "measured_share": 100 - rule.town_share,
        "rows": departments.unit_ranking(node, month, rule),
    }
    return render(request, "staff/desk/departments.html", context)


def _score_values(post) -> tuple[dict[int, str], dict[int, str]]:
    points, reasons = {}, {}
    for name, value in post.items():
        for prefix, into in (("points_", points), ("reason_", reasons)):
            if name.startswith(prefix):
                item_id = parse_id(name.removeprefix(prefix))
                if item_id is not None:
                    into[item_id] = value
    return points, reasons


@login_required
@require_http_methods(["GET", "POST"])
def outposts_page(request, node_id: int | None = None):
    """A town's score sheet of its outposts for a month; at the county, the towns to choose."""
    node = page_node(request, node_id, "outpostscore.view")
    if node.tier != Tier.COUNTY:
        node = node.town  # a place in a town shows the town's sheet
    month = chosen_month(request)
    status = 200
    if request.method == "POST":
        if node.tier != Tier.TOWN:
            raise PermissionDenied  # a county scores no outpost; its towns do
        points, reasons = _score_values(request.POST)
        try:
            actions.outpost_score_save(
                actor=request.user,
                outpost_id=parse_id(request.POST.get("outpost")) or 0,
                month=month,
                points=points,
                reasons=reasons,
            )
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, _("The score is saved."))
            here = reverse("outposts_node", args=[node.pk])
            return redirect(f"{here}?month={month:%Y-%m}")
    context = {"node": node, **trail(request.user, node), "month": month}
    if node.tier == Tier.COUNTY:
        context["towns"] = queries.towns_under(node)
    else:
        items = departments.score_items(departments.county_of(node))
        rows = departments.outpost_sheet(node, month)
        for row in rows:
            row.cells = [(item, row.lines.get(item.pk)) for item in items]
        context["items"], context["rows"] = items, rows
        context["may_score"] = request.user.is_superuser or node.pk in access.nodes_where(
            request.user, "outpostscore.score"
        )
    return render(request, "staff/desk/outposts.html", context, status=status)
