"""Reporting a problem from the grid's page (/g/<code>/report/), with no account: one plain
form that works without JavaScript; with it, static/gridgov/m.js (the workers' report script)
scales the photos, fills the position and keeps the form on the phone while there is no
signal. Photos are checked and re-encoded as the workers' are (cases.mobile.report)."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases import actions
from cases.actions.public import MAX_PHOTOS, DuplicateReport, anonymous_allowed, public_place
from cases.forms import coordinate_field
from cases.mobile.report import PhotosField
from cases.models import Case, Category, Source
from cases.public import guards
from gridgov.errors import add_to_form

# A mobile (11 digits, 1[3-9]…) or a landline with its area code (0…), as residents write
# them: spaces, dashes and a +86 in front are dropped.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[1-9][0-9]{8,10}")
_PHONE_NOISE = re.compile(r"[\s\-()（）]+")


def normalised_phone(value: str) -> str | None:
    """The phone as stored (digits only), or None if it is no phone number."""
    digits = _PHONE_NOISE.sub("", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    return digits if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits) else None


def is_mobile(phone: str) -> bool:
    return bool(_MOBILE.fullmatch(phone or ""))


class ResidentPhotosField(PhotosField):
    """The workers' photo field (the same checks and re-encoding), with the residents' count."""

    def clean(self, data, initial=None):
        files = [f for f in data if f] if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)d photos per report.") % {"n": MAX_PHOTOS})
        return super().clean(data, initial)


def public_category_choices() -> list:
    """The categories residents may choose, by their names, in the residents' groups."""
    labels = dict(Category.PublicGroup.choices)
    groups: dict[str, list] = {value: [] for value in Category.PublicGroup.values}
    for c in Category.objects.filter(public=True).only("pk", "name", "public_name", "public_group"):
        groups.setdefault(c.public_group, []).append((c.pk, c.name_for_residents))
    return [("", "—")] + [
        (str(labels.get(group, group)), sorted(items, key=lambda item: item[1]))
        for group, items in groups.items()
        if items
    ]


class ResidentReportForm(forms.Form):
    submission_id = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{8,64}$", required=False, widget=forms.HiddenInput
    )
    category = forms.TypedChoiceField(label=gettext_lazy("What is it about?"), coerce=int)
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    location = forms.CharField(label=gettext_lazy("Where exactly"), max_length=200, required=False)
    latitude = coordinate_field(90)
    longitude = coordinate_field(180)
    photos = ResidentPhotosField(label=gettext_lazy("Photos (up to 3)"), required=False)
    reporter_name = forms.CharField(label=gettext_lazy("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=gettext_lazy("Your phone, for the call back"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    no_sms = forms.BooleanField(label=gettext_lazy("Don't text me"), required=False)
    # Robots fill every field; people never see this one (hidden by the page's style).
    website = forms.CharField(
        label=gettext_lazy("Leave this box empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, node, **kwargs):
        super().__init__(*args, **kwargs)
        self.node = node
        self.anonymous_allowed = anonymous_allowed(node)
        self.fields["category"].choices = public_category_choices()
        if not self.anonymous_allowed:
            self.fields["reporter_phone"].required = True
            self.fields["reporter_phone"].error_messages["required"] = _(
                "Give a phone number, so that we can call you back."
            )

    def clean_reporter_phone(self) -> str:
        value = (self.cleaned_data.get("reporter_phone") or "").strip()
        if not value:
            return ""
        phone = normalised_phone(value)
        if phone is None:
            raise ValidationError(
                _("Give a mobile number (11 digits) or a landline with its area code.")
            )
        return phone

    def clean(self):
        data = super().clean()
        if (data.get("website") or "").strip():
            raise ValidationError(
                _(
                    "The box marked “Leave this box empty” was filled in, so the report was not "
                    "sent. Empty it and send again."
                )
            )
        age = guards.form_age(data.get("started") or "")
        if age is None:
            raise ValidationError(
                _("This form is too old or damaged. Please check it and send it again.")
            )
        if age < settings.GRIDGOV_PUBLIC_REPORT_MIN_SECONDS:
            raise ValidationError(
                _(
                    "That was quicker than a person can fill in the form, so it was not sent. "
                    "Please check it and send it again."
                )
            )
        return data

    def save(self) -> Case:
        d = self.cleaned_data
        return actions.case_report_by_resident(
            node_id=self.node.pk,
            category_id=d["category"],
            description=d["description"],
            reporter_name=d.get("reporter_name") or "",
            reporter_phone=d.get("reporter_phone") or "",
            location=d.get("location") or "",
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            photos=d.get("photos") or [],
            submission_id=d.get("submission_id") or None,
            sms_opt_out=bool(d.get("no_sms")),
        )


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "gridgov-offline"


def _resident_case(submission_id: str) -> Case | None:
    if not submission_id:
        return None
    return Case.objects.filter(
        submission_id=submission_id, source=Source.RESIDENT, reporter__isnull=True
    ).first()


def _done(request, case: Case):
    url = reverse("public_track", kwargs={"tracking_code": case.tracking_code})
    if _wants_json(request):
        return JsonResponse({"ok": True, "number": case.tracking_code, "url": url})
    messages.success(
        request,
        _("Thank you: your report is in. Its tracking code is %(code)s; keep it to follow it.")
        % {"code": case.tracking_code},
    )
    return redirect(url)


def _refuse_address(form) -> bool:
    limit = settings.GRIDGOV_PUBLIC_REPORTS_PER_IP
    if guards.reports_today(form.request) < limit:
        return False
    form.add_error(
        None,
        _(
            "At most %(n)d reports a day may be sent from one internet connection. Please try "
            "again tomorrow, or call the town's hotline."
        )
        % {"n": limit},
    )
    return True


def _save(request, form) -> Case | None:
    """The case, or None with the refusal on the form (nothing of it saved)."""
    form.request = request
    if not form.is_valid() or _refuse_address(form):
        return None
    sid = form.cleaned_data.get("submission_id") or ""
    try:
        case = form.save()
    except DuplicateReport as exc:
        form.duplicate = exc.case
        add_to_form(form, exc)
        return None
    except IntegrityError:
        # Two copies of one submission raced: the other one won; answer with its case.
        case = _resident_case(sid)
        if case is None:
            form.add_error(None, _("This form was already used: open a new one."))
            return None
        return case
    except ValidationError as exc:
        add_to_form(form, exc)
        return None
    guards.count_report(request)
    return case


@require_http_methods(["GET", "POST"])
def report(request, code: str):
    node = public_place(code)
    status = 200
    if request.method == "POST":
        existing = _resident_case(request.POST.get("submission_id") or "")
        if existing is not None and existing.node_id == node.pk:
            # A retry of a submission already saved (the offline sender): the first case.
            return _done(request, existing)
        form = ResidentReportForm(request.POST, request.FILES, node=node)
        case = _save(request, form)
        if case is not None:
            return _done(request, case)
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        status = 400
        # A form shown again keeps the moment it was first shown, unless that was not ours.
        started = request.POST.get("started") or ""
        if guards.form_age(started) is None:
            started = guards.form_token()
    else:
        form = ResidentReportForm(node=node)
        started = guards.form_token()
    context = {
        "node": node,
        "town": node.town,
        "form": form,
        "started": started,
        "duplicate": getattr(form, "duplicate", None),
    }
    return render(request, "cases/public/report.html", context, status=status)
