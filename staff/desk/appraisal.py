"""The monthly appraisal on the desk (/desk/appraisal/, /desk/appraisal/<node>/): a month's
sheets of the villages at or under a place, each line with its items, the manual scores, the
town's signature and publication, the objections and their answers; and the pay sheet for the
finance office (.xlsx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.cleaning import parse_id
from staff import access, actions
from staff.desk.pages import chosen_month, page_node, refused, trail
from staff.queries import appraisal as queries
from staff.sheets import pay_xlsx


def _corrections(post) -> dict[int, str]:
    """The corrected points typed into an answer, by item: fields item_<id> left blank are not
    corrections."""
    found = {}
    for name, value in post.items():
        if name.startswith("item_") and (value or "").strip():
            item_id = parse_id(name.removeprefix("item_"))
            if item_id is not None:
                found[item_id] = value.strip()
    return found


def _act(request, month) -> str:
    """Take the action the form asks for; returns what to tell the person."""
    post, user, do = request.POST, request.user, request.POST.get("do")
    if do == "compute":
        actions.appraisal_compute(
            actor=user, village_id=parse_id(post.get("village")) or 0, month=month
        )
        return _("The sheet is computed from the month's records.")
    if do == "sign":
        actions.appraisal_sign(actor=user, sheet_id=parse_id(post.get("sheet")) or 0)
        return _("The sheet is signed.")
    if do == "publish":
        actions.appraisal_publish(actor=user, sheet_id=parse_id(post.get("sheet")) or 0)
        return _("The sheet is published to the workers.")
    if do == "score":
        actions.appraisal_score(
            actor=user,
            line_id=parse_id(post.get("line")) or 0,
            item_id=parse_id(post.get("item")) or 0,
            points=post.get("points", ""),
            reason=post.get("reason", ""),
        )
        return _("The score is saved.")
    if do == "answer":
        actions.appraisal_answer(
            actor=user,
            objection_id=parse_id(post.get("objection")) or 0,
            upheld=post.get("upheld") == "yes",
            answer=post.get("answer", ""),
            corrections=_corrections(post),
        )
        return _("The objection is answered.")
    raise ValidationError(_("Choose what to do."))


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_page(request, node_id: int | None = None):
    node = page_node(request, node_id, "appraisal.view")
    user = request.user
    months = queries.months_of(user, node)
    month = chosen_month(request, months)
    status = 200
    if request.method == "POST":
        try:
            done = _act(request, month)
        except ValidationError as error:
            refused(request, error)
            status = 400
        else:
            messages.success(request, done)
            here = reverse("appraisal_node", args=[node.pk])
            return redirect(f"{here}?month={month:%Y-%m}")
    sheets = queries.appraisal_page(user, node, month)
    for view in sheets:
        view.may_review = access.can(user, "appraisal.review", view.sheet)
        for line in view.lines:
            line.may_score = access.can(user, "appraisal.score", line.line)
    context = {
        "node": node,
        **trail(user, node),
        "month": month,
        "months": months,
        "sheets": sheets,
        "villages": _villages_to_compute(user, node, sheets),
        "may_pay": access.can(user, "appraisal.pay", node),
    }
    return render(request, "staff/desk/appraisal.html", context, status=status)


def _villages_to_compute(user, node, sheets) -> list:
    """A village page without its month's sheet offers to compute it (the town's reviewers)."""
    if node.tier != "village" or sheets or not access.can(user, "appraisal.review", node):
        return []
    return [node]


@login_required
@require_GET
def pay_sheet(request, node_id: int):
    """The month's pay sheet of the published lines under a place, as the finance office takes
    it: one row a worker, the totals, and the lines for signatures."""
    node = page_node(request, node_id, "appraisal.pay")
    month = chosen_month(request, queries.months_of(request.user, node))
    lines = queries.pay_rows(request.user, node, month)
    body = pay_xlsx(node, month, lines, queries.pay_totals(lines))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"pay-{node.code}-{month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
