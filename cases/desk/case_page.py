"""The case list and the case page on the desk (/desk/cases/), with its attachments and the
reporter's phone behind a logged reason."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import actions
from cases.forms import RevealReasonForm
from cases.models import Attachment, Status
from cases.pages import act, case_context, find_case, visible_cases
from cases.queries import CASE_FILTERS, filter_cases
from gridgov.paging import CappedPaginator
from grids.models import GridNode
from grids.privacy import mask_phone
from staff import access

PAGE_SIZE = 50


@login_required
@require_GET
def case_list(request):
    """Every case in scope, searchable; with a dashboard link's parameters, the cases behind
    that figure (cases.queries.filter_cases)."""
    access.require_door(request.user, "desk")
    cases = visible_cases(request.user).select_related("node", "owner_node", "category")
    term = request.GET.get("q", "").strip()[:50]
    if term:
        cases = cases.filter(Q(number__icontains=term) | Q(title__icontains=term))
    nodes = access.scope(request.user, "case.view", GridNode.objects.all(), via="")
    cases, description = filter_cases(cases, request.GET, nodes=nodes)
    page = CappedPaginator(cases.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The figure's filters ride along with the search form and the pager.
    kept = [(k, request.GET[k][:40]) for k in CASE_FILTERS if k != "status" and request.GET.get(k)]
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    context = {
        "page": page,
        "q": term,
        "status": status,
        "statuses": Status.choices,
        "kept": kept,
        "description": description,
        "querystring": urlencode([*kept, ("q", term), ("status", status)]),
    }
    return render(request, "cases/case/list.html", context)


@login_required
@require_GET
def case_detail(request, case_id: int):
    case = find_case(request, case_id)  # outside the scope: 404, then the door: 403
    access.require_door(request.user, "desk")
    return render(request, "cases/case/detail.html", case_context(request, case))


@login_required
@require_POST
def case_act(request, case_id: int):
    find_case(request, case_id)  # outside the scope: 404, then the door: 403
    access.require_door(request.user, "desk")
    return act(request, case_id, mobile=False)


@login_required
@require_GET
def case_file(request, case_id: int, file_id: int):
    """A photo or attachment, only for people who may see the case (not a public media URL)."""
    case = find_case(request, case_id)
    attachment = get_object_or_404(Attachment, case=case, pk=file_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("File missing.") from None
    return FileResponse(handle, as_attachment=not attachment.is_photo)


@login_required
@require_http_methods(["GET", "POST"])
def case_reveal_phone(request, case_id: int):
    """Ask why, log it, then show the reporter's full phone number (on this page only)."""
    case = find_case(request, case_id)  # outside the scope: 404
    access.require(request.user, "case.reveal_reporter", case)
    form = RevealReasonForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        value = actions.case_reveal_reporter_phone(
            actor=request.user, case_id=case.pk, reason=form.cleaned_data["reason"]
        )
    context = {
        "case": case,
        "form": form,
        "value": value,
        "masked": mask_phone(case.reporter_phone),
        "back": reverse(
            "case_detail" if access.can_anywhere(request.user, "door.desk") else "case_mobile",
            args=[case.pk],
        ),
    }
    response = render(request, "cases/case/reveal.html", context)
    response["Cache-Control"] = "no-store"
    return response
