"""The intake page's forms: accept (with an optional dispatch in the same submit), reject,
merge and dispatch. Each parses its input and calls cases.actions; none decides anything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import actions
from cases.forms import category_choices
from cases.models import Case, Color
from cases.queries import intake
from staff import access


def _grouped(targets: list[intake.Target], blank: str | None) -> list:
    """Choices grouped as the targets come (the suggestion first), for one <select>."""
    choices: list = [("", blank)] if blank is not None else []
    groups: dict[str, list] = {}
    for t in targets:
        group = _("Suggested: the responsibility list") if t.suggested else t.group
        groups.setdefault(group, []).append((t.value, t.label))
    return choices + list(groups.items())


class IntakeForm(forms.Form):
    def __init__(self, *args, case: Case, user, context: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user, self.context = case, user, context

    def run(self) -> tuple[str, str]:
        """Take the action; returns (message, where to go next). DomainError passes up."""
        raise NotImplementedError


class AcceptForm(IntakeForm):
    color = forms.ChoiceField(
        label=gettext_lazy("Color"), choices=Color.choices, widget=forms.RadioSelect
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, required=False, empty_value=None
    )
    dispatch_to = forms.ChoiceField(label=gettext_lazy("Dispatch now to"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 研判: the reporter's choice, if any, stands until the town files it otherwise.
        self.fields["category"].choices, _categories = category_choices()
        if not self.is_bound:
            self.initial["category"] = self.case.category_id
        self.fields["dispatch_to"].choices = _grouped(
            self.context["targets"], _("— accept only, dispatch later —")
        )
        if not self.is_bound and self.case.suggested_color:
            self.initial["color"] = self.case.suggested_color

    def run(self):
        d = self.cleaned_data
        dispatch_to = intake.dispatch_arguments(d["dispatch_to"]) if d["dispatch_to"] else None
        case = actions.case_accept(
            actor=self.user,
            case_id=self.case.pk,
            color=d["color"],
            note=d["note"],
            dispatch_to=dispatch_to,
            category_id=d.get("category"),
        )
        if dispatch_to:
            return _("%(number)s accepted and dispatched.") % {"number": case.number}, ""
        return _("%(number)s accepted: now dispatch it.") % {"number": case.number}, "self"


class RejectForm(IntakeForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def run(self):
        case = actions.case_reject(
            actor=self.user, case_id=self.case.pk, reason=self.cleaned_data["reason"]
        )
        return _("%(number)s rejected.") % {"number": case.number}, ""


class MergeForm(IntakeForm):
    into = forms.TypedChoiceField(
        label=gettext_lazy("Likely duplicates"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label=gettext_lazy("or another case number"), required=False, max_length=30
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [
            (d.case.pk, d.case.number) for d in self.context["duplicates"]
        ]

    def clean(self):
        d = super().clean()
        number = (d.get("number") or "").strip()
        if number:
            target = (
                access.scope(self.user, "case.view", Case.objects.all())
                .filter(number=number)
                .values_list("pk", flat=True)
                .first()
            )
            if target is None:
                raise forms.ValidationError(_("No case with that number in your area."))
            d["target"] = target
        elif d.get("into"):
            d["target"] = d["into"]
        elif not self.errors:
            raise forms.ValidationError(_("Choose the case this report repeats."))
        return d

    def run(self):
        case = actions.case_merge(
            actor=self.user, case_id=self.case.pk, into_id=self.cleaned_data["target"]
        )
        return _("%(number)s merged.") % {"number": case.number}, ""


class DispatchForm(IntakeForm):
    dispatch_to = forms.ChoiceField(label=gettext_lazy("Dispatch to"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once accepted, a case goes only down from the level holding it.
        targets = [t for t in self.context["targets"] if not t.needs_town_list]
        self.fields["dispatch_to"].choices = _grouped(targets, None)

    def run(self):
        d = self.cleaned_data
        case = actions.case_dispatch(
            actor=self.user,
            case_id=self.case.pk,
            note=d["note"],
            **intake.dispatch_arguments(d["dispatch_to"]),
        )
        return _("%(number)s dispatched.") % {"number": case.number}, ""


FORMS = {"accept": AcceptForm, "reject": RejectForm, "merge": MergeForm, "dispatch": DispatchForm}
# Which forms a case in each status offers on the intake page.
FORMS_FOR_STATUS = {"reported": ("accept", "reject", "merge"), "accepted": ("dispatch",)}
