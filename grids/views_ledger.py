"""The household ledger: phone pages (/m/ledger/) for the grid's people, and the Excel import
(/desk/ledger/import/) for town staff and admins. Writes go through grids.actions."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grids import actions, ledger_xlsx, queries
from grids.forms_ledger import (
    HouseholdForm,
    LedgerUploadForm,
    OrganizationForm,
    ResidentForm,
    RevealForm,
)
from grids.models import Household, HouseholdCategory, Resident
from grids.privacy import mask_phone, masked, may_see_tags
from staff import access

_SESSION_KEY = "ledger_import"


def _need(user, action: str) -> None:
    if not access.can_anywhere(user, action):
        raise PermissionDenied


def _household(user, pk: int, action: str = "household.view") -> Household:
    household = get_object_or_404(Household.objects.select_related("node"), pk=pk)
    access.require(user, action, household)
    return household


def _save(form, write) -> bool:
    """Call the action; its ValidationError lands on the form's fields. True when saved."""
    try:
        write()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


@login_required
def ledger_list(request):
    _need(request.user, "household.view")
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
        },
    )


@login_required
def household_add(request):
    _need(request.user, "household.change")
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
    _need(request.user, "household.view")
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


# ---------------------------------------------------------------- the Excel import (desk)


def _import_nodes(user):
    return queries.ledger_nodes(user, "household.change", tiers=("village", "grid", "micro_grid"))


def _desk(user) -> None:
    _need(user, "door.desk")
    _need(user, "household.change")


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending(request):
    """The file kept between preview and confirm: named in this user's session, never in a form."""
    pending = request.session.get(_SESSION_KEY)
    if not pending or pending.get("user_id") != request.user.pk:
        return None
    path = _import_dir() / f"{pending['token']}.xlsx"
    if not path.exists():
        return None
    return pending, path


def _drop_pending(request) -> None:
    found = _pending(request)
    if found:
        found[1].unlink(missing_ok=True)
    request.session.pop(_SESSION_KEY, None)


@login_required
def import_template(request):
    _desk(request.user)
    response = HttpResponse(
        ledger_xlsx.template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


@login_required
def import_upload(request):
    """Upload → check every row without writing → the preview with each bad row named."""
    _desk(request.user)
    form = LedgerUploadForm(
        request.POST or None, request.FILES or None, nodes=_import_nodes(request.user)
    )
    context = {
        "form": form,
        "max_mb": ledger_xlsx.MAX_BYTES // 1024 // 1024,
        "max_rows": ledger_xlsx.MAX_ROWS,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        node = form.cleaned_data["node"]
        if upload.size > ledger_xlsx.MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(mb)d MB; split it.") % {"mb": context["max_mb"]},
            )
        else:
            data = upload.read()
            try:
                rows = ledger_xlsx.read_rows(data)
            except ledger_xlsx.LedgerFileError as exc:
                form.add_error("file", str(exc))
            else:
                plan = actions.ledger_check(actor=request.user, node=node, rows=rows)
                _drop_pending(request)
                if plan.rows and not plan.errors:  # only a good file waits for the confirm
                    token = secrets.token_hex(16)
                    (_import_dir() / f"{token}.xlsx").write_bytes(data)
                    request.session[_SESSION_KEY] = {
                        "token": token,
                        "user_id": request.user.pk,
                        "node_id": node.pk,
                    }
                context.update(plan=plan, node=node, households=len(plan.households))
                return render(request, "grids/ledger/import_preview.html", context)
    return render(request, "grids/ledger/import.html", context)


@login_required
@require_POST
def import_confirm(request):
    """All or nothing: the kept file is read again and imported in one transaction."""
    _desk(request.user)
    found = _pending(request)
    if found is None:
        messages.error(request, _("Upload the file again: nothing is waiting to be imported."))
        return redirect("ledger_import")
    pending, path = found
    node = get_object_or_404(_import_nodes(request.user), pk=pending["node_id"])
    try:
        rows = ledger_xlsx.read_rows(path.read_bytes())
        plan = actions.ledger_import(actor=request.user, node_id=node.pk, rows=rows)
    except (ledger_xlsx.LedgerFileError, ValidationError) as exc:
        errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        _drop_pending(request)  # the rows changed under us (e.g. someone imported them): start over
        return render(
            request, "grids/ledger/import_done.html", {"errors": errors, "node": node}, status=400
        )
    _drop_pending(request)
    return render(
        request,
        "grids/ledger/import_done.html",
        {"plan": plan, "node": node, "households": len(plan.households)},
    )


@login_required
@require_POST
def import_cancel(request):
    _desk(request.user)
    _drop_pending(request)
    return redirect("ledger_import")
