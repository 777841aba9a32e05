"""Joining a patrol (三陪同, /m/copatrol/): a cadre linked to a village sees its grid workers'
patrols under way today and joins one on their own phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from staff import actions
from staff.desk.pages import refused
from staff.queries.cadres import joinable_patrols, links_of


# Linked cadres are county leaders, department staff and town cadres as often as field staff:
# being logged in is the door, the link to the village is the right (staff.actions checks it).
@login_required
@require_GET
def copatrol_list(request):
    now = timezone.now()
    context = {
        "patrols": joinable_patrols(request.user, now=now),
        "links": list(links_of(request.user, day=timezone.localdate(now))),
        "today": timezone.localdate(now),
    }
    return render(request, "staff/mobile/copatrol.html", context)


@login_required
@require_POST
def copatrol_join(request, patrol_id: int):
    try:
        actions.copatrol_join(actor=request.user, patrol_id=patrol_id)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("You joined the patrol; it counts as accompanied."))
    return redirect("copatrol_list")
