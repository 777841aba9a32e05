"""The person's notices: the list behind the bell, and opening one, which marks it read and
leads to what it is about (the case, the county call, the report, the patrol or household)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov import notify
from gridgov.models import Notice
from staff import access

PAGE_SIZE = 50
# Calls are answered on the calls page; a department's staff may not see the town's case.
CALL_KINDS = {"county_called", "county_answered", "village_called"}


def _case_url(user, case) -> str:
    if access.can_anywhere(user, "door.desk"):
        return reverse("case_detail", args=[case.pk])
    return reverse("case_mobile", args=[case.pk])


def target_url(user, notice: Notice, visible: bool) -> str | None:
    """Where opening the notice leads, or None when it leads nowhere the person may go."""
    payload, kind = notice.message.payload, notice.message.kind
    answers_calls = (
        access.can_anywhere(user, "countycall.respond")
        or access.can_anywhere(user, "villagecall.respond")
        or not visible
    )
    if kind in CALL_KINDS and answers_calls and access.can_anywhere(user, "door.desk"):
        return reverse("desk_calls")
    if notice.case_id:
        return _case_url(user, notice.case) if visible else None
    if kind == "report_ready" and access.can_anywhere(user, "door.desk"):
        return reverse("report_list")
    if kind == "missed_patrol" and access.can_anywhere(user, "door.mobile"):
        return reverse("patrol_today")
    if kind == "visit_overdue" and isinstance(payload.get("household"), int):
        return reverse("ledger_household", args=[payload["household"]])
    if kind == "training_overdue":
        if payload.get("user") == user.pk and access.can_anywhere(user, "door.mobile"):
            return reverse("training_mine")
        if isinstance(payload.get("node"), int) and access.can_anywhere(user, "door.desk"):
            return reverse("training_node", args=[payload["node"]])
    if kind in ("appraisal_published", "appraisal_answered") and access.can_anywhere(
        user, "door.mobile"
    ):
        return reverse("appraisal_mine")
    node = payload.get("node")
    if (
        kind == "appraisal_objected"
        and isinstance(node, int)
        and access.can_anywhere(user, "door.desk")
    ):
        return reverse("appraisal_node", args=[node])
    if kind.startswith(("service_request_", "help_order_")):
        return _services_url(user, kind, payload)
    if kind == "channel_failed" and access.can_anywhere(user, "door.admin"):
        return reverse("admin:gridgov_delivery_changelist")
    return None


def _services_url(user, kind: str, payload: dict) -> str | None:
    """A request's or a help order's page at the person's door (the page itself says 404 to
    whoever may no longer see it)."""
    request, order = payload.get("service_request"), payload.get("help_order")
    desk = access.can_anywhere(user, "door.desk")
    if kind.startswith("service_request_") and isinstance(request, int):
        return reverse("services_request" if desk else "services_errand", args=[request])
    if kind.startswith("help_order_") and isinstance(order, int):
        return reverse("help_order" if desk else "volunteer_task", args=[order])
    return None


def _visible(user, notice: Notice) -> bool:
    # The grants are read once for the request; each check is arithmetic on the case's node.
    return notice.case is None or access.can(user, "case.view", notice.case)


def _layout(user) -> str:
    """The desk's layout (with its side menu) for desk people, the phone's for the others."""
    return "desk/base.html" if access.can_anywhere(user, "door.desk") else "mobile/base.html"


@login_required
@require_http_methods(["GET", "POST"])
def notices(request):
    """The person's notices, newest first, each in the reader's language and leading to what
    it is about. A notice about a case the person may no longer see no longer names it."""
    if request.method == "POST":  # mark all read
        Notice.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return redirect("notices")
    items = list(
        Notice.objects.filter(user=request.user).select_related("message", "case__node")[:PAGE_SIZE]
    )
    for notice in items:
        if notice.message.case_id == notice.case_id:
            notice.message.case = notice.case  # the same row: read once
    names = notify.node_names([n.message for n in items])
    withheld = _("A notice about a case you no longer follow.")
    for notice in items:
        visible = _visible(request.user, notice)
        notice.shown_text = notify.text_for(notice.message, names) if visible else withheld
        notice.url = target_url(request.user, notice, visible) and reverse(
            "notice_open", args=[notice.pk]
        )
    unread = any(n.read_at is None for n in items)
    context = {"items": items, "unread": unread, "layout": _layout(request.user)}
    return render(request, "gridgov/notices.html", context)


@login_required
@require_http_methods(["GET"])
def notice_open(request, notice_id: int):
    """Opening a notice marks it read and leads to what it is about; someone else's is 404."""
    notice = get_object_or_404(
        Notice.objects.select_related("message", "case__node"), pk=notice_id, user=request.user
    )
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(target_url(request.user, notice, _visible(request.user, notice)) or "notices")
