"""Training on the desk (/desk/training/…): at a place, the plans its people follow, who has
trained this period and who is overdue, the sessions held there (a new one), the certificates
(a new one); a session's page with its QR code for signing in and the attendance list (marking
someone present by hand, or taking a mark back)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.cleaning import parse_id
from gridgov.errors import DomainError
from grids.qr import public_url, qr_svg
from staff import access, actions
from staff.actions.training import HOLDING_TIERS, signin_code
from staff.desk.pages import page_node, refused, trail
from staff.models import Attendance, CertificateKind, TrainingSession
from staff.queries import training as queries


def parse_day(value, field: str, *, required: bool = True) -> dt.date | None:
    """A day typed as YYYY-MM-DD."""
    text = (value or "").strip()
    if not text and not required:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise DomainError(_("Give a date as YYYY-MM-DD."), field=field) from None


def parse_clock(day: dt.date, value, field: str) -> dt.datetime:
    """A time of `day` typed as HH:MM, in Beijing time."""
    try:
        clock = dt.time.fromisoformat((value or "").strip()[:5])
    except ValueError:
        raise DomainError(_("Give a time as HH:MM."), field=field) from None
    return timezone.make_aware(dt.datetime.combine(day, clock))


def _act(request, node) -> str:
    post, user, do = request.POST, request.user, request.POST.get("do")
    if do == "session":
        day = parse_day(post.get("day"), "day")
        actions.training_session_create(
            actor=user,
            node_id=node.pk,
            topic=post.get("topic", ""),
            trainer=post.get("trainer", ""),
            starts=parse_clock(day, post.get("starts"), "starts"),
            ends=parse_clock(day, post.get("ends"), "ends"),
            place=post.get("place", ""),
        )
        return _("The session is recorded: show its QR code to sign in.")
    if do == "certificate":
        actions.certificate_record(
            actor=user,
            node_id=node.pk,
            user_id=parse_id(post.get("user")) or 0,
            kind=post.get("kind", ""),
            title=post.get("title", ""),
            issuer=post.get("issuer", ""),
            issued=parse_day(post.get("issued"), "issued"),
            expires=parse_day(post.get("expires"), "expires", required=False),
        )
        return _("The certificate is recorded.")
    raise ValidationError(_("Choose what to do."))


@login_required
@require_http_methods(["GET", "POST"])
def training_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "training.view")
    user = request.user
    may_manage = access.can(user, "training.manage", node)
    status = 200
    if request.method == "POST":
        access.require(user, "training.manage", node)
        try:
            done = _act(request, node)
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, done)
            return redirect("training_node", node_id=node.pk)
    rows = queries.trainee_rows(user, node)
    context = {
        "node": node,
        **trail(user, node),
        "rows": rows,
        "overdue": sum(r.overdue for r in rows),
        "plans": [p for p in queries.plans_around(node)],
        "sessions": queries.sessions_at(user, node),
        "certificates": queries.certificates_at(user, node),
        "may_manage": may_manage,
        "may_hold": may_manage and node.tier in HOLDING_TIERS,
        "trainees": list(queries.trainees_of(user, node)) if may_manage else [],
        "kinds": CertificateKind.choices,
        "today": timezone.localdate(),
        "post": request.POST if status == 400 else {},
    }
    return render(request, "staff/desk/training.html", context, status=status)


def _session_act(request, session) -> str:
    post, user, do = request.POST, request.user, request.POST.get("do")
    if do == "mark":
        attendance = actions.training_attendance_mark(
            actor=user, session_id=session.pk, user_id=parse_id(post.get("user")) or 0
        )
        return _("%(name)s is marked present.") % {
            "name": attendance.user.first_name or attendance.user.username
        }
    if do == "remove":
        attendance = Attendance.objects.filter(
            pk=parse_id(post.get("attendance")) or 0, session=session
        ).first()
        if attendance is None:
            raise DomainError(_("Choose someone on the list."))
        actions.training_attendance_remove(actor=user, attendance_id=attendance.pk)
        return _("The mark is taken back.")
    raise ValidationError(_("Choose what to do."))


@login_required
@require_http_methods(["GET", "POST"])
def session_page(request, session_id: int):
    """A session: what, who, when, where; the QR code people scan to sign in; who attended."""
    session = (
        TrainingSession.objects.select_related("node", "created_by")
        .filter(pk=parse_id(session_id) or 0)
        .first()
    )
    if session is None or not access.in_scope(request.user, session):
        raise Http404("No such session.")
    access.require_door(request.user, "desk")
    access.require(request.user, "training.view", session)
    may_manage = access.can(request.user, "training.manage", session)
    status = 200
    if request.method == "POST":
        access.require(request.user, "training.manage", session)
        try:
            done = _session_act(request, session)
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, done)
            return redirect("training_session", session_id=session.pk)
    rows = queries.attendance_list(session)
    url = public_url(request, reverse("training_signin", args=[signin_code(session)]))
    present = {r.attendance.user_id for r in rows}
    context = {
        "session": session,
        "node": session.node,
        **trail(request.user, session.node),
        "rows": rows,
        "qr": qr_svg(url, title=session.topic),
        "signin_url": url,
        "may_manage": may_manage,
        "absent": [
            p for p in queries.trainees_of(request.user, session.node) if p.pk not in present
        ]
        if may_manage
        else [],
    }
    return render(request, "staff/desk/training_session.html", context, status=status)
