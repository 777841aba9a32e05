"""County calls (乡呼县应) on the desk: the town's calls going out and the unit's calls coming in."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import actions
from cases.queries import calls
from cases.workflow import CaseError
from gridgov.cleaning import id_or_404
from staff import access

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


@access.door_required("desk")
@require_http_methods(["GET", "POST"])
def calls_page(request):
    if request.method == "POST":
        run = CALL_ACTIONS.get(request.POST.get("op", ""))
        if run is None:
            raise Http404("No such action.")
        try:
            run(request.user, id_or_404(request.POST.get("call")), request.POST)
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("desk_calls")
    now, user = timezone.now(), request.user
    departments = calls.member_departments(user)
    context = {
        "outgoing": calls.decorate_calls(calls.outgoing_calls(user)[:200], user, now, side="out"),
        "incoming": calls.decorate_calls(
            calls.incoming_calls(user, departments)[:200], user, now, side="in"
        )
        if departments or user.is_superuser
        else None,
        "ratings": range(1, 6),
    }
    return render(request, "cases/board/calls.html", context)
