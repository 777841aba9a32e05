"""Reporting a case from the phone (/m/report/): one plain form that works without JavaScript;
with it, static/gridgov/m.js scales photos down, fills the position and keeps the form on the
phone while there is no signal (the submission id makes a retry find the first case)."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import actions, photos
from cases.forms import category_choices, coordinate_field
from cases.models import Case, Color, Status
from gridgov.cleaning import parse_id
from gridgov.errors import add_to_form
from grids.models import GridNode, Resident, Tier
from staff import access

REPORT_TIERS = (Tier.GRID, Tier.MICRO_GRID)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, list | tuple) else []
        if data and not isinstance(data, list | tuple):
            files = [data]
        if len(files) > photos.MAX_PHOTOS:
            raise ValidationError(_("At most %(n)d photos per report.") % {"n": photos.MAX_PHOTOS})
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(photos.clean_photo(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


def report_nodes(user, only: list[int] | None = None) -> list[GridNode]:
    """The grids and micro-grids where this person may report (of the ids `only`, if given)."""
    qs = GridNode.objects.filter(tier__in=REPORT_TIERS).order_by(*GridNode.TREE_ORDER)
    if only is not None:
        qs = qs.filter(pk__in=only)
    return list(access.scope(user, "case.report", qs, via="")[:200])


def _sent_ids(value) -> list[int]:
    number = parse_id(value)
    return [number] if number else []


class MobileReportForm(forms.Form):
    submission_id = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{8,64}$", required=False, widget=forms.HiddenInput
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    node = forms.ChoiceField(label=gettext_lazy("Grid"))
    location = forms.CharField(label=gettext_lazy("Where exactly"), max_length=200, required=False)
    latitude = coordinate_field(90)
    longitude = coordinate_field(180)
    photos = PhotosField(label=gettext_lazy("Photos (up to 6)"), required=False)
    parties = forms.CharField(
        label=gettext_lazy("Parties"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    residents = forms.MultipleChoiceField(
        label=gettext_lazy("Parties from the ledger"), required=False
    )
    suggested_color = forms.ChoiceField(
        label=gettext_lazy("Suggested color"),
        required=False,
        choices=[("", "—"), *Color.choices],
    )
    settled = forms.BooleanField(
        label=gettext_lazy("Settled on the spot (yellow matters)"), required=False
    )
    result = forms.CharField(
        label=gettext_lazy("How it was settled"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A report sent is checked against the grid and the category it names, read alone; a
        # form shown (or shown again with its errors) offers all of them. Settling on the spot
        # depends on every grid offered, so a report that asks for it reads them all.
        if self.is_bound and not self.data.get("settled"):
            self.read_choices(
                nodes=_sent_ids(self.data.get("node")),
                categories=_sent_ids(self.data.get("category")),
            )
        else:
            self.read_choices()
        # The ledger's names are read when the form is shown or names were chosen from it: a
        # report that names no one from the ledger does not read it to be saved.
        self.residents = {}
        chosen = self.data.getlist("residents") if hasattr(self.data, "getlist") else None
        if not self.is_bound or chosen or chosen is None:
            self.read_ledger()
        else:
            del self.fields["residents"]

    def read_choices(self, *, nodes: list[int] | None = None, categories=None) -> None:
        """The grids and categories offered: all, or those of the ids given."""
        self.nodes = {n.pk: n for n in report_nodes(self.user, only=nodes)}
        self.fields["node"].choices = [(n.pk, n.name) for n in self.nodes.values()]
        if len(self.nodes) == 1 and nodes is None:
            self.initial.setdefault("node", next(iter(self.nodes)))
        self.fields["category"].choices, self.categories = category_choices(only=categories)
        # Only someone who handles cases where they report may settle on the spot.
        self.may_settle = any(access.handling_node_id(self.user, n) for n in self.nodes.values())
        for name in ("settled", "result"):
            if not self.may_settle:
                self.fields.pop(name, None)
            elif name not in self.fields:
                self.fields[name] = copy.deepcopy(self.base_fields[name])
        self.order_fields(list(self.base_fields))

    def read_ledger(self) -> None:
        """The picker of parties from the ledger, or none where the ledger is empty (the typed
        names are enough there)."""
        residents = access.scope(
            self.user, "case.report", Resident.objects.all(), via="household__node"
        ).order_by("name")[:300]
        self.residents = {str(r.pk): r.name for r in residents.only("pk", "name")}
        if not self.residents:
            self.fields.pop("residents", None)
            return
        if "residents" not in self.fields:
            self.fields["residents"] = copy.deepcopy(self.base_fields["residents"])
            self.order_fields(list(self.base_fields))
        self.fields["residents"].choices = list(self.residents.items())

    def clean(self):
        data = super().clean()
        if data.get("settled"):
            color = data.get("suggested_color") or ""
            category = self.categories.get(int(data["category"])) if data.get("category") else None
            if (color or (category.suggested_color if category else "")) != Color.YELLOW:
                self.add_error("settled", _("Only yellow matters are settled on the spot."))
            if not (data.get("result") or "").strip():
                self.add_error("result", _("Say how it was settled."))
        return data

    def parties_text(self) -> str:
        names = [self.residents[pk] for pk in self.cleaned_data.get("residents") or []]
        typed = (self.cleaned_data.get("parties") or "").strip()
        return "、".join([*names, typed] if typed else names)

    def save(self) -> Case:
        d = self.cleaned_data
        return actions.case_report_from_the_field(
            actor=self.user,
            node_id=self.nodes[int(d["node"])].pk,
            category_id=int(d["category"]),
            description=d["description"],
            suggested_color=d.get("suggested_color") or "",
            parties=self.parties_text(),
            location=d.get("location") or "",
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            submission_id=d.get("submission_id") or None,
            photos=d.get("photos") or [],
            settled_result=d["result"] if d.get("settled") else "",
            known=(self.nodes, self.categories),
        )


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "gridgov-offline"


def _done(request, case: Case, *, again: bool):
    url = reverse("case_mobile", args=[case.pk])
    if _wants_json(request):
        return JsonResponse({"ok": True, "number": case.number, "url": url, "again": again})
    if case.status == Status.RESOLVED:
        msg = _("%(number)s reported and settled on the spot.")
    else:
        msg = _("%(number)s reported.")
    from django.contrib import messages

    messages.success(request, msg % {"number": case.number})
    return redirect(url)


@access.door_required("mobile", "case.report")
def report(request):
    if request.method == "POST":
        sid = request.POST.get("submission_id") or ""
        # A retry of a submission already saved answers with the first case. It is asked for
        # only when saving did not succeed: the case's unique submission id refuses the copy,
        # so a first submission (nearly every one) costs no look-up.
        form = MobileReportForm(request.POST, request.FILES, user=request.user)
        refused = None
        if form.is_valid():
            try:
                return _done(request, form.save(), again=False)
            except IntegrityError as exc:
                if not sid:
                    raise
                refused = exc
            except ValidationError as exc:
                add_to_form(form, exc)
        if sid:
            existing = Case.objects.filter(submission_id=sid, reporter=request.user).first()
            if existing is not None:
                return _done(request, existing, again=True)
        if refused is not None:
            if not Case.objects.filter(submission_id=sid).exists():
                raise refused
            form.add_error(None, _("This form was already used: open a new one."))
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        # Shown again with its errors: with every grid and category, and the picker.
        form.read_choices()
        if "residents" not in form.fields:
            form.read_ledger()
        status = 400
    else:
        form = MobileReportForm(user=request.user)
        status = 200
    mine = (
        Case.objects.filter(reporter=request.user)
        .only("pk", "number", "title", "status", "created_at")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(
        request, "cases/mobile_report/form.html", {"form": form, "mine": mine}, status=status
    )
