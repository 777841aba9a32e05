"""The case page on the phone (/m/cases/), for field workers who may see the case. Today's list
(/m/) posts its one-tap "sign for" here too, with next=home to come back to the list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.pages import act, case_context, find_case


@login_required
@require_GET
def case_mobile(request, case_id: int):
    case = find_case(request, case_id)
    return render(request, "cases/case/mobile.html", case_context(request, case))


@login_required
@require_POST
def case_act_mobile(request, case_id: int):
    if request.POST.get("next") != "home":
        return act(request, case_id, mobile=True)
    # From today's list: back to it. A second tap on a slow line finds the case already
    # signed; that is said on the list, not as a refusal page. Out of scope is still 404.
    try:
        response = act(request, case_id, mobile=True)
    except PermissionDenied:
        messages.error(request, _("Not done: this case no longer waits for that."))
        return redirect("mobile_home")
    return redirect("mobile_home") if response.status_code == 302 else response
