"""Household visits on the phone (/m/visits/): who is due, and recording one visit."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.errors import field_errors
from grids.models import Household
from staff import access, actions, queries
from staff.models import VisitHow


@access.door_required("mobile")
def visit_list(request):
    """The worker's households due a visit, most overdue first."""
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
    access.require_door(request.user, "mobile")
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
                errors = field_errors(exc)
            else:
                messages.success(
                    request,
                    _("Visit to %(household)s recorded.") % {"household": household.head_name},
                )
                if visit.case_id:
                    return redirect("case_mobile", visit.case_id)
                return redirect("mobile_home")  # back to today's list
    return render(
        request,
        "staff/mobile/visit_new.html",
        {"household": household, "data": data, "errors": errors, "hows": VisitHow.choices},
        status=400 if errors else 200,
    )
