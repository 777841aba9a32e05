"""One form to take any workflow action on a case: it parses what a page sent, and the action
table (cases.workflow) says which fields each action reads and which function does it. The case
pages at the desk and on the phone and the admin's "Work this case" all use it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases import actions, workflow
from cases.models import Case, Category, Color, CountyCall, Mediation, Unit
from cases.queries import units_serving
from grids.models import GridNode, Tier
from staff import access


def category_choices(blank: str = "—", only: list[int] | None = None) -> tuple[list, dict]:
    """Every category (or those of the ids `only`), grouped as the phone's report form groups
    them, for one <select>; and the categories by id."""
    labels = dict(Category.Group.choices)
    rows = Category.objects.order_by("group", "name")
    categories = {c.pk: c for c in (rows if only is None else rows.filter(pk__in=only))}
    groups: dict[str, list] = {}
    for c in categories.values():
        groups.setdefault(str(labels.get(c.group, c.group)), []).append((c.pk, c.name))
    return [("", blank), *groups.items()], categories


# The person choosing says what a success does: case_mediate resolves the case at once (for
# the town to verify); the record keeps the model's short words.
MEDIATION_OUTCOMES = [
    ("", "—"),
    (Mediation.Outcome.SUCCESS, _("Mediation succeeded (resolves the case)")),
    (Mediation.Outcome.FAILURE, Mediation.Outcome.FAILURE.label),
]


class CaseActionForm(forms.Form):
    action = forms.ChoiceField(label=_("action"))
    text = forms.CharField(
        label=_("reason, result, note or agreement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    color = forms.ChoiceField(label=_("color"), choices=[("", "—"), *Color.choices], required=False)
    owner_node = forms.ModelChoiceField(
        label=_("put on the list of"), queryset=GridNode.objects.none(), required=False
    )
    handler = forms.ModelChoiceField(
        label=_("handler"), queryset=get_user_model().objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(
        label=_("village"), queryset=GridNode.objects.none(), required=False
    )
    into = forms.CharField(label=_("merge into (case number)"), required=False, max_length=30)
    outcome = forms.ChoiceField(label=_("outcome"), choices=MEDIATION_OUTCOMES, required=False)
    parties = forms.CharField(label=_("parties"), required=False, max_length=300)
    rating = forms.TypedChoiceField(
        label=_("rating"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    public_reply = forms.CharField(
        label=_("reply to the resident"),
        help_text=_("Shown to the resident who follows the case by its code; not the result."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    until = forms.DateTimeField(label=_("new deadline"), required=False)
    emergency = forms.BooleanField(label=_("emergency"), required=False)
    category = forms.TypedChoiceField(
        label=_("category"), coerce=int, required=False, empty_value=None
    )
    call = forms.ModelChoiceField(
        label=_("county call"), queryset=CountyCall.objects.none(), required=False
    )

    def __init__(
        self,
        *args,
        user,
        case: Case,
        page: str = workflow.CASE_PAGE,
        available: list[str] | None = None,
        categories: list | None = None,
        trail: list[GridNode] | None = None,
        **kwargs,
    ):
        """`available` (the actions this person may take now), `categories` (the grouped
        choices) and `trail` (the case's node and those above it, in tree order) may come from
        the page, which asks once for all its forms."""
        super().__init__(*args, **kwargs)
        self.user, self.case = user, case
        if available is None:
            available = workflow.available_actions(user, case, page)
        fields = self.fields
        fields["action"].choices = [(a, workflow.ACTIONS[a].label) for a in available]
        node = case.node
        if "owner_node" in fields or "village" in fields:
            above = GridNode.objects.ancestors(node)
            lists = {
                "owner_node": (above, trail),
                "village": (
                    above.filter(tier=Tier.VILLAGE),
                    trail and [n for n in trail if n.tier == Tier.VILLAGE],
                ),
            }
            for name, (queryset, shown) in lists.items():
                if name not in fields:
                    continue
                field = fields[name]
                field.queryset = queryset  # what a sent value is checked against
                if shown is not None:
                    # The page has these nodes already (its breadcrumbs): no query to show them.
                    field.widget.choices = [
                        ("", field.empty_label),
                        *((n.pk, field.label_from_instance(n)) for n in shown),
                    ]
        if "handler" in fields:
            handlers = access.assignments_over("case.sign", node).values("user_id")
            fields["handler"].queryset = (
                get_user_model().objects.filter(pk__in=handlers).order_by("username")
            )
        if "unit" in fields:
            fields["unit"].queryset = units_serving(node)
        if "category" in fields and "recategorize" in available:
            fields["category"].choices = categories or category_choices()[0]
            self.initial.setdefault("category", case.category_id)
        if "call" in fields:
            fields["call"].queryset = case.county_calls.select_related("department")

    @classmethod
    def showing(cls, action: str) -> type[CaseActionForm]:
        """This form with only the fields one action's button shows: a page lists several
        actions, and copying every field for each would cost more than the rest of the page."""
        try:
            return _SHOWING[action]
        except KeyError:
            keep = {"action", *workflow.ACTIONS[action].fields}
            form = type(f"{action.title()}Form", (cls,), {})
            form.base_fields = {n: f for n, f in cls.base_fields.items() if n in keep}
            return _SHOWING.setdefault(action, form)

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        if not number:
            return None
        target = (
            access.scope(self.user, "case.view", Case.objects.all()).filter(number=number).first()
        )
        if target is None:
            raise forms.ValidationError(_("No case with that number in your area."))
        return target

    def run(self):
        """Take the chosen action; DomainError, PermissionDenied and Http404 pass to the caller."""
        values = {k: getattr(v, "pk", v) for k, v in self.cleaned_data.items()}
        return actions.perform(values["action"], actor=self.user, case=self.case, values=values)


_SHOWING: dict[str, type[CaseActionForm]] = {}


class RevealReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=200)


def coordinate_field(limit: int) -> forms.DecimalField:
    """A latitude (limit 90) or longitude (180) the phone's position fills, kept as sent."""
    return forms.DecimalField(
        min_value=-limit,
        max_value=limit,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
