"""The supervision board (督办) and its .xlsx. Reads come from cases.queries.board, writes go through
cases.actions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import actions, sheets
from cases.models import Case
from cases.queries import board
from gridgov.cleaning import id_or_404, parse_id
from gridgov.paging import CountedPaginator
from staff import access

PAGE_SIZE = 50


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@access.door_required("desk")
@require_http_methods(["GET", "POST"])
def board_page(request):
    if request.method == "POST":
        return _supervise(request)
    now = timezone.now()
    filters = board.parse_filters(request.user, request.GET)
    groups = board.board_groups(request.user, filters)
    page = CountedPaginator(
        board.board_cases(request.user, filters, now), PAGE_SIZE, count=groups["matching"]
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": board.decorate(page.object_list, request.user, now),
        "filters": filters,
        "groups": groups,
        "choices": board.board_choices(request.user, filters),
        "back": urlencode(filters.params | {"page": page.number}),
    }
    return render(request, "cases/board/board.html", context)


def _supervise(request):
    case_id = id_or_404(request.POST.get("case"))
    case = get_object_or_404(Case.objects.only("pk", "number"), pk=case_id)
    try:  # outside scope: Http404; in scope without the right: PermissionDenied (403)
        actions.perform(
            "supervise", actor=request.user, case=case, values={"text": request.POST.get("note")}
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Supervision recorded on %(number)s.") % {"number": case.number}
        )
    back = QueryDict(request.POST.get("back", ""))
    params = board.parse_filters(request.user, back).params
    if parse_id(back.get("page")):
        params["page"] = back["page"]
    return redirect(reverse("desk_board") + ("?" + urlencode(params) if params else ""))


@access.door_required("desk")
def board_export(request):
    now = timezone.now()
    filters = board.parse_filters(request.user, request.GET)
    content = sheets.board_xlsx(board.board_cases(request.user, filters, now), filters, now)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"board-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
