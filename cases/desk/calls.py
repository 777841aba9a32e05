"""County calls (乡呼县应) on the desk: the town's calls going out and the unit's calls coming in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import actions, workflow
from cases.queries import calls
from gridgov.cleaning import id_or_404
from staff import access


@access.door_required("desk")
@require_http_methods(["GET", "POST"])
def calls_page(request):
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op not in workflow.offered_on(workflow.CALLS):
            raise Http404("No such action.")
        values = {
            "call": id_or_404(request.POST.get("call")),
            "text": request.POST.get("text", ""),
            "rating": request.POST.get("rating"),
        }
        try:  # outside the scope: Http404; in scope without the right: PermissionDenied (403)
            actions.perform(op, actor=request.user, values=values)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("desk_calls")
    now, user = timezone.now(), request.user
    units = calls.member_units(user)
    context = {
        "outgoing": calls.decorate_calls(calls.outgoing_calls(user)[:200], user, now, side="out"),
        "incoming": calls.decorate_calls(
            calls.incoming_calls(user, units)[:200], user, now, side="in"
        )
        if units or user.is_superuser
        else None,
        "ratings": range(1, 6),
    }
    return render(request, "cases/board/calls.html", context)
