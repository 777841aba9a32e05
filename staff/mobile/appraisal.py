"""A grid worker's monthly appraisal on the phone (/m/appraisal/): their published months with
score, grade and pay, each month's items, and an objection with its reason while the window is
open; the town's answers stay on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.errors import field_errors
from staff import access, actions
from staff.models import AppraisalLine, SheetStatus
from staff.queries import appraisal as queries


@access.door_required("mobile")
def my_appraisal(request):
    """The person's published months, newest first."""
    return render(request, "staff/mobile/appraisal.html", {"lines": queries.my_lines(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_line(request, line_id: int):
    """One month's line: the worker's own (objecting while the window is open), or, for those
    who may see the village's sheets, anyone's in scope; published lines only."""
    line = (
        AppraisalLine.objects.select_related("sheet__village", "sheet__rule", "grid", "worker")
        .filter(pk=line_id)
        .first()
    )
    if line is None or not access.in_scope(request.user, line):
        raise Http404("No such line.")
    access.require_door(request.user, "mobile")
    own = line.worker_id == request.user.pk
    if not own:
        access.require(request.user, "appraisal.view", line)
    if line.sheet.status != SheetStatus.PUBLISHED:
        raise Http404("No such line.")  # a sheet under review is the town's, not the phone's
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not own:
            access.require(request.user, "appraisal.object", line)  # 403 for anyone else's
        try:
            actions.appraisal_object(
                actor=request.user, line_id=line.pk, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            errors = field_errors(error)
        else:
            messages.success(request, _("Your objection is sent to the town."))
            return redirect("appraisal_line", line_id=line.pk)
    view = queries.line_view(line)
    may_object = (
        own
        and timezone.now() <= line.sheet.objections_until
        and view.open_objection is None
        and access.can(request.user, "appraisal.object", line)
    )
    context = {
        "line": line,
        "view": view,
        "own": own,
        "may_object": may_object,
        "errors": errors,
        "reason": request.POST.get("reason", ""),
    }
    return render(
        request, "staff/mobile/appraisal_line.html", context, status=400 if errors else 200
    )
