"""The whole mapping between the 12345 hotline's JSON and gridgov's fields, both ways.

Real hotline platforms differ by province in their field names, codes and verdict words;
gridgov speaks one documented shape (docs/hotline.md). A province whose platform speaks
another changes this module, and only this module: the serializers below describe what comes
in (and are the API's OpenAPI description of it), the `read_*` functions turn it into
gridgov's values, and the `*_message` / `order_answer` functions say what goes out.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import HotlineOrder, Status

# An order may bring this many photos; one sent inline is at most this large (bigger ones
# are sent by address: the JSON body itself is bounded).
MAX_ATTACHMENTS = 6
MAX_INLINE_BYTES = 140 * 1024  # its base64 stays under the JSON body's longest string
_INLINE_CHARS = (MAX_INLINE_BYTES + 2) // 3 * 4
CONTENT_LIMIT = 5000  # as every case's description
_ORDER_NO = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:#-]{0,63}")

# The hotline's call-back verdicts and the 1 to 5 rating each is recorded as (the rating of
# the case: 4 and 5 count as satisfied, in the dashboard's 满意率 and the hotline's alike).
V = HotlineOrder.Verdict
VERDICT_RATING = {V.SATISFIED: 5, V.BASICALLY: 4, V.UNSATISFIED: 1}
# The hotline's event names and the rows of cases.workflow they are.
EVENT_ACTIONS = {
    "urge": "hotline_urge",
    "callback": "hotline_callback",
    ("return_decision", "accepted"): "hotline_return_accepted",
    ("return_decision", "refused"): "hotline_return_refused",
}
EVENTS = ("urge", "callback", "return_decision")
DECISIONS = ("accepted", "refused")
# Which fields each event reads besides its name and the order number.
EVENT_FIELDS = {
    "urge": {"note"},
    "callback": {"result", "score", "note"},
    "return_decision": {"decision", "note"},
}


# ---------------------------------------------------------------- in: an order


class AttachmentInSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_(
            "Where gridgov fetches the photo (only from the hosts the operator allows); or "
            "give content_base64."
        ),
    )
    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("The file's name.")
    )
    content_base64 = serializers.CharField(
        max_length=_INLINE_CHARS,
        required=False,
        allow_blank=True,
        help_text=_("The photo itself, base64 (at most 140 KB); or give url."),
    )

    def validate(self, data):
        url, inline = (data.get("url") or "").strip(), (data.get("content_base64") or "").strip()
        if bool(url) == bool(inline):
            raise serializers.ValidationError(_("Give either url or content_base64, not both."))
        if inline:
            try:
                content = base64.b64decode(re.sub(r"\s+", "", inline), validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(
                    {"content_base64": [_("This is not base64.")]}
                ) from None
            if len(content) > MAX_INLINE_BYTES:
                raise serializers.ValidationError(
                    {"content_base64": [_("At most 140 KB inline; send a larger photo by url.")]}
                )
            data["content"] = content
        return data


def _order_no(value: str) -> str:
    value = (value or "").strip()
    if not _ORDER_NO.fullmatch(value):
        raise serializers.ValidationError(
            _("An order number is 1 to 64 letters, digits and - _ . : #, from a letter or digit.")
        )
    return value


class OrderInSerializer(serializers.Serializer):
    """A work order pushed by the hotline (gridgov's documented shape, docs/hotline.md)."""

    order_no = serializers.CharField(
        max_length=64, help_text=_("The hotline's order number: one order, one case.")
    )
    category = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("The hotline's category, in words (“城乡建设/路灯”)."),
    )
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_(
            "A short title; the category and the first line of the content when not given."
        ),
    )
    content = serializers.CharField(
        max_length=CONTENT_LIMIT, help_text=_("What the caller said (诉求内容).")
    )
    address = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("Where, in words: also how gridgov finds the town when no code is given."),
    )
    town_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("The town's (or village's) division code, when the hotline knows it."),
    )
    caller_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text=_("The caller's name.")
    )
    caller_phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text=_("The caller's phone: a mobile or a landline with its area code."),
    )
    deadline = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_("The hotline's deadline for the order (ISO 8601), if it sets one."),
    )
    emergency = serializers.BooleanField(default=False, help_text=_("An emergency."))
    attachments = serializers.ListField(
        child=AttachmentInSerializer(),
        required=False,
        max_length=MAX_ATTACHMENTS,
        help_text=_("Up to 6 photos, each by url or inline."),
    )

    def validate_order_no(self, value):
        return _order_no(value)

    def validate_caller_phone(self, value):
        from cases.public.report import normalised_phone

        if not (value or "").strip():
            return ""
        phone = normalised_phone(value)
        if phone is None:
            raise serializers.ValidationError(
                _("Not a phone number: a mobile (11 digits) or a landline with its area code.")
            )
        return phone


@dataclass(frozen=True)
class AttachmentIn:
    url: str = ""
    name: str = ""
    content: bytes | None = None


@dataclass(frozen=True)
class OrderIn:
    """An order in gridgov's words."""

    order_no: str
    content: str
    title: str = ""
    category_text: str = ""
    address: str = ""
    town_code: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    due_at: dt.datetime | None = None
    emergency: bool = False
    attachments: tuple[AttachmentIn, ...] = field(default_factory=tuple)


def read_order(data: dict) -> OrderIn:
    """The validated order (OrderInSerializer's data) as gridgov's values."""
    return OrderIn(
        order_no=data["order_no"],
        content=data["content"].strip(),
        title=(data.get("title") or "").strip(),
        category_text=(data.get("category") or "").strip(),
        address=(data.get("address") or "").strip(),
        town_code=(data.get("town_code") or "").strip(),
        caller_name=(data.get("caller_name") or "").strip(),
        caller_phone=data.get("caller_phone") or "",
        due_at=data.get("deadline"),
        emergency=bool(data.get("emergency")),
        attachments=tuple(
            AttachmentIn(
                url=(a.get("url") or "").strip(),
                name=(a.get("name") or "").strip(),
                content=a.get("content"),
            )
            for a in data.get("attachments") or ()
        ),
    )


# ---------------------------------------------------------------- in: the hotline's events


class EventInSerializer(serializers.Serializer):
    """Something the hotline tells gridgov about one of its orders."""

    order_no = serializers.CharField(max_length=64, help_text=_("The hotline's order number."))
    event = serializers.ChoiceField(
        choices=EVENTS,
        help_text=_(
            "urge: the caller chases it (催办); callback: the hotline's satisfaction call-back "
            "(回访); return_decision: the hotline's answer to a town's request to take the "
            "order back (退单)."
        ),
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_("What the hotline says with it (the caller's words, the reason)."),
    )
    result = serializers.ChoiceField(
        choices=V.choices,
        required=False,
        help_text=_("callback: satisfied, basically_satisfied or unsatisfied."),
    )
    score = serializers.IntegerField(
        min_value=1,
        max_value=5,
        required=False,
        help_text=_("callback: the caller's score, 1 to 5, if the hotline takes one."),
    )
    decision = serializers.ChoiceField(
        choices=DECISIONS,
        required=False,
        help_text=_("return_decision: accepted (the hotline takes it back) or refused."),
    )

    def validate_order_no(self, value):
        return _order_no(value)

    def validate(self, data):
        event = data["event"]
        stray = sorted(
            name
            for name in ("result", "score", "decision")
            if name in data and name not in EVENT_FIELDS[event]
        )
        if stray:
            message = _("Not read for this event.")
            raise serializers.ValidationError({name: [message] for name in stray})
        if event == "callback":
            verdict, score = data.get("result"), data.get("score")
            if verdict is None and score is None:
                raise serializers.ValidationError({"result": [_("Give the result (or a score).")]})
            if (
                verdict is not None
                and score is not None
                and (score >= 4) != (verdict != V.UNSATISFIED)
            ):
                raise serializers.ValidationError(
                    {"score": [_("The score does not agree with the result.")]}
                )
        if event == "return_decision" and "decision" not in data:
            raise serializers.ValidationError({"decision": [_("Say accepted or refused.")]})
        return data


@dataclass(frozen=True)
class EventIn:
    order_no: str
    action: str  # a row of cases.workflow (page HOTLINE)
    values: dict


def read_event(data: dict) -> EventIn:
    """The validated event as the workflow row it is and the values that row reads."""
    event, note = data["event"], (data.get("note") or "").strip()
    if event == "urge":
        return EventIn(data["order_no"], EVENT_ACTIONS["urge"], {"text": note})
    if event == "callback":
        score = data.get("score")
        verdict = data.get("result") or (
            V.SATISFIED if score == 5 else V.BASICALLY if score == 4 else V.UNSATISFIED
        )
        rating = score if score is not None else VERDICT_RATING[V(verdict)]
        values = {"result": str(verdict), "rating": rating, "text": note}
        return EventIn(data["order_no"], EVENT_ACTIONS["callback"], values)
    action = EVENT_ACTIONS[("return_decision", data["decision"])]
    return EventIn(data["order_no"], action, {"text": note})


# ---------------------------------------------------------------- out: answers


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The division code."))
    name = serializers.CharField(help_text=_("The name."))


class CallbackOutSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=V.choices, allow_blank=True, help_text=_("The call-back's verdict; empty before.")
    )
    at = serializers.DateTimeField(allow_null=True, help_text=_("When it was recorded, or null."))


class ReturnOutSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=HotlineOrder.Return.choices,
        allow_blank=True,
        help_text=_("empty: never asked; requested, accepted or refused."),
    )
    reason = serializers.CharField(allow_blank=True, help_text=_("Why the town says not ours."))
    answer = serializers.CharField(allow_blank=True, help_text=_("What the hotline answered."))


_ORDER_OUT_FIELDS = {
    "order_no": serializers.CharField(help_text=_("The hotline's order number.")),
    "case_id": serializers.IntegerField(help_text=_("The case's id in gridgov.")),
    "case_number": serializers.CharField(help_text=_("The case's readable number.")),
    "tracking_code": serializers.CharField(
        help_text=_("The code the caller follows the case with on gridgov's public pages.")
    ),
    "status": serializers.ChoiceField(
        choices=Status.choices, help_text=_("Where the case stands in gridgov.")
    ),
    "town": PlaceSerializer(help_text=_("The town (or the county) it went to.")),
    "place": PlaceSerializer(help_text=_("The place it was put at (town, village or county).")),
    "received_at": serializers.DateTimeField(help_text=_("When gridgov received it.")),
    "respond_by": serializers.DateTimeField(help_text=_("The town signs for it by then (响应).")),
    "deadline": serializers.DateTimeField(
        allow_null=True, help_text=_("The hotline's deadline, or null.")
    ),
    "signed_at": serializers.DateTimeField(
        allow_null=True, help_text=_("When it was first signed for (签收), or null.")
    ),
    "replied_at": serializers.DateTimeField(
        allow_null=True, help_text=_("When the last reply (回单) was sent, or null.")
    ),
    "urge_count": serializers.IntegerField(help_text=_("How often the hotline urged it.")),
    "callback": CallbackOutSerializer(help_text=_("The hotline's call-back (回访).")),
    # "return" is a word of Python: hence a class made from a dict, not a class statement.
    "return": ReturnOutSerializer(help_text=_("A request to take it back (退单).")),
}
OrderOutSerializer = type(
    "OrderOutSerializer",
    (serializers.Serializer,),
    {**_ORDER_OUT_FIELDS, "__doc__": "A work order as gridgov holds it."},
)


def _place(node) -> dict:
    return {"code": node.code, "name": node.name}


def order_answer(order: HotlineOrder) -> dict:
    """What gridgov answers about an order (OrderOutSerializer's shape)."""
    case = order.case
    return {
        "order_no": order.order_no,
        "case_id": case.pk,
        "case_number": case.number,
        "tracking_code": case.tracking_code,
        "status": case.status,
        "town": _place(case.node.town),
        "place": _place(case.node),
        "received_at": order.received_at,
        "respond_by": order.respond_by,
        "deadline": order.due_at,
        "signed_at": order.signed_at,
        "replied_at": order.replied_at,
        "urge_count": order.urge_count,
        "callback": {"result": order.verdict, "at": order.called_back_at},
        "return": {
            "state": order.return_state,
            "reason": order.return_reason,
            "answer": order.return_answer,
        },
    }


# ---------------------------------------------------------------- out: messages to the hotline


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def envelope(order: HotlineOrder, event: str, fields: dict, *, now: dt.datetime) -> dict:
    """Every message's common part: what happened, to which order, its place in the order's
    sequence (the hotline orders by it), when."""
    return {
        "event": event,
        "order_no": order.order_no,
        "case_number": order.case.number,
        "sequence": order.sequence,
        "occurred_at": _when(now),
        **fields,
    }


def signed_message(order: HotlineOrder, *, now: dt.datetime) -> dict:
    """签收: a town has signed for the order."""
    case = order.case
    return envelope(
        order,
        "signed",
        {"town": _place(case.node.town), "held_by": case.owner_node.name},
        now=now,
    )


def reply_message(order: HotlineOrder, *, now: dt.datetime) -> dict:
    """回单: the order is resolved; `reply` is what the caller is told (the case's reply to the
    resident), `result` the resolution note for the hotline's staff."""
    case = order.case
    return envelope(
        order,
        "replied",
        {
            "town": _place(case.node.town),
            "held_by": case.owner_node.name,
            "reply": case.public_reply,
            "result": case.result,
            "resolved_at": _when(case.resolved_at or now),
        },
        now=now,
    )


def return_request_message(order: HotlineOrder, *, now: dt.datetime) -> dict:
    """退单: the town asks the hotline to take the order back, and says why."""
    return envelope(
        order,
        "return_requested",
        {"town": _place(order.case.node.town), "reason": order.return_reason},
        now=now,
    )
