"""What the API says about cases and what it reads from callers. Every field is typed and
described here, for the OpenAPI description; nothing here decides anything."""

from __future__ import annotations

import dataclasses
import functools
import inspect

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import workflow
from cases.models import (
    CaseEvent,
    Category,
    Color,
    CountyCall,
    Mediation,
    ResponsibilityItem,
    Source,
    Status,
    Unit,
)
from cases.models.case import DESCRIPTION_CHARS
from cases.pages import EVENT_LABELS
from cases.queries import Kpis
from gridgov.cleaning import MAX_FIELD_CHARS
from grids.models import Tier
from grids.privacy import mask_phone

MAX_ID = 2**31 - 1


def _id(help_text, **kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text, **kwargs)


def _person(user) -> str | None:
    if user is None:
        return None
    return user.first_name or user.username


@functools.cache
def kept(serializer_class) -> serializers.Serializer:
    """One serializer of the class, built once, to write answers with `to_representation`. A
    new serializer deep-copies every declared field, nested ones included: for a case with its
    history that was a tenth of a request. What an answer depends on beyond its object (what
    the caller may do) is put on the object before, so a kept serializer holds nothing of a
    request."""
    return serializer_class()


# ---------------------------------------------------------------- references to other rows


class NodeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The node's id."))
    code = serializers.CharField(help_text=_("The node's hierarchical code."))
    name = serializers.CharField(help_text=_("The node's name."))
    tier = serializers.ChoiceField(choices=Tier.choices, help_text=_("The node's tier."))


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The unit's id."))
    name = serializers.CharField(help_text=_("The unit's name."))
    kind = serializers.ChoiceField(
        choices=Unit.Kind.choices, help_text=_("County department, outpost or town platform.")
    )


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The person's id."))
    name = serializers.SerializerMethodField(help_text=_("The person's name."))

    def get_name(self, user) -> str:
        return _person(user) or ""


# ---------------------------------------------------------------- reference lists


class CategorySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The category's id."))
    name = serializers.CharField(read_only=True, help_text=_("What cases of it are about."))
    group = serializers.ChoiceField(
        choices=Category.Group.choices,
        read_only=True,
        help_text=_("三必到, 四必报, dispute or other."),
    )
    responsibility = serializers.IntegerField(
        source="responsibility_id",
        read_only=True,
        allow_null=True,
        help_text=_("The responsibility item that says who owns such cases (its id), or null."),
    )
    suggested_color = serializers.ChoiceField(
        choices=Color.choices, read_only=True, help_text=_("The color suggested at triage.")
    )
    emergency = serializers.BooleanField(
        read_only=True, help_text=_("Whether a case of this category is an emergency.")
    )

    class Meta:
        model = Category
        fields = ("id", "name", "group", "responsibility", "suggested_color", "emergency")


class ResponsibilitySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The item's id."))
    matter = serializers.CharField(read_only=True, help_text=_("The kind of matter."))
    domain = serializers.CharField(read_only=True, help_text=_("The field it belongs to."))
    owner = serializers.ChoiceField(
        choices=ResponsibilityItem.Owner.choices,
        read_only=True,
        help_text=_("Whether the town itself or a county department owns it."),
    )
    department = UnitRefSerializer(
        read_only=True, allow_null=True, help_text=_("The owning county department, or null.")
    )
    lead_unit = serializers.CharField(read_only=True, help_text=_("The lead unit, in words."))
    supporting_units = serializers.CharField(
        read_only=True, help_text=_("The supporting units, in words.")
    )
    section = serializers.CharField(read_only=True, help_text=_("The section in charge."))
    phone = serializers.CharField(read_only=True, help_text=_("The section's phone."))
    instructions = serializers.CharField(
        read_only=True, help_text=_("How such a matter is handled (说明书).")
    )

    class Meta:
        model = ResponsibilityItem
        fields = (
            "id",
            "matter",
            "domain",
            "owner",
            "department",
            "lead_unit",
            "supporting_units",
            "section",
            "phone",
            "instructions",
        )


class UnitSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The unit's id."))
    name = serializers.CharField(read_only=True, help_text=_("The unit's name."))
    kind = serializers.ChoiceField(
        choices=Unit.Kind.choices,
        read_only=True,
        help_text=_("County department, outpost in a town, or town platform."),
    )
    node = serializers.IntegerField(
        source="node_id", read_only=True, help_text=_("Where it sits: the county or the town.")
    )
    parent = serializers.IntegerField(
        source="parent_id",
        read_only=True,
        allow_null=True,
        help_text=_("For an outpost, the county department it belongs to."),
    )
    platform = serializers.ChoiceField(
        choices=[("", "—"), *Unit.Platform.choices],
        read_only=True,
        help_text=_("For a town platform, which of the four."),
    )

    class Meta:
        model = Unit
        fields = ("id", "name", "kind", "node", "parent", "platform")


# ---------------------------------------------------------------- cases
# Plain serializers with every field declared: they only describe rows, and a ModelSerializer
# would introspect the model again on every answer for fields that are all declared here.


class CaseSerializer(serializers.Serializer):
    """A case as lists show it."""

    id = serializers.IntegerField(read_only=True, help_text=_("The case's id in gridgov."))
    number = serializers.CharField(
        read_only=True, help_text=_("The readable case number: town code, year, sequence.")
    )
    title = serializers.CharField(read_only=True, help_text=_("The case's title."))
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text=_("Where the case stands.")
    )
    color = serializers.ChoiceField(
        choices=[("", "—"), *Color.choices],
        read_only=True,
        help_text=_("Yellow, orange or red, set at triage; empty before."),
    )
    source = serializers.ChoiceField(
        choices=Source.choices, read_only=True, help_text=_("How the case was found.")
    )
    emergency = serializers.BooleanField(read_only=True, help_text=_("An emergency."))
    category = serializers.IntegerField(
        source="category_id",
        read_only=True,
        allow_null=True,
        help_text=_("The category's id, or null."),
    )
    node = NodeRefSerializer(read_only=True, help_text=_("Where it happened."))
    owner_node = NodeRefSerializer(read_only=True, help_text=_("The level holding it now."))
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When it was reported."))
    accepted_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When it was triaged, or null.")
    )
    clear_by = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("The deadline of the level holding it.")
    )
    resolved_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When the work was last done, or null.")
    )
    closed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When it was verified and closed, or null.")
    )
    overdue = serializers.SerializerMethodField(
        help_text=_("Open (accepted, dispatched or handling) and past its deadline now.")
    )

    def get_overdue(self, case) -> bool:
        return bool(case.is_open and case.clear_by and case.clear_by < timezone.now())


class EventSerializer(serializers.Serializer):
    action = serializers.CharField(
        read_only=True, help_text=_("The action's name (cases.workflow), or a rhythm's.")
    )
    label = serializers.SerializerMethodField(help_text=_("The action in words."))
    automatic = serializers.BooleanField(read_only=True, help_text=_("Done by a rhythm."))
    from_status = serializers.CharField(read_only=True, help_text=_("Status before, or empty."))
    to_status = serializers.CharField(read_only=True, help_text=_("Status after, or empty."))
    from_owner = serializers.IntegerField(
        source="from_owner_id",
        read_only=True,
        allow_null=True,
        help_text=_("The level that held it before (node id), or null."),
    )
    to_owner = serializers.IntegerField(
        source="to_owner_id",
        read_only=True,
        allow_null=True,
        help_text=_("The level that held it after (node id), or null."),
    )
    actor = serializers.SerializerMethodField(
        help_text=_("Who did it; null for the system or a resident.")
    )
    unit = serializers.SerializerMethodField(help_text=_("The unit involved, or null."))
    handler = serializers.SerializerMethodField(help_text=_("The person handed the case, or null."))
    note = serializers.CharField(read_only=True, help_text=_("What was written with it."))
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When."))

    def get_label(self, event) -> str:
        return str(EVENT_LABELS.get(event.action, event.action))

    def get_actor(self, event) -> str | None:
        return _person(event.actor)

    def get_unit(self, event) -> str | None:
        return event.unit.name if event.unit else None

    def get_handler(self, event) -> str | None:
        return _person(event.handler)


class CallSerializer(serializers.Serializer):
    """乡呼县应: a town's call to a county department on a case."""

    id = serializers.IntegerField(read_only=True, help_text=_("The call's id."))
    case = serializers.IntegerField(source="case_id", read_only=True, help_text=_("The case's id."))
    case_number = serializers.CharField(
        source="case.number", read_only=True, help_text=_("The case's number.")
    )
    town = serializers.IntegerField(
        source="town_id", read_only=True, help_text=_("The calling town (node id).")
    )
    department = UnitRefSerializer(read_only=True, help_text=_("The department called."))
    grounds = serializers.CharField(read_only=True, help_text=_("Why the town called."))
    emergency = serializers.BooleanField(read_only=True, help_text=_("Called as an emergency."))
    state = serializers.ChoiceField(
        choices=CountyCall.State.choices, read_only=True, help_text=_("Where the call stands.")
    )
    respond_by = serializers.DateTimeField(read_only=True, help_text=_("The answer is due by."))
    late = serializers.SerializerMethodField(help_text=_("Still unanswered past its due time."))
    response = serializers.CharField(read_only=True, help_text=_("The department's answer."))
    responded_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When it was answered, or null.")
    )
    town_rating = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The town's rating of the answer, 1 to 5.")
    )
    department_rating = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The department's rating of the call's necessity, 1 to 5."),
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When the town called."))

    def get_late(self, call) -> bool:
        return call.state == CountyCall.State.OPEN and call.respond_by < timezone.now()


class MediationSerializer(serializers.Serializer):
    level = serializers.IntegerField(
        source="level_id", read_only=True, help_text=_("The level that mediated (node id).")
    )
    mediator = serializers.SerializerMethodField(help_text=_("Who mediated."))
    parties = serializers.CharField(read_only=True, help_text=_("The parties."))
    outcome = serializers.ChoiceField(
        choices=Mediation.Outcome.choices, read_only=True, help_text=_("Settled or not.")
    )
    agreement = serializers.CharField(
        read_only=True, help_text=_("The agreement, or what stands between them.")
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When."))

    def get_mediator(self, mediation) -> str | None:
        return _person(mediation.mediator)


class CaseDetailSerializer(CaseSerializer):
    """A case with everything the case page shows, its history, and what you may do now."""

    description = serializers.CharField(read_only=True, help_text=_("What happened."))
    reporter_name = serializers.CharField(read_only=True, help_text=_("The reporter's name."))
    reporter_phone = serializers.SerializerMethodField(
        help_text=_("The reporter's phone, masked (the desk reveals it with a logged reason).")
    )
    parties = serializers.CharField(read_only=True, help_text=_("The parties."))
    location = serializers.CharField(read_only=True, help_text=_("Where, in words."))
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        read_only=True,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("Latitude as the reporter sent it, or null."),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        read_only=True,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("Longitude as the reporter sent it, or null."),
    )
    handler = PersonRefSerializer(
        read_only=True, allow_null=True, help_text=_("The person it was dispatched to, or null.")
    )
    handler_unit = UnitRefSerializer(
        read_only=True, allow_null=True, help_text=_("The unit it was dispatched to, or null.")
    )
    merged_into = serializers.CharField(
        source="merged_into.number",
        read_only=True,
        allow_null=True,
        help_text=_("The number of the case it was merged into, or null."),
    )
    result = serializers.CharField(read_only=True, help_text=_("What was done."))
    satisfaction = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The rating, 1 to 5, or null.")
    )
    rated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When it was rated, or null.")
    )
    extension_until = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("More time asked for until, or null.")
    )
    rework_count = serializers.IntegerField(read_only=True, help_text=_("Failed verifications."))
    escalation_count = serializers.IntegerField(read_only=True, help_text=_("Escalations."))
    reopen_count = serializers.IntegerField(read_only=True, help_text=_("Times reopened."))
    history = serializers.SerializerMethodField(help_text=_("Every event, oldest first."))
    mediations = serializers.SerializerMethodField(help_text=_("Mediations, oldest first."))
    county_calls = serializers.SerializerMethodField(help_text=_("County calls on this case."))
    actions = serializers.ListField(
        source="available_actions",
        child=serializers.ChoiceField(choices=list(workflow.ACTIONS)),
        read_only=True,
        help_text=_(
            "The actions you may take on this case now, as POST "
            "/api/v1/cases/{id}/actions/{action}/ (the desk case page offers the same)."
        ),
    )

    def get_reporter_phone(self, case) -> str:
        return mask_phone(case.reporter_phone)

    @staticmethod
    def _events(case):
        return (
            CaseEvent.objects.filter(case=case)
            .select_related("actor", "unit", "handler")
            .order_by("created_at", "pk")
        )

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, case):
        return [kept(EventSerializer).to_representation(e) for e in self._events(case)]

    @extend_schema_field(MediationSerializer(many=True))
    def get_mediations(self, case):
        # Read with the case, mediators and all (cases.api.cases).
        return [kept(MediationSerializer).to_representation(m) for m in case.mediations.all()]

    @extend_schema_field(CallSerializer(many=True))
    def get_county_calls(self, case):
        return [kept(CallSerializer).to_representation(c) for c in case.county_calls.all()]


class CaseCreateSerializer(serializers.Serializer):
    """A report coming in (一访二报) from another system."""

    node = _id(
        _("Where it happened: a node's id (or give node_code)."), required=False, allow_null=True
    )
    node_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("Where it happened: a node's code (or give node)."),
    )
    title = serializers.CharField(max_length=200, help_text=_("A short title."))
    description = serializers.CharField(
        max_length=DESCRIPTION_CHARS, help_text=_("What happened (at most 5,000 characters).")
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The category's id (GET /api/v1/categories/), if known."),
    )
    source = serializers.ChoiceField(
        choices=Source.choices,
        default=Source.API,
        help_text=_("How the case was found; “api” when not given."),
    )
    suggested_color = serializers.ChoiceField(
        choices=[("", "—"), *Color.choices],
        required=False,
        allow_blank=True,
        help_text=_("A color to suggest at triage; the category's when not given."),
    )
    emergency = serializers.BooleanField(
        default=False, help_text=_("An emergency (also when its category is one).")
    )
    reporter_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text=_("The reporter's name.")
    )
    reporter_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("The reporter's phone.")
    )
    parties = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=_("The parties, if any.")
    )
    location = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Where, in words.")
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        help_text=_("Latitude, kept as sent."),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        help_text=_("Longitude, kept as sent."),
    )

    def validate(self, data):
        if not data.get("node") and not data.get("node_code"):
            raise serializers.ValidationError({"node": [_("Say where it happened.")]})
        return data


def _action_help() -> str:
    lines = [
        str(_("Which fields each action reads (any other field is refused):")),
    ]
    for name in workflow.offered_on(workflow.CASE_PAGE):
        row = workflow.ACTIONS[name]
        lines.append(f"- `{name}` ({row.label}): {', '.join(row.fields)}")
    return "\n".join(lines)


class ActionRequestSerializer(serializers.Serializer):
    """The fields a case action may read; each action reads those its row names."""

    text = serializers.CharField(
        max_length=MAX_FIELD_CHARS,
        required=False,
        allow_blank=True,
        help_text=_("The action's text: a reason, result, note, answer or agreement."),
    )
    public_reply = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("resolve: the reply to the resident, shown on their tracking page."),
    )
    color = serializers.ChoiceField(
        choices=Color.choices, required=False, help_text=_("accept: the color (三色分类).")
    )
    owner_node = _id(
        _("accept: put on the list of this node (the place or a level above it)."),
        required=False,
    )
    handler = _id(_("dispatch: the person's id."), required=False)
    unit = _id(
        _("dispatch: the unit's id; call_county: the county department's id."), required=False
    )
    village = _id(_("dispatch: the village's node id."), required=False)
    into = serializers.CharField(
        max_length=30, required=False, help_text=_("merge: the number of the case to merge into.")
    )
    outcome = serializers.ChoiceField(
        choices=Mediation.Outcome.choices,
        required=False,
        help_text=_("mediate: success (resolves the case) or failure."),
    )
    parties = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("mediate: the parties.")
    )
    rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, help_text=_("rate, county_rate: 1 to 5.")
    )
    until = serializers.DateTimeField(
        required=False, help_text=_("request_extension: the new deadline asked for.")
    )
    emergency = serializers.BooleanField(
        required=False, help_text=_("call_county: call as an emergency.")
    )
    category = _id(_("recategorize: the new category's id."), required=False)
    call = _id(_("county_*: the county call's id (one of this case's)."), required=False)


class CallActionRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_FIELD_CHARS,
        required=False,
        allow_blank=True,
        help_text=_("county_respond: the answer; the ratings: a note."),
    )
    rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, help_text=_("The ratings: 1 to 5.")
    )


# ---------------------------------------------------------------- KPIs

_KPI_HELP = {
    "received": _("受理量: cases reported in the period."),
    "accepted": _("立案量: cases triaged in the period."),
    "due": _("应结案数: standing cases whose deadline falls in the period."),
    "closed": _("结案数: due cases closed before the period's end."),
    "closed_on_time": _("按期结案数: due cases closed by their deadline."),
    "resolved_on_time": _("按期处置数: due cases whose work was done by the deadline."),
    "overdue": _("超期数: open past the deadline at the period's end, or now."),
    "closed_in_period": _("本期结案数: cases closed in the period."),
    "avg_handling_days": _("平均办理天数 over cases closed in the period; null when none."),
}


def _kpi_fields() -> dict[str, serializers.Field]:
    """Every figure of cases.queries.Kpis (the dashboard's), and every rate it derives."""
    fields: dict[str, serializers.Field] = {}
    for f in dataclasses.fields(Kpis):
        help_text = _KPI_HELP.get(f.name, f.name.replace("_", " "))
        if "float" in str(f.type):
            fields[f.name] = serializers.FloatField(allow_null=True, help_text=help_text)
        else:
            fields[f.name] = serializers.IntegerField(help_text=help_text)
    for name, prop in inspect.getmembers(Kpis, lambda p: isinstance(p, property)):
        if name.endswith(("_rate", "_share")):
            doc = (prop.__doc__ or name.replace("_", " ")).strip()
            fields[name] = serializers.FloatField(
                allow_null=True, help_text=f"{doc} (0 to 1; null when nothing to divide by)"
            )
    return fields


class PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["week", "month", "quarter", "range"], help_text=_("The kind of period.")
    )
    start = serializers.DateField(help_text=_("The first day."))
    last_day = serializers.DateField(help_text=_("The last day (included)."))


KpiFiguresSerializer = type(
    "KpiFiguresSerializer",
    (serializers.Serializer,),
    {**_kpi_fields(), "__doc__": "The dashboard's figures (docs/kpis.md)."},
)


class KpiSerializer(serializers.Serializer):
    node = NodeRefSerializer(help_text=_("The subtree counted."))
    period = PeriodSerializer(help_text=_("The period counted, in Beijing time."))
    figures = KpiFiguresSerializer(help_text=_("The figures, as the dashboard shows them."))
    as_of = serializers.DateTimeField(help_text=_("When they were counted."))
