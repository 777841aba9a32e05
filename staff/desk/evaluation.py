"""The yearly two-way evaluation on the desk (/desk/evaluation/…): the results a place may see —
grid workers' at the village, instructors' at the town and the county — with each evaluation,
the town's forwarding and the decision taken; and the instructors the person evaluates for
their village."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.cleaning import parse_id, parse_int
from staff import access, actions
from staff.actions.evaluation import evaluation_years
from staff.desk.pages import page_node, refused, trail
from staff.models import Decision, Grade, TrainedRole
from staff.queries import evaluation as queries


def chosen_year(request) -> int:
    years = evaluation_years()
    asked = parse_int(
        request.GET.get("year") or request.POST.get("year"), minimum=2000, maximum=2100
    )
    return asked or years[0]


def give(request, year: int) -> str:
    """An evaluation given from either door's form."""
    post = request.POST
    actions.evaluation_give(
        actor=request.user,
        side=post.get("side", ""),
        subject_id=parse_id(post.get("subject")) or 0,
        grade=post.get("grade", ""),
        comment=post.get("comment", ""),
        year=year,
    )
    return _("Your evaluation is recorded.")


def to_give(user, year: int) -> list[dict]:
    """The people the person evaluates this year, each with what they gave."""
    given = queries.given(user, year)
    return [
        {"pairing": p, "given": given.get((p.side, p.subject.pk, p.village.pk))}
        for p in queries.pairings(user)
    ]


def _act(request, year: int) -> str:
    post, user, do = request.POST, request.user, request.POST.get("do")
    if do == "give":
        return give(request, year)
    result = parse_id(post.get("result")) or 0
    if do == "forward":
        actions.evaluation_forward(actor=user, result_id=result)
        return _("The result is forwarded to the county.")
    if do == "decide":
        actions.evaluation_decide(
            actor=user,
            result_id=result,
            decision=post.get("decision", ""),
            note=post.get("note", ""),
        )
        return _("The decision is recorded.")
    raise ValidationError(_("Choose what to do."))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "evaluation.view_worker")
    user = request.user
    year = chosen_year(request)
    status = 200
    if request.method == "POST":
        try:
            done = _act(request, year)
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, done)
            return redirect(f"{reverse('evaluation_node', args=[node.pk])}?year={year}")
    results = queries.results_at(user, node, year)
    for views in results.values():
        for view in views:
            r = view.result
            worker = r.role == TrainedRole.GRID_WORKER
            view.may_forward = not worker and access.can(user, "evaluation.forward", r)
            view.may_decide = access.can(
                user, "evaluation.decide_worker" if worker else "evaluation.decide_instructor", r
            ) and (worker or r.forwarded_at)
    context = {
        "node": node,
        **trail(user, node),
        "year": year,
        "years": evaluation_years(),
        "workers": results.get(TrainedRole.GRID_WORKER),
        "instructors": results.get(TrainedRole.INSTRUCTOR),
        "to_give": to_give(user, year) if access.can_anywhere(user, "evaluation.give") else [],
        "grades": Grade.choices,
        "decisions": Decision.choices,
    }
    return render(request, "staff/desk/evaluation.html", context, status=status)
