"""The household ledger on the phone (/m/ledger/): the grid's households, residents and
organizations. Writes go through grids.actions; personal data is masked unless revealed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gridgov.errors import add_to_form
from grids import actions, queries
from grids.forms import (
    HouseholdForm,
    OrganizationForm,
    ResidentForm,
    RevealForm,
)
from grids.models import Household, HouseholdCategory, Resident
from grids.privacy import mask_phone, masked, may_see_tags
from staff import access


def _household(user, pk: int, action: str = "household.view") -> Household:
    household = get_object_or_404(Household.objects.select_related("node"), pk=pk)
    access.require(user, action, household)
    return household


def _save(form, write) -> bool:
    """Call the action; its ValidationError lands on the form's fields. True when saved."""
    try:
        write()
    except ValidationError as exc:
        add_to_form(form, exc)
        return False
    return True


@login_required
def ledger_list(request):
    access.require_anywhere(request.user, "household.view")
    search = request.GET.get("q", "").strip()[:50]
    category = request.GET.get("category", "")
    if category not in HouseholdCategory.values:
        category = ""
    households = list(
        queries.ledger_households(request.user, search=search, category=category)[:200]
    )
    return render(
        request,
        "grids/ledger/list.html",
        {
            "households": households,
            "q": search,
            "category": category,
            "categories": HouseholdCategory.choices,
            "may_add": access.can_anywhere(request.user, "household.change"),
        },
    )


@login_required
def household_detail(request, household_id: int):
    household = _household(request.user, household_id)
    return render(
        request,
        "grids/ledger/household.html",
        {
            "household": household,
            "contact": mask_phone(household.contact),
            "residents": queries.masked_residents(request.user, household),
            "may_change": access.can(request.user, "household.change", household),
            "may_visit": access.can(request.user, "visit.record", household),
        },
    )


@login_required
def household_add(request):
    access.require_anywhere(request.user, "household.change")
    nodes = queries.ledger_nodes(request.user, "household.change")
    form = HouseholdForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "node"}
        created = {}

        def write():
            created["h"] = actions.household_create(
                actor=request.user, node_id=form.cleaned_data["node"].pk, **data
            )

        if _save(form, write):
            messages.success(request, _("Household added."))
            return redirect("ledger_household", created["h"].pk)
    return render(request, "grids/ledger/form.html", {"form": form, "title": _("Add a household")})


@login_required
def household_edit(request, household_id: int):
    household = _household(request.user, household_id, "household.change")
    form = HouseholdForm(
        request.POST or None, instance=household, masked_contact=mask_phone(household.contact)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.fields}
        if not data.get("contact"):
            data.pop("contact")  # blank keeps the number (it is never shown in full here)
        household.refresh_from_db()  # the form wrote into the instance; the action decides

        def write():
            actions.household_update(actor=request.user, household_id=household.pk, **data)

        if _save(form, write):
            messages.success(request, _("Household saved."))
            return redirect("ledger_household", household.pk)
    return render(
        request,
        "grids/ledger/form.html",
        {"form": form, "title": _("Edit household"), "household": household},
    )


@login_required
def resident_add(request, household_id: int):
    household = _household(request.user, household_id, "household.change")
    form = ResidentForm(request.POST or None, show_tags=may_see_tags(request.user, household))
    if request.method == "POST" and form.is_valid():

        def write():
            actions.resident_create(
                actor=request.user, household_id=household.pk, **form.cleaned_data
            )

        if _save(form, write):
            messages.success(request, _("Resident added."))
            return redirect("ledger_household", household.pk)
    return render(
        request,
        "grids/ledger/form.html",
        {"form": form, "title": _("Add a resident"), "household": household},
    )


def _resident(user, pk: int, action: str) -> Resident:
    resident = get_object_or_404(Resident.objects.select_related("household__node"), pk=pk)
    access.require(user, action, resident)
    return resident


@login_required
def resident_edit(request, resident_id: int):
    resident = _resident(request.user, resident_id, "household.change")
    show_tags = may_see_tags(request.user, resident)
    initial = {"name": resident.name, "relation": resident.relation, "tags": resident.tags}
    form = ResidentForm(
        request.POST or None, initial=initial, show_tags=show_tags, masked=masked(resident)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for name in ("id_number", "phone"):
            if not data.get(name):
                data[name] = None  # blank keeps the value

        def write():
            actions.resident_update(actor=request.user, resident_id=resident.pk, **data)

        if _save(form, write):
            messages.success(request, _("Resident saved."))
            return redirect("ledger_household", resident.household_id)
    return render(
        request,
        "grids/ledger/form.html",
        {"form": form, "title": _("Edit resident"), "household": resident.household},
    )


@login_required
def resident_reveal(request, resident_id: int):
    """Ask why, log it, then show the one full value (never on any other page)."""
    resident = _resident(request.user, resident_id, "resident.reveal")
    form = RevealForm(request.POST or None, initial={"field": request.GET.get("field")})
    value = None
    if request.method == "POST" and form.is_valid():
        result = {}

        def write():
            result["v"] = actions.resident_reveal(
                actor=request.user,
                resident_id=resident.pk,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )

        if _save(form, write):
            value = result["v"]
    response = render(
        request,
        "grids/ledger/reveal.html",
        {"form": form, "resident": resident, "value": value, "masked": masked(resident)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def organization_list(request):
    access.require_anywhere(request.user, "household.view")
    nodes = queries.ledger_nodes(request.user, "household.change")
    may_add = access.can_anywhere(request.user, "household.change")
    form = OrganizationForm(request.POST or None, nodes=nodes) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "node"}

            def write():
                actions.organization_create(
                    actor=request.user, node_id=form.cleaned_data["node"].pk, **data
                )

            if _save(form, write):
                messages.success(request, _("Organization registered."))
                return redirect("ledger_organizations")
    return render(
        request,
        "grids/ledger/organizations.html",
        {"organizations": list(queries.ledger_organizations(request.user)), "form": form},
    )
