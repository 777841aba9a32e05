"""Desk pages: the supervision board (督办) and its .xlsx, county calls (乡呼县应), and the
weekly meeting sheet (周例会). Reads come from cases.board, writes go through cases.actions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import actions, board
from cases.workflow import CaseError
from staff import access

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _desk_door(user) -> None:
    if not access.can_anywhere(user, "door.desk"):
        raise PermissionDenied


def _id(value) -> int:
    """A posted object id; anything else is a missing object (404)."""
    number = board._int(value)
    if number is None:
        raise Http404("No such object.")
    return number


@login_required
@require_http_methods(["GET", "POST"])
def board_page(request):
    _desk_door(request.user)
    if request.method == "POST":
        return _supervise(request)
    now = timezone.now()
    filters = board.parse_filters(request.user, request.GET)
    page = Paginator(board.board_cases(request.user, filters, now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": board.decorate(page.object_list, request.user, now),
        "filters": filters,
        "groups": board.board_groups(request.user, filters),
        "choices": board.board_choices(request.user, filters),
        "back": urlencode(filters.params | {"page": page.number}),
    }
    return render(request, "cases/board/board.html", context)


def _supervise(request):
    case_id = _id(request.POST.get("case"))
    try:  # outside scope: Http404; in scope without the right: PermissionDenied (403)
        case = actions.case_supervise(
            actor=request.user, case_id=case_id, note=request.POST.get("note", "")
        )
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Supervision recorded on %(number)s.") % {"number": case.number}
        )
    back = QueryDict(request.POST.get("back", ""))
    params = board.parse_filters(request.user, back).params
    if board._int(back.get("page")):
        params["page"] = back["page"]
    return redirect(reverse("desk_board") + ("?" + urlencode(params) if params else ""))


@login_required
def board_export(request):
    _desk_door(request.user)
    now = timezone.now()
    filters = board.parse_filters(request.user, request.GET)
    content = board.board_xlsx(board.board_cases(request.user, filters, now), filters, now)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"board-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CALL_ACTIONS = {
    "respond": lambda user, pk, post: actions.county_call_respond(
        actor=user, call_id=pk, response=post.get("response", "")
    ),
    "rate_necessity": lambda user, pk, post: actions.county_call_rate_necessity(
        actor=user, call_id=pk, rating=post.get("rating"), note=post.get("note", "")
    ),
    "rate": lambda user, pk, post: actions.county_call_rate(
        actor=user, call_id=pk, rating=post.get("rating"), note=post.get("note", "")
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def calls_page(request):
    _desk_door(request.user)
    if request.method == "POST":
        run = CALL_ACTIONS.get(request.POST.get("op", ""))
        if run is None:
            raise Http404("No such action.")
        try:
            run(request.user, _id(request.POST.get("call")), request.POST)
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("desk_calls")
    now, user = timezone.now(), request.user
    departments = board.member_departments(user)
    context = {
        "outgoing": board.decorate_calls(board.outgoing_calls(user)[:200], user, now, side="out"),
        "incoming": board.decorate_calls(
            board.incoming_calls(user, departments)[:200], user, now, side="in"
        )
        if departments or user.is_superuser
        else None,
        "ratings": range(1, 6),
    }
    return render(request, "cases/board/calls.html", context)


@login_required
def meeting_page(request):
    _desk_door(request.user)
    towns = list(board.meeting_towns(request.user))
    if "town" in request.GET:
        wanted = _id(request.GET["town"])
        town = next((t for t in towns if t.pk == wanted), None)
        if town is None:  # outside the scope, like a missing town
            raise Http404("No such town.")
    else:
        town = towns[0] if len(towns) == 1 else None
    sheet = board.meeting_sheet(town, timezone.now()) if town else None
    return render(request, "cases/board/meeting.html", {"sheet": sheet, "towns": towns})
