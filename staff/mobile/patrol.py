"""Today's patrol on the phone (/m/patrol/): start it, then finish it with notes and, if
something is wrong, a case in the same step, with a category and photos as the report form
asks for them."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.forms import category_choices
from cases.mobile.report import PhotosField
from gridgov.cleaning import parse_decimal, parse_id
from gridgov.errors import field_errors
from staff import access, actions, queries


def _coord(value):
    number = parse_decimal(value, limit=Decimal(180))
    return number.quantize(Decimal("0.000001")) if number is not None else None


def _photos(request) -> list:
    """The photos sent, checked and re-encoded as the report form does, or the refusal on the
    photos field."""
    try:
        return PhotosField(required=False).clean(request.FILES.getlist("photos"))
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from None


def _category_select(value) -> str:
    """The categories, grouped as on the report form, in one <select>."""
    choices, _categories = category_choices()
    return forms.Select(choices=choices, attrs={"id": "patrol-category"}).render("category", value)


@access.door_required("mobile")
@require_http_methods(["GET", "POST"])
def patrol_today(request):
    """Today's patrol of each of the user's grids: start, then finish with notes."""
    now = timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        lat, lng = _coord(request.POST.get("lat")), _coord(request.POST.get("lng"))
        try:
            if request.POST.get("do") == "start":
                node_id = parse_id(request.POST.get("node")) or 0
                actions.patrol_start(
                    actor=request.user, node_id=node_id, latitude=lat, longitude=lng, now=now
                )
                return redirect("patrol_today")
            patrol_id = parse_id(request.POST.get("patrol")) or 0
            _patrol, case = actions.patrol_finish(
                actor=request.user,
                patrol_id=patrol_id,
                notes=request.POST.get("notes", ""),
                finding=request.POST.get("finding", ""),
                is_case=bool(request.POST.get("is_case")),
                category_id=parse_id(request.POST.get("category")),
                photos=_photos(request),
                latitude=lat,
                longitude=lng,
                now=now,
            )
            return redirect("case_mobile", case.pk) if case else redirect("patrol_today")
        except ValidationError as exc:
            errors = field_errors(exc)
    patrols = {p.node_id: p for p in queries.todays_patrols(request.user, today)}
    rows = [(node, patrols.get(node.pk)) for node in queries.patrol_grids(request.user)]
    status = 400 if errors else 200
    # Only a patrol under way can be finished with a case: the categories are read for it alone.
    under_way = any(p and not p.finished_at for _node, p in rows)
    category = _category_select(request.POST.get("category", "")) if under_way else ""
    return render(
        request,
        "staff/mobile/patrol.html",
        {
            "rows": rows,
            "today": today,
            "errors": errors,
            "post": request.POST,
            "category_select": category,
        },
        status=status,
    )
