"""Ordering help from the volunteers (群众点单, /g/<code>/help/): the menu of what the teams
serving the place offer, one form; the order's page by its code (/g/help/<code>/) says how far
it got (dispatched to which team, taken, done) and, once done, lets the resident confirm and
rate it. Nothing personal: no name, phone or volunteer is shown."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.public import guards
from gridgov.errors import add_to_form
from grids.public.grid import not_found
from grids.queries import public_node
from services import actions
from services.models import HelpKind, HelpOrder, HelpOrderEvent, OrderStatus
from services.public.forms import CODE, GuardedForm, locked_out, normalised_code, resident_fields
from services.volunteer_forms import teams_serving

S = OrderStatus
RESIDENT_WORDS = {
    S.PLACED: gettext_lazy("Ordered: the village is finding a team"),
    S.DISPATCHED: gettext_lazy("Passed to a volunteer team"),
    S.TAKEN: gettext_lazy("A volunteer has taken it on"),
    S.DONE: gettext_lazy("Done: please confirm and rate it"),
    S.CONFIRMED: gettext_lazy("Finished, thank you"),
    S.CANCELLED: gettext_lazy("Cancelled"),
}


def menu(node) -> list[tuple[str, str]]:
    """What the teams serving the place offer, in the menu's order."""
    offered = {kind for team in teams_serving(node) for kind in team.offers or []}
    return [(value, label) for value, label in HelpKind.choices if value in offered]


class OrderForm(GuardedForm):
    kind = forms.ChoiceField(label=gettext_lazy("What help do you need?"), widget=forms.RadioSelect)
    description = forms.CharField(
        label=gettext_lazy("Tell us more (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        resident_fields(self)
        self.order_fields(["kind", "description", "resident_name", "resident_phone"])
        self.fields["kind"].choices = choices


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How well was it done?"),
        choices=[(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you want to tell us (optional)"),
        max_length=500,
        required=False,
    )


@require_http_methods(["GET", "POST"])
def order(request, code: str):
    node = public_node(code)
    if node is None:
        return not_found(request)
    choices = menu(node)
    status = 200
    if request.method == "POST":
        form = OrderForm(request.POST, choices=choices, request=request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                placed = actions.help_order_place(
                    actor=None,
                    kind=d["kind"],
                    node_id=node.pk,
                    resident_name=d["resident_name"],
                    resident_phone=d["resident_phone"],
                    description=d["description"],
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                guards.count_report(request)
                messages.success(
                    request,
                    _("Your order is in. Its code is %(code)s; keep it to follow it.")
                    % {"code": placed.tracking_code},
                )
                return redirect("public_help_track", help_code=placed.tracking_code)
        status = 400
    else:
        form = OrderForm(choices=choices, request=request)
    return render(
        request,
        "services/public/help.html",
        {"node": node, "form": form, "choices": choices},
        status=status,
    )


def _found(request, help_code: str) -> HelpOrder | None:
    code = normalised_code(help_code)
    found = None
    if CODE.fullmatch(code):
        found = HelpOrder.objects.select_related("node", "team").filter(tracking_code=code).first()
    if found is None:
        guards.tracking_failed(request)
    return found


def _page(request, found: HelpOrder, form=None, status=200):
    steps = [
        {"label": RESIDENT_WORDS.get(e.to_status, ""), "at": e.created_at}
        for e in HelpOrderEvent.objects.filter(order=found).only(
            "to_status", "from_status", "created_at"
        )
        if e.to_status != e.from_status and e.to_status in RESIDENT_WORDS
    ]
    context = {
        "order": found,
        "words": RESIDENT_WORDS.get(found.status, ""),
        "steps": steps,
        "team": found.team.name if found.team_id else "",
        "form": form or ConfirmForm(),
        "may_confirm": found.status == S.DONE,
    }
    return render(request, "services/public/help_track.html", context, status=status)


@require_safe
def track(request, help_code: str):
    if guards.tracking_locked(request):
        return locked_out(request)
    found = _found(request, help_code)
    if found is None:
        return not_found(request)
    if found.tracking_code != help_code:
        return redirect("public_help_track", help_code=found.tracking_code)
    return _page(request, found)


@require_POST
def confirm(request, help_code: str):
    if guards.tracking_locked(request):
        return locked_out(request)
    found = _found(request, help_code)
    if found is None:
        return not_found(request)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            actions.help_order_confirm(
                actor=None,
                order_id=found.pk,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for confirming."))
            return redirect("public_help_track", help_code=found.tracking_code)
    return _page(request, found, form=form, status=400)
