"""Volunteers' writes: signing up for an activity and checking in with the hours served, and a
resident's help order from its placing to its confirmation (services.orders' table). Each locks
its row, asks the policy and the table, changes named fields, records the step and queues the
notice in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov import outbox
from gridgov.errors import DomainError
from gridgov.language import in_site_language
from grids.models import GridNode, Tier
from services import orders
from services.actions._common import now_or, text
from services.calendar import deadline
from services.models import (
    Activity,
    ActivitySignup,
    HelpKind,
    HelpOrder,
    HelpOrderEvent,
    OrderStatus,
    Volunteer,
    VolunteerTeam,
)
from services.models.volunteers import MOST_HOURS
from staff import access

S = OrderStatus


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value if value not in (None, "") else "x"))
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or not 0 <= hours <= MOST_HOURS:
        raise DomainError(
            _("Hours served are a number from 0 to %(most)d.") % {"most": MOST_HOURS},
            field="hours",
        )
    return hours.quantize(Decimal("0.1"))


# ---------------------------------------------------------------- activities


@transaction.atomic
def activity_sign_up(*, actor, activity_id: int, now=None) -> ActivitySignup:
    """A volunteer of the activity's team takes one of its places."""
    now = now_or(now)
    if not Activity.objects.select_for_update().filter(pk=activity_id).values("pk"):
        raise Http404("No such activity.")
    activity = Activity.objects.select_related("team__node").get(pk=activity_id)
    access.require(actor, "activity.join", activity)
    volunteer = Volunteer.objects.filter(user=actor, team=activity.team).first()
    if volunteer is None:
        raise DomainError(_("Only the team's volunteers sign up for its activities."))
    if activity.ends < now:
        raise DomainError(_("This activity is over."))
    if activity.signups.count() >= activity.capacity:
        raise DomainError(_("This activity has all the volunteers it takes."))
    try:
        with transaction.atomic():
            return ActivitySignup.objects.create(
                activity=activity, volunteer=volunteer, signed_at=now
            )
    except IntegrityError:
        raise DomainError(_("You are signed up already.")) from None


@transaction.atomic
def activity_check_in(*, actor, signup_id: int, hours, now=None) -> ActivitySignup:
    """The team's leader (or whoever keeps the teams) records who came and the hours served."""
    now = now_or(now)
    signup = ActivitySignup.objects.select_for_update().filter(pk=signup_id).first()
    if signup is None:
        raise Http404("No such sign-up.")
    signup = ActivitySignup.objects.select_related("activity__team__node").get(pk=signup.pk)
    team = signup.activity.team
    if actor is not None and actor.pk != team.leader_id:
        access.require(actor, "volunteer.change", signup)
    signup.hours = _hours(hours)
    signup.checked_in_at = signup.checked_in_at or now
    signup.save(update_fields=["hours", "checked_in_at"])
    return signup


# ---------------------------------------------------------------- help orders


def _event(order: HelpOrder, *, actor, action: str, from_status: str, now, note="") -> None:
    HelpOrderEvent.objects.create(
        order=order,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=order.status,
        note=note,
        created_at=now,
    )


def _notify(kind: str, order: HelpOrder, **payload) -> None:
    outbox.enqueue(
        kind=kind, help_order=order.pk, node=order.node_id, help_kind=order.kind, **payload
    )


def _locked(actor, name: str, order_id: int) -> HelpOrder:
    if not HelpOrder.objects.select_for_update().filter(pk=order_id).values("pk"):
        raise Http404("No such order.")
    order = HelpOrder.objects.select_related("node", "team", "volunteer").get(pk=order_id)
    orders.require_may_take(actor, name, order)
    return order


def _apply(order: HelpOrder, name: str, *fields: str, actor, now, note="") -> HelpOrder:
    from_status = order.status
    order.status = orders.require_transition(from_status, name)
    order.save(update_fields=["status", *fields, "updated_at"])
    _event(order, actor=actor, action=name, from_status=from_status, now=now, note=note)
    return order


_PLACES = (Tier.TOWN, Tier.AREA, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)


@transaction.atomic
def help_order_place(
    *,
    actor,
    kind: str,
    node_id: int,
    resident_name: str,
    resident_phone: str = "",
    description: str = "",
    now: dt.datetime | None = None,
) -> HelpOrder:
    """群众点单: a resident's order, online (`actor` None) or through whoever serves them; to
    be dispatched within a working day."""
    now = now_or(now)
    if kind not in HelpKind.values:
        raise DomainError(_("Choose what kind of help is needed."), field="kind")
    node = GridNode.objects.filter(pk=node_id, tier__in=_PLACES).first()
    if node is None:
        raise DomainError(_("Choose where the resident lives."), field="node")
    if actor is not None:
        access.require(actor, "helporder.place", node)
    order = HelpOrder.objects.create(
        kind=kind,
        node=node,
        resident_name=text(
            resident_name, _("the resident's name"), limit=50, field="resident_name"
        ),
        resident_phone=(resident_phone or "").strip()[:20],
        description=text(description, "", required=False),
        placed_by=actor,
        placed_at=now,
        dispatch_by=deadline(now, orders.DISPATCH_WITHIN),
    )
    _event(order, actor=actor, action="place", from_status="", now=now)
    _notify("help_order_placed", order)
    return order


@transaction.atomic
def help_order_dispatch(*, actor, order_id: int, team_id=None, volunteer_id=None, now=None):
    """社区派单: to a team serving the resident's village or town (and, if named, one of its
    volunteers); to be taken within a working day."""
    now = now_or(now)
    order = _locked(actor, "dispatch", order_id)
    team = (
        VolunteerTeam.objects.filter(pk=team_id, active=True).select_related("node").first()
        if team_id
        else None
    )
    if team is None or not team.node.contains(order.node):
        raise DomainError(_("Choose a team that serves where the resident lives."), field="team")
    volunteer = None
    if volunteer_id:
        volunteer = Volunteer.objects.filter(pk=volunteer_id, team=team).first()
        if volunteer is None:
            raise DomainError(_("Choose a volunteer of that team."), field="volunteer")
    order.team, order.volunteer = team, volunteer
    order.dispatched_at = now
    order.take_by = deadline(now, orders.TAKE_WITHIN)
    order.overdue_since = None
    _apply(
        order,
        "dispatch",
        "team",
        "volunteer",
        "dispatched_at",
        "take_by",
        "overdue_since",
        actor=actor,
        now=now,
        note=team.name,
    )
    _notify("help_order_dispatched", order, team=team.pk)
    return order


@transaction.atomic
def help_order_take(*, actor, order_id: int, now=None):
    """志愿者接单: a volunteer of the team takes it on."""
    now = now_or(now)
    order = _locked(actor, "take", order_id)
    order.volunteer = orders.volunteer_of(actor, order)
    order.taken_at = now
    order.overdue_since = None
    _apply(order, "take", "volunteer", "taken_at", "overdue_since", actor=actor, now=now)
    _notify("help_order_taken", order)
    return order


@transaction.atomic
def help_order_finish(*, actor, order_id: int, note: str, hours, now=None):
    """The volunteer who took it says what was done and the hours served."""
    now = now_or(now)
    order = _locked(actor, "finish", order_id)
    order.done_note = text(note, _("what was done"))
    order.hours = _hours(hours)
    order.done_at = now
    _apply(order, "finish", "done_note", "hours", "done_at", actor=actor, now=now)
    _notify("help_order_done", order)
    return order


@transaction.atomic
def help_order_hand_back(*, actor, order_id: int, reason: str, now=None):
    """The volunteer who took it cannot do it after all: it goes back to be dispatched again
    within a working day (to anyone, so the team and volunteer are let go), the history keeps
    who had it and why, and whoever dispatched it is told."""
    now = now_or(now)
    order = _locked(actor, "hand_back", order_id)
    reason = text(reason, _("the reason"), limit=300)
    dispatcher = (
        HelpOrderEvent.objects.filter(order=order, action="dispatch", actor__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    team_id = order.team_id
    order.team = order.volunteer = None
    order.dispatched_at = order.take_by = order.taken_at = order.overdue_since = None
    order.dispatch_by = deadline(now, orders.DISPATCH_WITHIN)
    _apply(
        order,
        "hand_back",
        "team",
        "volunteer",
        "dispatched_at",
        "take_by",
        "taken_at",
        "overdue_since",
        "dispatch_by",
        actor=actor,
        now=now,
        note=reason,
    )
    _notify("help_order_handed_back", order, team=team_id, dispatcher=dispatcher)
    return order


@transaction.atomic
def help_order_confirm(*, actor, order_id: int, rating, note: str = "", now=None):
    """The resident (by the order's code, `actor` None) or whoever serves them confirms the
    help came, and rates it."""
    now = now_or(now)
    order = _locked(actor, "confirm", order_id)
    try:
        order.rating = int(rating)
    except (TypeError, ValueError):
        order.rating = 0
    if not 1 <= order.rating <= 5:
        raise DomainError(_("A rating is a whole number from 1 to 5."), field="rating")
    order.confirmed_at = now
    return _apply(
        order, "confirm", "rating", "confirmed_at", actor=actor, now=now,
        note=text(note, "", required=False, limit=500),
    )  # fmt: skip


@transaction.atomic
def help_order_cancel(*, actor, order_id: int, reason: str, now=None):
    now = now_or(now)
    order = _locked(actor, "cancel", order_id)
    order.cancel_reason = text(reason, _("the reason"), limit=300)
    return _apply(order, "cancel", "cancel_reason", actor=actor, now=now, note=order.cancel_reason)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def orders_sweep(*, now: dt.datetime | None = None) -> int:
    """Flag orders not dispatched, or not taken, in their time: once each, with a history entry
    and a supervision notice to the dispatchers (set-based, like the requests' sweep)."""
    from gridgov.models import OutboxMessage

    now = now_or(now)
    claimed = HelpOrder.objects.filter(
        status=S.PLACED, overdue_since__isnull=True, dispatch_by__lt=now
    ).update(overdue_since=now)
    claimed += HelpOrder.objects.filter(
        status=S.DISPATCHED, overdue_since__isnull=True, take_by__lt=now
    ).update(overdue_since=now)
    if not claimed:
        return 0
    table, events, box = _table(HelpOrder), _table(HelpOrderEvent), _table(OutboxMessage)
    stamp = connection.ops.adapt_datetimefield_value(now)
    postgres = connection.vendor == "postgresql"
    true = "TRUE" if postgres else "1"
    # The notice names its order, its place and the kind of help, as the actions' own do.
    fields = "%s || id || ', \"node\": ' || node_id || ', \"help_kind\": \"' || kind || '\"}'"
    payload = f"CAST({fields} AS jsonb)" if postgres else fields
    note = in_site_language(gettext_lazy("Not dispatched or not taken in its time."))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {events} (order_id, actor_id, action, automatic, from_status,
                                      to_status, note, created_at)
                SELECT id, NULL, 'overdue', {true}, status, status, %s, %s
                FROM {table} WHERE overdue_since = %s""",
            [note, stamp, stamp],
        )
        cursor.execute(
            f"""INSERT INTO {box} (kind, case_id, payload, dedupe_key, created_at, attempts,
                                   last_error)
                SELECT 'help_order_overdue', NULL, {payload},
                       'help_order_overdue:' || id || ':' || status || ':' || %s, %s, 0, ''
                FROM {table} WHERE overdue_since = %s
                ON CONFLICT (dedupe_key) DO NOTHING""",
            # Each lapse is told: an order handed back and late again is a second notice.
            ['{"automatic": true, "help_order": ', now.isoformat(), stamp, stamp],
        )
    return claimed
