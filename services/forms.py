"""The forms of the request pages (desk and phone): taking a request in, and one small form per
action of the table (services.workflow), each showing only the fields its action asks for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Unit
from services import actions, workflow
from services.actions.window import CAME
from services.models import Delivery, ServiceItem, ServiceRequest
from staff import access

CAME_LABELS = {
    "in_person": _("The resident brought them (one more trip)"),
    "errand": _("The errand-runner brought them"),
    "post": _("By post"),
    "online": _("Sent online"),
}


def material_choices(version) -> list[tuple[str, str]]:
    return [(str(m.index), f"{m.name} · {m.form_label} ×{m.count}") for m in version.material_list]


class RequestActionForm(forms.Form):
    action = forms.ChoiceField(label=_("action"))
    materials = forms.MultipleChoiceField(
        label=_("Materials in hand"), required=False, widget=forms.CheckboxSelectMultiple
    )
    came = forms.ChoiceField(
        label=_("How the missing materials came"),
        required=False,
        choices=[("", "—"), *[(c, CAME_LABELS[c]) for c in CAME]],
    )
    unit = forms.ModelChoiceField(
        label=_("Back office"), queryset=Unit.objects.none(), required=False
    )
    delivery = forms.ChoiceField(
        label=_("How it reaches the resident"),
        required=False,
        choices=[("", "—"), *Delivery.choices],
    )
    address = forms.CharField(label=_("Address for the post"), required=False, max_length=200)
    text = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, request: ServiceRequest, page: str = workflow.DESK, **kw):
        super().__init__(*args, **kw)
        self.user, self.request = user, request
        available = workflow.available_actions(user, request, page)
        self.fields["action"].choices = [(a, workflow.ACTIONS[a].label) for a in available]
        self.fields["materials"].choices = material_choices(request.version)
        self.initial.setdefault("materials", [str(i) for i in request.received_materials or []])
        units = Unit.objects.filter(
            kind__in=(Unit.Kind.PLATFORM, Unit.Kind.COUNTY_DEPARTMENT, Unit.Kind.OUTPOST)
        )
        self.fields["unit"].queryset = access.scope_units(user, "servicerequest.accept", units)
        self.fields["unit"].empty_label = _("The item's own: %(unit)s") % {
            "unit": request.item.platform.name
        }

    def run(self):
        """Take the chosen action; DomainError, PermissionDenied and Http404 pass to the caller."""
        values = {k: getattr(v, "pk", v) for k, v in self.cleaned_data.items()}
        return actions.perform(
            values["action"], actor=self.user, request_id=self.request.pk, values=values
        )


class IntakeForm(forms.Form):
    """A request taken in at the window or on the phone: who, where, what is in hand."""

    place = forms.TypedChoiceField(label=_("Where the resident lives"), coerce=int)
    resident_name = forms.CharField(label=_("Resident's name"), max_length=50)
    resident_phone = forms.CharField(label=_("Resident's phone"), max_length=30, required=False)
    materials = forms.MultipleChoiceField(
        label=_("Materials in hand"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("What the resident asks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_id = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{8,64}$", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, item: ServiceItem, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["place"].choices = [(p.pk, p.name) for p in places]
        self.fields["materials"].choices = material_choices(item.current)

    def clean_resident_phone(self) -> str:
        from cases.public.report import normalised_phone

        value = (self.cleaned_data.get("resident_phone") or "").strip()
        if not value:
            return ""
        phone = normalised_phone(value)
        if phone is None:
            raise forms.ValidationError(
                _("Give a mobile number (11 digits) or a landline with its area code.")
            )
        return phone
