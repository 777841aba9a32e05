"""Phone pages for patrols and household visits (/m/patrol/, /m/visits/)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.workflow import CaseError
from gridgov.cleaning import parse_decimal, parse_id
from grids.models import Household
from staff import access, actions, queries
from staff.models import VisitHow


def _door(user) -> None:
    if not access.can_anywhere(user, "door.mobile"):
        raise PermissionDenied


def _coord(value):
    number = parse_decimal(value, limit=Decimal(180))
    return number.quantize(Decimal("0.000001")) if number is not None else None


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"form": list(exc.messages)}


@login_required
@require_http_methods(["GET", "POST"])
def patrol_today(request):
    """Today's patrol of each of the user's grids: start, then finish with notes."""
    _door(request.user)
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
                latitude=lat,
                longitude=lng,
                now=now,
            )
            return redirect("case_mobile", case.pk) if case else redirect("patrol_today")
        except ValueError:
            raise Http404("No such grid or patrol.") from None
        except ValidationError as exc:
            errors = _errors(exc)
        except CaseError as exc:
            errors = {"finding": [str(exc)]}
    patrols = {p.node_id: p for p in queries.todays_patrols(request.user, today)}
    rows = [(node, patrols.get(node.pk)) for node in queries.patrol_grids(request.user)]
    status = 400 if errors else 200
    return render(
        request,
        "staff/mobile/patrol.html",
        {"rows": rows, "today": today, "errors": errors, "post": request.POST},
        status=status,
    )


@login_required
def visit_list(request):
    """The worker's households due a visit, most overdue first."""
    _door(request.user)
    today = timezone.localdate()
    households = queries.due_households(request.user, today)
    for h in households:
        h.overdue_days = (today - h.next_visit_due).days
    return render(request, "staff/mobile/visits.html", {"households": households, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request, household_id: int):
    """Record a visit to one household; "needs action" reports a case in the same step."""
    household = Household.objects.select_related("node").filter(pk=household_id).first()
    if household is None or not access.in_scope(request.user, household):
        raise Http404("No such household.")  # outside the scope: 404, then the door: 403
    _door(request.user)
    access.require(request.user, "visit.record", household)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    data = {"date": today.isoformat(), "how": "", "findings": "", "needs": "", "needs_action": ""}
    data["submission_id"] = uuid.uuid4().hex
    if request.method == "POST":
        data.update({k: request.POST.get(k, "") for k in data})
        try:
            day = dt.date.fromisoformat(data["date"]) if data["date"] else None
        except ValueError:
            day, errors = None, {"date": [_("Please give a date like 2026-05-01.")]}
        if not errors:
            try:
                visit = actions.visit_record(
                    actor=request.user,
                    household_id=household.pk,
                    date=day,
                    how=data["how"],
                    findings=data["findings"],
                    needs=data["needs"],
                    needs_action=bool(data["needs_action"]),
                    submission_id=data["submission_id"][:64] or None,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            except CaseError as exc:
                errors = {"needs": [str(exc)]}
            else:
                if visit.case_id:
                    return redirect("case_mobile", visit.case_id)
                return redirect("visit_list")
    return render(
        request,
        "staff/mobile/visit_new.html",
        {"household": household, "data": data, "errors": errors, "hows": VisitHow.choices},
        status=400 if errors else 200,
    )
