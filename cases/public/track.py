"""Following a report by its tracking code (/g/track/, /g/track/<code>/), and, once it is
closed, rating it and asking for it to be handled again: the resident's own acts, through
cases.actions with no actor (`by_resident`).

The page shows what a resident may know of their report and nothing internal: its status in
residents' words, the date of each step, the category and place, and the reply the handler
wrote for the resident; never a staff name, a party, a note, a result or a phone. Wrong codes
are counted per address and locked out like logins (cases.public.guards)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases import actions, policy
from cases.models import Case, CaseEvent, Status
from cases.public import guards
from gridgov.errors import add_to_form

S = Status
# The status as residents say it (受理中 / 已派单 / 办理中 / 已办结 / 已结案).
RESIDENT_WORDS = {
    S.REPORTED: gettext_lazy("We are taking it in"),
    S.ACCEPTED: gettext_lazy("We are taking it in"),
    S.DISPATCHED: gettext_lazy("Passed to those who handle it"),
    S.HANDLING: gettext_lazy("Being worked on"),
    S.RESOLVED: gettext_lazy("Work done"),
    S.CLOSED: gettext_lazy("Finished and checked"),
    S.REJECTED: gettext_lazy("Not taken up"),
    S.MERGED: gettext_lazy("Handled together with the same report"),
}
# The code as typed: any case, with spaces or dashes between groups of characters.
_TYPED_NOISE = re.compile(r"[\s\-_.·]+")
_CODE = re.compile(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}")


def normalised_code(value: str) -> str:
    return _TYPED_NOISE.sub("", value or "").upper()[:40]


def _locked_out(request):
    minutes = settings.GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES
    return render(request, "cases/public/track_locked.html", {"minutes": minutes}, status=429)


def _find(request, code: str) -> Case | None:
    """The case with this code; a wrong code counts against the address."""
    case = None
    if _CODE.fullmatch(code):
        case = (
            Case.objects.select_related("node", "category", "merged_into")
            .filter(tracking_code=code)
            .first()
        )
    if case is None:
        guards.tracking_failed(request)
    return case


def _not_found(request, typed: str):
    form = TrackForm(initial={"tracking_code": typed[:40]})
    error = _("There is no report with this code. Check it and type it again.")
    return render(
        request, "cases/public/track_form.html", {"form": form, "error": error}, status=404
    )


class TrackForm(forms.Form):
    tracking_code = forms.CharField(
        label=gettext_lazy("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the result?"),
        choices=[(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you want to tell us (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_GET
def track_form(request):
    if guards.tracking_locked(request):
        return _locked_out(request)
    typed = request.GET.get("tracking_code")
    if typed is None:
        return render(request, "cases/public/track_form.html", {"form": TrackForm()})
    code = normalised_code(typed)
    if _find(request, code) is None:
        return _not_found(request, typed)
    return redirect("public_track", tracking_code=code)


def _steps(case: Case) -> list[dict]:
    """Each change of status, in residents' words, with its time; nothing of who or why."""
    events = CaseEvent.objects.filter(case=case).only(
        "action", "from_status", "to_status", "by_resident", "created_at"
    )
    steps = []
    for e in events:
        if e.action == "report":
            steps.append({"label": _("Reported"), "at": e.created_at})
        elif e.action == "reopen" and e.by_resident:
            steps.append({"label": _("You asked for it to be handled again"), "at": e.created_at})
        elif e.action == "rate" and e.by_resident:
            steps.append({"label": _("You rated the result"), "at": e.created_at})
        elif e.to_status != e.from_status and e.to_status in RESIDENT_WORDS:
            steps.append({"label": RESIDENT_WORDS[e.to_status], "at": e.created_at})
    return steps


def _reopen_until(case: Case) -> dt.datetime | None:
    """Until when the resident may ask for the closed case to be handled again."""
    if case.status != S.CLOSED or case.closed_at is None or not case.color:
        return None
    until = case.closed_at + dt.timedelta(days=policy.policy_for(case.color).reopen_within_days)
    return until if timezone.now() <= until else None


def _page(request, case: Case, *, rate_form=None, reopen_form=None, status=200):
    shown = case.merged_into if case.status == S.MERGED and case.merged_into_id else case
    reopen_until = _reopen_until(case)
    # Why a rating or a reopening was refused, above everything: its form may be gone by now.
    refusals = [e for f in (rate_form, reopen_form) if f is not None for e in f.non_field_errors()]
    context = {
        "refusals": refusals,
        "case": case,
        "code": case.tracking_code,
        "words": RESIDENT_WORDS.get(case.status, ""),
        "shown_words": RESIDENT_WORDS.get(shown.status, ""),
        "merged": case.status == S.MERGED,
        "category": case.category.name_for_residents if case.category_id else "",
        "place": case.node.name,
        "steps": _steps(case),
        "reply": shown.public_reply if shown.status in (S.RESOLVED, S.CLOSED) else "",
        "shown": shown,
        "may_rate": case.status == S.CLOSED and case.satisfaction is None,
        "rating": case.satisfaction,
        "reopen_until": reopen_until,
        "rate_form": rate_form or RateForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }
    return render(request, "cases/public/track.html", context, status=status)


def _case_or_refusal(request, tracking_code: str):
    """(case, None) or (None, the answer): locked out, or no such code."""
    if guards.tracking_locked(request):
        return None, _locked_out(request)
    case = _find(request, normalised_code(tracking_code))
    if case is None:
        return None, _not_found(request, tracking_code)
    return case, None


@require_GET
def track(request, tracking_code: str):
    case, refusal = _case_or_refusal(request, tracking_code)
    if refusal is not None:
        return refusal
    if case.tracking_code != tracking_code:  # typed in small letters or with dashes
        return redirect("public_track", tracking_code=case.tracking_code)
    return _page(request, case)


@require_POST
def rate(request, tracking_code: str):
    case, refusal = _case_or_refusal(request, tracking_code)
    if refusal is not None:
        return refusal
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            actions.case_rate(
                actor=None,
                case_id=case.pk,
                satisfaction=form.cleaned_data["rating"],
                note=form.cleaned_data["comment"],
                by_resident=True,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for rating the result."))
            return redirect("public_track", tracking_code=case.tracking_code)
    return _page(request, case, rate_form=form, status=400)


@require_POST
def reopen(request, tracking_code: str):
    case, refusal = _case_or_refusal(request, tracking_code)
    if refusal is not None:
        return refusal
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            actions.case_reopen(
                actor=None, case_id=case.pk, reason=form.cleaned_data["reason"], by_resident=True
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your report is being worked on again."))
            return redirect("public_track", tracking_code=case.tracking_code)
    return _page(request, case, reopen_form=form, status=400)
