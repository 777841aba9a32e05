"""Forms of the tree (a node's facts), the household ledger (phone) and the Excel import
(desk). Writes go through grids.actions; personal fields are never prefilled (the edit pages
would show them in full)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.actions import HOUSEHOLD_FIELDS
from grids.models import (
    GridNode,
    Household,
    HouseholdCategory,
    Organization,
    ResidentTag,
    id_number_is_valid,
)


class NodeFactsForm(forms.ModelForm):
    """A node's own facts; its place in the tree and its code are changed in the admin."""

    class Meta:
        model = GridNode
        fields = [
            "name",
            "kind",
            "households",
            "population",
            "difficulty",
            "office_hours",
            "hotline",
        ]

    def _post_clean(self):
        # The node_update action validates the whole node under a lock; here only field checks.
        pass


KEEP_HELP = _("Currently %(masked)s. Leave blank to keep it.")


class HouseholdForm(forms.ModelForm):
    node = forms.ModelChoiceField(label=_("Grid"), queryset=GridNode.objects.none())

    class Meta:
        model = Household
        # The next visit's date follows from the visits; everything else a worker types.
        fields = ["node", *(f for f in HOUSEHOLD_FIELDS if f != "next_visit_due")]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in ("family_situation", "needs", "composition")
        }

    def __init__(self, *args, nodes=None, masked_contact: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["node"]
            self.initial["contact"] = ""
            if masked_contact:
                self.fields["contact"].help_text = KEEP_HELP % {"masked": masked_contact}
        else:
            self.fields["node"].queryset = nodes
        self.fields["category"].choices = HouseholdCategory.choices


def _clean_id(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not id_number_is_valid(value):
        if len(value) != 18:
            raise forms.ValidationError(
                _("An ID number has 18 characters: 17 digits and a digit or X.")
            )
        raise forms.ValidationError(_("The check digit of this ID number is wrong."))
    return value


class ResidentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+\- ]{5,20}$",
        max_length=20,
        required=False,
        error_messages={"invalid": _("Enter a phone number (digits only).")},
    )
    relation = forms.CharField(label=_("Relation to the head"), max_length=20, required=False)
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=ResidentTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, show_tags: bool = False, masked: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_tags:
            del self.fields["tags"]
        for name, value in (masked or {}).items():
            if value:
                self.fields[name].help_text = KEEP_HELP % {"masked": value}

    def clean_id_number(self):
        return _clean_id(self.cleaned_data.get("id_number"))


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Field"), choices=[("id_number", _("ID number")), ("phone", _("Phone"))]
    )
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=200)


class OrganizationForm(forms.ModelForm):
    node = forms.ModelChoiceField(label=_("Grid"), queryset=GridNode.objects.none())

    class Meta:
        model = Organization
        fields = ["node", "name", "kind", "contact", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes


class LedgerUploadForm(forms.Form):
    node = forms.ModelChoiceField(
        label=_("Import into (village or grid)"), queryset=GridNode.objects.none()
    )
    file = forms.FileField(label=_("Ledger file (.xlsx)"))

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes
