"""Volunteers on the phone (/m/help/): the orders dispatched to their team waiting to be taken
and those they took (志愿者接单), each with what they may do now (take it on; done with a note
and the hours), and their team's activities to sign up for (the leader checks in who came and
the hours). Whoever serves a resident (a grid worker at their door) places an order for them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.cleaning import parse_id
from gridgov.errors import add_to_form
from grids.models import GridNode, Tier
from services import actions, help_pages, orders, queries
from services.models import Activity, ActivitySignup
from services.volunteer_forms import PlaceOrderForm
from staff import access


@access.door_required("mobile", "helporder.take")
@require_GET
def tasks(request):
    return render(request, "services/mobile/volunteer.html", queries.volunteer_tasks(request.user))


@login_required
@require_GET
def task(request, help_order_id: int):
    found = help_pages.find_order(request, help_order_id)  # outside the scope: 404
    access.require_door(request.user, "mobile")
    return render(
        request,
        "services/mobile/task.html",
        help_pages.order_context(request, found, page=orders.MOBILE),
    )


@login_required
@require_POST
def task_act(request, help_order_id: int):
    found = help_pages.find_order(request, help_order_id)
    access.require_door(request.user, "mobile")
    return help_pages.act(
        request,
        found,
        page=orders.MOBILE,
        template="services/mobile/task.html",
        back="volunteer_task",
    )


@access.door_required("mobile", "helporder.place")
@require_http_methods(["GET", "POST"])
def place(request):
    """An order for a resident, placed by whoever serves them, where they serve."""
    places = access.scope(
        request.user,
        "helporder.place",
        GridNode.objects.filter(tier__in=(Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)),
        via="",
    ).order_by(*GridNode.TREE_ORDER)[:300]
    form = PlaceOrderForm(request.POST or None, places=places)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.help_order_place(
                    actor=request.user,
                    kind=d["kind"],
                    node_id=d["place"],
                    resident_name=d["resident_name"],
                    resident_phone=d["resident_phone"],
                    description=d["description"],
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The order is in; the village dispatches it."))
                return redirect("mobile_home")
        status = 400
    return render(request, "services/mobile/place.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def activity(request, activity_id: int):
    """An activity: sign up (a volunteer of its team), or check in who came with the hours
    (its team's leader)."""
    found = get_object_or_404(
        Activity.objects.select_related("team__node", "team__leader"), pk=activity_id
    )
    access.require(request.user, "volunteer.view", found)  # outside the scope: 404
    access.require_door(request.user, "mobile")
    leads = found.team.leader_id == request.user.pk
    if request.method == "POST":
        try:
            if "sign_up" in request.POST:
                actions.activity_sign_up(actor=request.user, activity_id=found.pk)
                messages.success(request, _("You are signed up."))
            elif leads:
                signup = parse_id(request.POST.get("signup"))
                if signup is None or not found.signups.filter(pk=signup).exists():
                    raise ValidationError(_("Choose who came."))
                actions.activity_check_in(
                    actor=request.user, signup_id=signup, hours=request.POST.get("hours")
                )
                messages.success(request, _("Checked in."))
            else:
                raise ValidationError(_("Only the team's leader checks volunteers in."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("volunteer_activity", activity_id=found.pk)
    signups = list(ActivitySignup.objects.filter(activity=found).select_related("volunteer__user"))
    context = {
        "activity": found,
        "signups": signups,
        "leads": leads,
        "signed": any(s.volunteer.user_id == request.user.pk for s in signups),
    }
    return render(request, "services/mobile/activity.html", context)
