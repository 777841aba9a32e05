"""Terms and exits on the desk (/desk/terms/…): at a place, the posts flagged for exit by a
violation and the terms ending within 60 days; one post's page (/desk/exit/<post>/) to record a
violation of a red line and to end it: what its holder keeps there, a successor per kind (or
one for all, or the village), a preview of what would be left, then the confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cleaning import parse_id
from gridgov.errors import field_errors
from staff import access, actions
from staff.access.table import HANDLERS
from staff.actions.terms import exit_plan
from staff.desk.pages import page_node, trail
from staff.models import Assignment, Violation
from staff.queries import terms as queries


@login_required
@require_GET
def terms_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "assignment.exit")
    today = timezone.localdate()
    context = {
        "node": node,
        **trail(request.user, node),
        "exits": list(queries.exits_due(request.user, node, on=today)),
        "terms": list(queries.terms_ending(request.user, node, on=today)),
        "today": today,
    }
    return render(request, "staff/desk/terms.html", context)


def _post(request, assignment_id: int) -> Assignment:
    """The post, when its holder is someone the person may manage (404 otherwise), then the
    door and the action (403)."""
    post = (
        Assignment.objects.select_related("user", "node")
        .filter(pk=parse_id(assignment_id) or 0)
        .first()
    )
    if post is None or not access.in_scope(request.user, post):
        raise Http404("No such post.")
    access.require_door(request.user, "desk")
    access.require(request.user, "assignment.exit", post)
    if not access.may_manage(request.user, post.user_id, "assignment.exit"):
        raise Http404("No such person.")
    return post


def _choices(candidates) -> dict[str, list[tuple[str, str]]]:
    """The successors offered for each kind: the village, then people whose posts fit."""
    out = {kind: [(queries.VILLAGE, _("The village"))] for kind in queries.KINDS}
    seen = {kind: set() for kind in queries.KINDS}
    for a in candidates:
        label = f"{a.user.first_name or a.user.username} · {a.get_role_display()} · {a.node.name}"
        kinds = (["cases"] if a.role in HANDLERS else []) + (
            ["visits", "households"] if a.role in queries.VISITORS else []
        )
        for kind in kinds:
            if a.user_id not in seen[kind]:
                seen[kind].add(a.user_id)
                out[kind].append((str(a.user_id), label))
    return out


def _successors(post, choices) -> tuple[dict, dict]:
    """The successor asked for each kind ("one for all" fills the kinds left empty), and the
    form's errors for a choice that is not on the list."""
    chosen, errors = {}, {}
    everyone = post.get("all", "")
    if everyone and not any(everyone in {v for v, _label in choices[k]} for k in queries.KINDS):
        errors["all"] = _("Choose a successor from the list.")
    for kind in queries.KINDS:
        value = post.get(kind, "") or everyone
        if not value:
            continue
        if value not in {v for v, _label in choices[kind]}:
            if value != everyone or post.get(kind):
                errors[kind] = _("Choose a successor from the list.")
            continue
        chosen[kind] = value if value == queries.VILLAGE else parse_id(value)
    return chosen, errors


def _record_violation(request, post) -> None:
    data = request.POST
    try:
        date = parse_date(data.get("date") or "") if len(data.get("date") or "") <= 10 else None
    except ValueError:  # well formed but no such day (2026-99-99)
        date = None
    actions.violation_record(
        actor=request.user,
        assignment_id=post.pk,
        red_line_id=parse_id(data.get("red_line")) or 0,
        date=date,
        facts=data.get("facts", ""),
        evidence=data.get("evidence", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
def exit_page(request, assignment_id: int):
    post = _post(request, assignment_id)
    user, today = request.user, timezone.localdate()
    choices = _choices(queries.successor_posts(user, post, on=today))
    do = request.POST.get("do", "") if request.method == "POST" else ""
    chosen, errors, plan, status = {}, {}, None, 200
    if do in ("preview", "confirm"):
        chosen, errors = _successors(request.POST, choices)
    try:
        if errors:
            raise ValidationError(errors)
        if do == "violation":
            _record_violation(request, post)
            messages.success(request, _("The violation is recorded."))
            return redirect("desk_exit", assignment_id=post.pk)
        if do == "confirm":
            actions.assignment_exit(
                actor=user,
                assignment_id=post.pk,
                successors=chosen,
                reason=request.POST.get("reason", ""),
                violation_id=parse_id(request.POST.get("violation")),
            )
            messages.success(request, _("The post is ended and its work handed over."))
            return redirect("desk_terms_node", node_id=post.node_id)
        if do == "preview":
            plan = exit_plan(actor=user, post=post, successors=chosen, on=today)
        elif do:
            raise ValidationError(_("Choose what to do."))
    except ValidationError as error:
        errors = field_errors(error)
        status = 400
    held = plan[0] if plan else queries.holdings(post, on=today)
    context = {
        "post": post,
        "node": post.node,
        **trail(user, post.node),
        "held": held,
        "left": plan[2] if plan else None,
        "previewed": plan is not None and not any(plan[2].values()),
        "choices": [(kind, choices[kind]) for kind in queries.KINDS],
        "chosen": {k: str(v) for k, v in chosen.items()},
        "form": request.POST if request.method == "POST" else {},
        "errors": errors,
        "ended": post.ends is not None and post.ends < today or hasattr(post, "handover"),
        "red_lines": list(queries.red_lines_for(post.node)),
        "violations": list(
            Violation.objects.filter(assignment=post).select_related("red_line", "recorded_by")
        ),
        "today": today,
    }
    return render(request, "staff/desk/exit.html", context, status=status)
