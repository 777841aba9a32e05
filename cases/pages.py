"""The parts of the case page that every door shares: finding the case in the person's scope,
its facts and history, and one small form for each action this person may take now
(cases.workflow's table says which; cases.actions does them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import forms as case_forms
from cases import workflow
from cases.models import Attachment, Case, CaseEvent, Mediation, Status
from cases.workflow import ACTION_LABELS
from gridgov.errors import add_to_form
from grids.models import GridNode
from grids.privacy import mask_phone
from grids.queries import breadcrumbs
from staff import access

User = get_user_model()

# Events written by rhythms and side effects, beside the workflow's own actions.
EVENT_LABELS = {
    **ACTION_LABELS,
    "merged_in": gettext_lazy("A duplicate merged in"),
    "deadline_warning": gettext_lazy("Deadline warning"),
    "progress_overdue": gettext_lazy("Progress report overdue"),
    "deadline_recomputed": gettext_lazy("Deadline recomputed for the holidays entered"),
    "hand_over": gettext_lazy("Handover"),  # its handler left their post (cases.actions)
}


def visible_cases(user) -> QuerySet:
    return access.scope(user, "case.view", Case.objects.all(), via="node")


def find_case(request, pk: int) -> Case:
    """The case if the user may see it; outside their scope it answers like a missing one: 404."""
    qs = (
        visible_cases(request.user)
        .select_related(
            "node",
            "owner_node",
            "category__responsibility__department",
            "reporter",
            "handler",
            "handler_unit",
            "merged_into",
        )
        # Of the people and of the case merged into, only what the page shows: every column
        # selected costs the ORM time on every request.
        .defer(
            *_all_but("reporter", User, _NAME_FIELDS),
            *_all_but("handler", User, _NAME_FIELDS),
            *_all_but("merged_into", Case, ("number",)),
        )
    )
    return get_object_or_404(
        qs.prefetch_related("county_calls__department", "county_calls__responded_by"), pk=pk
    )


_NAME_FIELDS = ("username", "first_name", "is_active")


def _all_but(path: str, model, keep: tuple[str, ...]) -> list[str]:
    """The columns of `model` reached through `path`, but its key and `keep`: for defer()."""
    return [
        f"{path}__{f.name}"
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in keep
    ]


def _ladder(trail) -> list:
    """Micro-grid › grid › village › town › county: the rungs a case can climb (no areas)."""
    return [n for n in reversed(trail) if n.is_rung]


def _deadline(case: Case) -> dict | None:
    if not case.clear_by:
        return None
    now = timezone.now()
    if case.is_open:
        return {"at": case.clear_by, "overdue": now > case.clear_by, "now": now}
    end = case.resolved_at or case.closed_at
    return {"at": case.clear_by, "overdue": bool(end and end > case.clear_by), "done": end}


def action_forms(
    user,
    case: Case,
    bound: dict | None = None,
    page: str = workflow.CASE_PAGE,
    trail: list | None = None,
) -> list[dict]:
    """One small form per action the user may take now on this page, showing only the fields
    it needs (the case page at either door, and the admin's Work this case)."""
    out = []
    available = workflow.available_actions(user, case, page)
    categories = case_forms.category_choices()[0] if "recategorize" in available else None
    for name in available:
        form = (bound or {}).get(name) or case_forms.CaseActionForm.showing(name)(
            user=user,
            case=case,
            page=page,
            available=available,
            categories=categories,
            trail=trail,
            auto_id=f"id_{name}_%s",
            initial={"color": case.suggested_color} if name == "accept" else None,
        )
        if "text" in form.fields:
            form.fields["text"].label = workflow.ACTIONS[name].text_label
        if "handler" in form.fields:
            form.fields["handler"].label_from_instance = lambda u: (
                f"{u.first_name} ({u.username})" if u.first_name else u.username
            )
        out.append(
            {
                "name": name,
                "label": workflow.ACTIONS[name].label,
                "form": form,
                "fields": [form[f] for f in workflow.ACTIONS[name].fields],
            }
        )
    return out


def case_context(request, case: Case, bound: dict | None = None) -> dict:
    trail = breadcrumbs([case.node])[case.node.pk]
    events = list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "from_owner", "to_owner", "unit", "handler")
        .defer(
            *_all_but("actor", User, _NAME_FIELDS),
            *_all_but("handler", User, _NAME_FIELDS),
            *_all_but("from_owner", GridNode, ("name",)),
            *_all_but("to_owner", GridNode, ("name",)),
        )
        .order_by("created_at", "pk")
    )
    for e in events:
        e.label = EVENT_LABELS.get(e.action, e.action)
        e.from_label = Status(e.from_status).label if e.from_status in Status.values else ""
        e.to_label = Status(e.to_status).label if e.to_status in Status.values else ""
    return {
        "case": case,
        "trail": trail,
        "ladder": _ladder(trail),
        "deadline": _deadline(case),
        "reporter_phone": mask_phone(case.reporter_phone),
        "may_reveal_phone": bool(case.reporter_phone)
        and access.can(request.user, "case.reveal_reporter", case),
        "responsibility": case.category.responsibility if case.category else None,
        "events": events,
        "mediations": list(
            Mediation.objects.filter(case=case)
            .select_related("level", "mediator")
            .defer(
                *_all_but("level", GridNode, ("name",)),
                *_all_but("mediator", User, _NAME_FIELDS),
            )
        ),
        "calls": list(case.county_calls.all()),
        "attachments": list(Attachment.objects.filter(case=case).order_by("created_at", "pk")),
        "actions": action_forms(request.user, case, bound, trail=trail),
    }


def act(request, case_id: int, *, mobile: bool):
    case = find_case(request, case_id)  # outside the scope: 404, before anything else
    action = request.POST.get("action", "")
    # The table and the policy together: anything this person may not do now is refused.
    if action not in workflow.available_actions(request.user, case):
        raise PermissionDenied
    page = "case_mobile" if mobile else "case_detail"
    form = case_forms.CaseActionForm(
        request.POST, user=request.user, case=case, auto_id=f"id_{action}_%s"
    )
    if form.is_valid():
        try:
            form.run()
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": workflow.ACTIONS[action].label}
            )
            return redirect(page, case_id=case.pk)
    messages.error(request, _("Not done: see the form below."))
    template = "cases/case/mobile.html" if mobile else "cases/case/detail.html"
    return render(request, template, case_context(request, case, bound={action: form}))
