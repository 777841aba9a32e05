"""The forms of the help orders' pages: placing an order for a resident, and one small form per
action of the orders' table (services.orders), each showing only its fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services import actions, orders
from services.models import HelpKind, HelpOrder, Volunteer, VolunteerTeam


def teams_serving(node):
    """The active teams whose place holds the resident's (their grid's, village's, town's)."""
    from grids.models import GridNode

    return VolunteerTeam.objects.filter(
        GridNode.ancestors_q(node, via="node"), active=True
    ).order_by("node__level", "name")


class OrderActionForm(forms.Form):
    action = forms.ChoiceField(label=_("action"))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=VolunteerTeam.objects.none(), required=False
    )
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer (optional)"), queryset=Volunteer.objects.none(), required=False
    )
    hours = forms.DecimalField(
        label=_("Hours served"), required=False, min_value=0, max_value=24, decimal_places=1
    )
    rating = forms.TypedChoiceField(
        label=_("How well was it done?"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    text = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, order: HelpOrder, page: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.order = user, order
        available = orders.available_actions(user, order, page)
        self.fields["action"].choices = [(a, orders.ACTIONS[a].label) for a in available]
        if "dispatch" in available:
            teams = teams_serving(order.node)
            self.fields["team"].queryset = teams
            self.fields["volunteer"].queryset = Volunteer.objects.filter(
                team__in=teams
            ).select_related("user", "team")
            self.fields["volunteer"].label_from_instance = lambda v: (
                f"{v.user.first_name or v.user.username} · {v.team.name}"
            )

    def run(self):
        values = {k: getattr(v, "pk", v) for k, v in self.cleaned_data.items()}
        return actions.perform_on_order(
            values["action"], actor=self.user, order_id=self.order.pk, values=values
        )


class PlaceOrderForm(forms.Form):
    """An order placed by whoever serves the resident (a grid worker at their door)."""

    kind = forms.ChoiceField(label=_("What help"), choices=HelpKind.choices)
    place = forms.TypedChoiceField(label=_("Where the resident lives"), coerce=int)
    resident_name = forms.CharField(label=_("Resident's name"), max_length=50)
    resident_phone = forms.CharField(label=_("Resident's phone"), max_length=30, required=False)
    description = forms.CharField(
        label=_("What they need"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(p.pk, p.name) for p in places]
