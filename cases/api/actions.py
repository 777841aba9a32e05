"""Every case action on the API, from the one table (cases.workflow.ACTIONS):
POST /api/v1/cases/{case_id}/actions/{action}/ is taken exactly when the desk case page would
offer that action to this caller now (workflow.available_actions), with the page's own form
(cases.forms.CaseActionForm) and function (cases.actions.perform).

Refused: outside the scope 404 (like a missing case or an unknown action); the action does
not fit the case as it stands 409 (the caller could take it in another state); otherwise not
this caller's to take 403; the fields or the rules refuse it 422."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound

from cases import workflow
from cases.api.cases import case_answer
from cases.api.serializers import ActionRequestSerializer, CaseDetailSerializer, _action_help
from cases.forms import CaseActionForm
from cases.pages import find_case
from gridgov.api.errors import NON_FIELD, Conflict, Refused
from gridgov.api.views import ApiView
from gridgov.models import ApiClient
from staff import access

CASE_ACTIONS = workflow.offered_on(workflow.CASE_PAGE)
# The action form's fields that point at another row.
REFERENCES = ("into", "call", "handler", "unit", "village", "owner_node", "category")


def refusal(user, case, row) -> Exception | None:
    """Why this caller may not take the action now (None: they may): 409 when only the
    case's state (or its calls') stands in the way, else 403."""
    if row.name in workflow.available_actions(user, case):
        return None
    if row.fits_call is None:
        allowed = access.can(user, row.permission, case) and (
            not row.handler_only or workflow.may_handle(user, case)
        )
        if allowed:
            try:
                workflow.require_transition(case.status, row.name)
            except DjangoValidationError as exc:
                return Conflict(exc.messages[0])
            if row.fits_case is not None and not row.fits_case(case):
                return Conflict(_("This action does not fit this case as it stands."))
        return PermissionDenied()
    calls = list(case.county_calls.all())
    if any(access.can(user, row.permission, c) for c in calls):
        return Conflict(_("No county call of this case is waiting for this."))
    return PermissionDenied()


def form_errors(form) -> dict[str, list[str]]:
    return {
        (NON_FIELD if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


class CaseActionView(ApiView):
    endpoint = ApiClient.Endpoint.CASES_ACT
    serializer_class = ActionRequestSerializer

    @extend_schema(
        operation_id="cases_act",
        summary=gettext_lazy("Take an action on a case"),
        description=gettext_lazy(
            "Any action of the case page, when the page would offer it to you now (the case's "
            "`actions` lists them). 404: no such case in your scope, or no such action; 409: "
            "the action does not fit the case as it stands; 403: not yours to take; 422: a "
            "field or a rule refuses it, with the message the page shows."
        ),
        parameters=[
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=CASE_ACTIONS,
                description=_action_help(),
            )
        ],
        request=ActionRequestSerializer,
        responses={200: CaseDetailSerializer},
        examples=[
            OpenApiExample(
                "accept", value={"color": "yellow", "text": "邻里纠纷，村里调解"}, request_only=True
            ),
            OpenApiExample("resolve", value={"text": "已清理排水沟"}, request_only=True),
        ],
        tags=["cases"],
    )
    def post(self, request, case_id: int, action: str):
        row = workflow.ACTIONS.get(action)
        if row is None or action not in CASE_ACTIONS:
            raise NotFound()
        case = find_case(request, case_id)  # outside the scope: 404, before anything else
        refused = refusal(request.user, case, row)
        if refused is not None:
            raise refused
        values = self.body(ActionRequestSerializer, allowed=row.fields)
        form = CaseActionForm(
            {"action": action, **values}, user=request.user, case=case, auto_id=False
        )
        if not form.is_valid():
            raise Refused(form_errors(form))
        try:
            form.run()
        except Http404:
            # The case was found: what is missing is a row the request points at (the case to
            # merge into, a person, a unit), which the request names wrongly.
            field = next((f for f in row.fields if f in REFERENCES), NON_FIELD)
            raise Refused({field: [_("No such one in your area.")]}) from None
        except DjangoValidationError:
            # The case may have moved on meanwhile (another person's action): then it is the
            # state, not the request, that refuses.
            fresh = find_case(request, case_id)
            again = refusal(request.user, fresh, row)
            if isinstance(again, Conflict):
                raise again from None
            raise
        return case_answer(request, case.pk)
