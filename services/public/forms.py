"""What the services' residents' forms share: the phone as residents write it, and the guards
of the residents' door (a signed time in the form, a honeypot field, a day's count per
internet connection: cases.public.guards)."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.public import guards
from cases.public.report import normalised_phone


class GuardedForm(forms.Form):
    """A residents' form with the door's guards; subclasses add their fields."""

    # Robots fill every field; people never see this one (hidden by the page's style).
    website = forms.CharField(
        label=gettext_lazy("Leave this box empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if not self.is_bound:
            self.initial["started"] = guards.form_token()

    def clean_resident_phone(self) -> str:
        phone = normalised_phone(self.cleaned_data.get("resident_phone") or "")
        if phone is None:
            raise ValidationError(
                _("Give a mobile number (11 digits) or a landline with its area code.")
            )
        return phone

    def clean(self):
        data = super().clean()
        if (data.get("website") or "").strip():
            raise ValidationError(
                _("The box marked “Leave this box empty” was filled in; empty it and send again.")
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
        if self.request is not None:
            limit = settings.GRIDGOV_PUBLIC_REPORTS_PER_IP
            if guards.reports_today(self.request) >= limit:
                raise ValidationError(
                    _(
                        "At most %(n)d forms a day may be sent from one internet connection. "
                        "Please try again tomorrow, or call the town's hotline."
                    )
                    % {"n": limit}
                )
        return data


def resident_fields(form: forms.Form) -> None:
    """The resident's name and phone, as every services' form asks them."""
    form.fields["resident_name"] = forms.CharField(label=_("Your name"), max_length=50)
    form.fields["resident_phone"] = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


# A tracking or booking code as typed: any case, with spaces or dashes between groups.
_TYPED_NOISE = re.compile(r"[\s\-_.·]+")
CODE = re.compile(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}")


def normalised_code(value: str) -> str:
    return _TYPED_NOISE.sub("", value or "").upper()[:40]


def locked_out(request):
    """Too many wrong codes from this address: the cases' words for it (429)."""
    minutes = settings.GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES
    return render(request, "cases/public/track_locked.html", {"minutes": minutes}, status=429)
