"""One form to take any workflow action on a case, and the table that maps each action to its
function in cases.actions. Pages (the admin's case page now, the desk and the phones later)
parse with this and call one action; they decide nothing themselves."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases import actions, workflow
from cases.models import Case, Color, CountyCall, Department, Mediation
from cases.queries import units_serving
from grids.models import GridNode, Tier
from staff import access

# action -> the permission it needs (for the list of what this person may do now)
ACTION_PERMISSIONS = {
    "accept": "case.accept",
    "reject": "case.reject",
    "merge": "case.merge",
    "dispatch": "case.dispatch",
    "sign": "case.sign",
    "return": "case.return",
    "request_extension": "case.request_extension",
    "approve_extension": "case.approve_extension",
    "refuse_extension": "case.approve_extension",
    "supervise": "case.supervise",
    "progress": "case.progress",
    "mediate": "case.mediate",
    "escalate": "case.escalate",
    "call_county": "case.call_county",
    "resolve": "case.resolve",
    "verify_ok": "case.verify",
    "verify_fail": "case.verify",
    "reopen": "case.reopen",
    "rate": "case.rate",
}
CALL_ACTIONS = {
    "county_respond": "countycall.respond",
    "county_rate": "countycall.rate",
    "county_rate_necessity": "countycall.rate_necessity",
}


# Taken only by whom the case was dispatched to (cases.actions refuses anyone else).
HANDLER_ONLY = {"sign", "return", "resolve"}
# Which county calls each call action fits.
CALL_STATES = {
    "county_respond": lambda call: call.state == CountyCall.State.OPEN,
    "county_rate": lambda call: call.state == CountyCall.State.ANSWERED,
    "county_rate_necessity": lambda call: (
        call.state != CountyCall.State.OPEN and call.department_rating is None
    ),
}


def available_actions(user, case: Case) -> list[str]:
    """What this person may do to this case now: the table, then the access policy."""
    names = [
        a
        for a in workflow.actions_from(case.status)
        if access.can(user, ACTION_PERMISSIONS[a], case)
        and (a not in HANDLER_ONLY or actions.may_handle(user, case))
    ]
    calls = list(case.county_calls.all())
    for action, permission in CALL_ACTIONS.items():
        if any(CALL_STATES[action](call) and access.can(user, permission, call) for call in calls):
            names.append(action)
    return names


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
    department = forms.ModelChoiceField(
        label=_("unit"), queryset=Department.objects.none(), required=False
    )
    village = forms.ModelChoiceField(
        label=_("village"), queryset=GridNode.objects.none(), required=False
    )
    into = forms.CharField(label=_("merge into (case number)"), required=False, max_length=30)
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[("", "—"), *Mediation.Outcome.choices], required=False
    )
    parties = forms.CharField(label=_("parties"), required=False, max_length=300)
    rating = forms.TypedChoiceField(
        label=_("rating"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    until = forms.DateTimeField(label=_("new deadline"), required=False)
    emergency = forms.BooleanField(label=_("emergency"), required=False)
    call = forms.ModelChoiceField(
        label=_("county call"), queryset=CountyCall.objects.none(), required=False
    )

    def __init__(self, *args, user, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.case = user, case
        self.fields["action"].choices = [
            (a, workflow.ACTION_LABELS[a]) for a in available_actions(user, case)
        ]
        node = case.node
        ancestors = GridNode.objects.filter(
            tree_id=node.tree_id, lft__lte=node.lft, rght__gte=node.rght
        )
        self.fields["owner_node"].queryset = ancestors
        self.fields["village"].queryset = ancestors.filter(tier=Tier.VILLAGE)
        handlers = access.assignments_over("case.sign", node).values("user_id")
        self.fields["handler"].queryset = (
            get_user_model().objects.filter(pk__in=handlers).order_by("username")
        )
        self.fields["department"].queryset = units_serving(node)
        self.fields["call"].queryset = case.county_calls.select_related("department")

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
        """Take the chosen action; CaseError, PermissionDenied and Http404 pass to the caller."""
        d, actor, pk = self.cleaned_data, self.user, self.case.pk
        text = d.get("text") or ""
        call = d.get("call")

        def need_call():
            if call is None:
                raise workflow.CaseError(str(_("Choose the county call.")))
            return call.pk

        table = {
            "accept": lambda: actions.case_accept(
                actor=actor,
                case_id=pk,
                color=d.get("color") or "",
                owner_node_id=getattr(d.get("owner_node"), "pk", None),
                note=text,
            ),
            "reject": lambda: actions.case_reject(actor=actor, case_id=pk, reason=text),
            "merge": lambda: actions.case_merge(
                actor=actor, case_id=pk, into_id=getattr(d.get("into"), "pk", 0), note=text
            ),
            "dispatch": lambda: actions.case_dispatch(
                actor=actor,
                case_id=pk,
                note=text,
                handler_id=getattr(d.get("handler"), "pk", None),
                department_id=getattr(d.get("department"), "pk", None),
                village_id=getattr(d.get("village"), "pk", None),
            ),
            "sign": lambda: actions.case_sign(actor=actor, case_id=pk, note=text),
            "return": lambda: actions.case_return(actor=actor, case_id=pk, reason=text),
            "request_extension": lambda: actions.case_request_extension(
                actor=actor, case_id=pk, until=d.get("until") or self.case.clear_by, reason=text
            ),
            "approve_extension": lambda: actions.case_approve_extension(
                actor=actor, case_id=pk, note=text
            ),
            "refuse_extension": lambda: actions.case_refuse_extension(
                actor=actor, case_id=pk, reason=text
            ),
            "supervise": lambda: actions.case_supervise(actor=actor, case_id=pk, note=text),
            "progress": lambda: actions.case_progress(actor=actor, case_id=pk, note=text),
            "mediate": lambda: actions.case_mediate(
                actor=actor,
                case_id=pk,
                outcome=d.get("outcome") or "",
                parties=d.get("parties") or "",
                agreement=text,
            ),
            "escalate": lambda: actions.case_escalate(actor=actor, case_id=pk, reason=text),
            "call_county": lambda: actions.case_call_county(
                actor=actor,
                case_id=pk,
                department_id=getattr(d.get("department"), "pk", 0),
                grounds=text,
                emergency=d.get("emergency", False),
            ),
            "resolve": lambda: actions.case_resolve(actor=actor, case_id=pk, result=text),
            "verify_ok": lambda: actions.case_verify(actor=actor, case_id=pk, ok=True, note=text),
            "verify_fail": lambda: actions.case_verify(
                actor=actor, case_id=pk, ok=False, note=text
            ),
            "reopen": lambda: actions.case_reopen(actor=actor, case_id=pk, reason=text),
            "rate": lambda: actions.case_rate(
                actor=actor, case_id=pk, satisfaction=d.get("rating"), note=text
            ),
            "county_respond": lambda: actions.county_call_respond(
                actor=actor, call_id=need_call(), response=text
            ),
            "county_rate": lambda: actions.county_call_rate(
                actor=actor, call_id=need_call(), rating=d.get("rating"), note=text
            ),
            "county_rate_necessity": lambda: actions.county_call_rate_necessity(
                actor=actor, call_id=need_call(), rating=d.get("rating"), note=text
            ),
        }
        return table[d["action"]]()


class RevealReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=200)
