"""Training and the two-way evaluation on the phone: the person's own training (/m/training/:
the plan they follow, trained this period or not, overdue or not, what they attended, their
certificates), signing in to a session by its QR code (/m/training/signin/<code>/), and the
people they evaluate this year (/m/evaluation/)."""

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
from staff.actions.training import signin_read
from staff.desk.evaluation import chosen_year, give, to_give
from staff.models import Grade, TrainingSession
from staff.queries import training as queries


@access.door_required("mobile")
def my_training(request):
    context = {
        "rows": queries.my_rows(request.user),
        "attendances": queries.my_attendances(request.user),
        "certificates": queries.my_certificates(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "staff/mobile/training.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sign_in(request, signin_code: str):
    """The page a session's QR code opens: the session, and a button to sign in as oneself. A
    code not made here is 404, like a missing session; one whose day is over is refused."""
    read = signin_read(signin_code)
    session = (
        TrainingSession.objects.select_related("node").filter(pk=read[0]).first() if read else None
    )
    user = request.user
    if session is None or not (
        access.posted_within(user, "training.attend", session.node)
        or access.in_scope(user, session)
    ):
        raise Http404("No such session.")
    access.require_door(user, "mobile")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            actions.training_sign_in(actor=user, session_id=session.pk, code=signin_code)
        except ValidationError as error:
            errors = field_errors(error)
        else:
            messages.success(
                request, _("You are signed in to “%(topic)s”.") % {"topic": session.topic}
            )
            return redirect("training_mine")
    signed = session.attendances.filter(user_id=user.pk).exists()
    expired = read[1]
    context = {"session": session, "signed": signed, "expired": expired, "errors": errors}
    status = 400 if errors or (expired and not signed) else 200
    return render(request, "staff/mobile/training_signin.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_evaluations(request):
    access.require_door(request.user, "mobile")
    access.require_anywhere(request.user, "evaluation.give")
    year = chosen_year(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            done = give(request, year)
        except ValidationError as error:
            errors = field_errors(error)
        else:
            messages.success(request, done)
            return redirect("evaluation_mine")
    context = {
        "year": year,
        "to_give": to_give(request.user, year),
        "grades": Grade.choices,
        "errors": errors,
    }
    return render(request, "staff/mobile/evaluation.html", context, status=400 if errors else 200)
