"""Delivering the outbox: in-app notices, email, towns' group robots and text messages to the
residents who reported a case.

Beat runs `deliver_pending` every half minute; a web request never waits on the broker or a
channel. Each outbox row is fanned out once (claimed with SKIP LOCKED), each outside delivery is
retried with exponential backoff and, after MAX_ATTEMPTS, marked failed for good and reported to
the town's administrators instead of being retried forever.
"""

from __future__ import annotations

import datetime as dt
import logging
from time import monotonic

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov import channels, sms
from gridgov.channels import DELIVERY_TIMEOUT
from gridgov.models import Delivery, Notice, OutboxMessage, WebhookEndpoint
from staff import access

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # 1, 2, 4, 8, 16 minutes apart: about half an hour of trying
# A delivery is leased to one worker while it is tried; a worker killed mid-way leaves its
# leased deliveries waiting until the lease ends, so the lease is short. It must still outlast
# the work on them, or a second worker would send the same notice again: a worker starts no
# delivery of its batch in the last LEASE_MARGIN (six socket waits of DELIVERY_TIMEOUT) and
# hands the rest back at once.
LEASE = dt.timedelta(minutes=2)
LEASE_MARGIN = dt.timedelta(seconds=6 * DELIVERY_TIMEOUT)


# How often a message to a channel switched off looks whether it is on again.
WHILE_OFF = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


# What each kind of notice says. {number} and {title} name the case; {node}, {from_level} and
# {to_level} name nodes of the payload; {date} is a day of the payload. Only the kind and the
# payload are stored: the words are chosen when the notice is read, in the reader's language.
TEXTS = {
    "case_reported": lambda: _("New report {number}: {title}"),
    "case_accepted": lambda: _("Case {number} accepted: {title}"),
    "case_rejected": lambda: _("Case {number} was not accepted: {title}"),
    "case_dispatched": lambda: _("Case {number} is dispatched to you: {title}"),
    "case_returned": lambda: _("Case {number} was returned and needs dispatching again: {title}"),
    "extension_requested": lambda: _("More time is asked for on case {number}: {title}"),
    "extension_decided": lambda: _(
        "The request for more time on case {number} was answered: {title}"
    ),
    "case_supervised": lambda: _("Supervision notice (督办): case {number} is overdue: {title}"),
    "deadline_near": lambda: _("Case {number} is due soon: {title}"),
    "progress_overdue": lambda: _("Case {number} needs a progress report: {title}"),
    "case_escalated": lambda: _("Case {number} went up from {from_level} to {to_level}: {title}"),
    "case_resolved": lambda: _("Case {number} is resolved and waits for verification: {title}"),
    "case_closed": lambda: _("Case {number} is closed: {title}"),
    "case_rework": lambda: _("Case {number} failed verification and needs rework: {title}"),
    "case_reopened": lambda: _("Case {number} was reopened by the resident: {title}"),
    "county_called": lambda: _("The town calls your department on case {number}: {title}"),
    "county_answered": lambda: _("The county department answered on case {number}: {title}"),
    "village_called": lambda: _(
        "A village linked to your department calls it on case {number}: {title}"
    ),
    "mediation_failed_at_top": lambda: _(
        "Mediation failed again at the county on case {number}: {title}"
    ),
    "report_ready": lambda: _("The {report} of {node} is ready."),
    "channel_failed": lambda: _("A notification channel keeps failing: {target}"),
    "missed_patrol": lambda: _("No patrol was recorded on {date} in {node}."),
    "visit_overdue": lambda: _("A household visit in {node} was due on {date}."),
    # {name} is the person, {date} the first day of the period they attended no training in.
    "training_overdue": lambda: _(
        "{name} ({node}) attended no training in the period from {date}: training is overdue."
    ),
    "hotline_urged": lambda: _("The 12345 hotline urges case {number} (催办): {title}"),
    "hotline_unsatisfied": lambda: _(
        "The caller was not satisfied with case {number} on the hotline's call-back: {title}"
    ),
    "hotline_return_accepted": lambda: _("The 12345 hotline took back case {number}: {title}"),
    "hotline_return_refused": lambda: _(
        "The 12345 hotline will not take back case {number}; it stays with you: {title}"
    ),
    # The monthly appraisal (staff/actions/appraisal.py): {date} is the month, {node} the place.
    "appraisal_published": lambda: _("The appraisal of {date} in {node} is published."),
    "appraisal_objected": lambda: _("A grid worker in {node} objects to the appraisal of {date}."),
    "appraisal_answered": lambda: _("The town answered your objection to the appraisal of {date}."),
    # Terms and exit (staff/actions/terms.py): {node} is the post's place, {date} a day.
    "case_handed_over": lambda: _("Case {number} was handed over to you: {title}"),
    "term_ending": lambda: _(
        "A term of office in {node} ends on {date}: renew it or end the post."
    ),
    "violation_recorded": lambda: _("A red line was crossed in {node}: the post is to be ended."),
    "handover_received": lambda: _("Work of a post in {node} that ended was handed to you."),
    # One-window requests (services/actions): {number} is the request's number.
    "service_request_received": lambda: _("Service request {number} came in from {node}."),
    "service_request_incomplete": lambda: _(
        "Service request {number}: the one-time notice of missing materials was given."
    ),
    "service_request_accepted": lambda: _("Service request {number} is accepted, due {date}."),
    "service_request_handed": lambda: _("Service request {number} is handed to you to decide."),
    "service_request_decided": lambda: _(
        "Service request {number} is decided; hand the result to the resident."
    ),
    "service_request_overdue": lambda: _(
        "Supervision notice (督办): service request {number} is past its promised time."
    ),
    # Help orders (services/actions/volunteers.py): {help} is the kind of help asked for.
    "help_order_placed": lambda: _("A resident in {node} orders help: {help}."),
    "help_order_dispatched": lambda: _("A help order is dispatched to you in {node}: {help}."),
    "help_order_taken": lambda: _("A volunteer took the help order in {node}: {help}."),
    "help_order_done": lambda: _("A volunteer finished the help order in {node}: {help}."),
    "help_order_handed_back": lambda: _(
        "A volunteer handed back the help order in {node}; dispatch it again: {help}."
    ),
    "help_order_overdue": lambda: _(
        "Supervision notice (督办): a help order in {node} waits past its time: {help}."
    ),
}
# What the resident who reported a case is texted (gridgov/sms.py), in the site's language:
# {code} is the tracking code, {where} where to follow it, {reply} the reply to the resident.
RESIDENT_TEXTS = {
    "case_reported": lambda: _(
        "Your report is in. Its tracking code is {code}; follow it at {where}."
    ),
    "case_resolved": lambda: _("Your report {code} has been dealt with. {reply}See {where}."),
    "service_request_incomplete": lambda: _(
        "Your request {number} needs more materials; the one-time notice lists them all. "
        "Follow it with the code {code} at {where}."
    ),
    "service_request_decided": lambda: _(
        "Your request {number} is decided. Follow it with the code {code} at {where}."
    ),
    "help_order_done": lambda: _(
        "The volunteers have done the help you ordered. Please confirm and rate it with the "
        "code {code} at {where}."
    ),
}
RESIDENT_REPLY_CHARS = 120  # of the reply, in the message; the page shows it whole
# Payload keys that hold a node's id, and the placeholder naming that node.
NODE_KEYS = {"node": "node", "from_owner": "from_level", "owner_node": "to_level"}


class _Blank(dict):
    """Formatting values where a missing one is empty, so an old row never breaks the page."""

    def __missing__(self, key):
        return ""


def node_names(messages) -> dict[int, str]:
    """The names of every node the messages' payloads point at: one query for all of them."""
    from grids.models import GridNode

    ids = {
        m.payload.get(key)
        for m in messages
        for key in NODE_KEYS
        if isinstance(m.payload.get(key), int)
    }
    return dict(GridNode.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def text_for(message: OutboxMessage, names: dict[int, str] | None = None) -> str:
    """What the message says, in the active language."""
    if names is None:
        names = node_names([message])
    template = TEXTS.get(message.kind, lambda: message.kind + " {number}")()
    case, payload = message.case, message.payload
    values = _Blank(
        number=case.number if case else str(payload.get("number") or "")[:40],
        help=_help_name(payload.get("help_kind")),
        title=case.title if case else "",
        target=payload.get("target", ""),
        date=str(payload.get("date") or payload.get("due") or "")[:10],
        report=_report_name(payload.get("report_kind")),
        name=str(payload.get("name") or "")[:40],
    )
    for key, placeholder in NODE_KEYS.items():
        values[placeholder] = names.get(payload.get(key), "")
    return template.format_map(values)[:300]


def resident_text(message: OutboxMessage) -> str:
    """The text message to the resident about their case, in the active language."""
    from django.urls import reverse

    if message.case_id is None:
        return _services_resident_text(message)
    case = message.case
    path = reverse("public_track", kwargs={"tracking_code": case.tracking_code})
    base = settings.GRIDGOV_PUBLIC_BASE_URL
    where = base + path if base else _("the “Follow your report” page of your grid")
    reply = " ".join((case.public_reply or "").split())
    if len(reply) > RESIDENT_REPLY_CHARS:
        reply = reply[: RESIDENT_REPLY_CHARS - 1] + "…"
    return RESIDENT_TEXTS[message.kind]().format_map(
        _Blank(code=case.tracking_code, where=where, reply=f"{reply} " if reply else "")
    )


def texts_the_resident(message: OutboxMessage) -> bool:
    """Is the reporter of this case texted about it? A resident's own report, with a mobile
    number, and no "don't text me"."""
    from cases.models import Source

    case = message.case
    if case is None and message.kind in SERVICES_RESIDENT_KINDS:
        found = _service_subject(message)
        return found is not None and _is_mobile(found.resident_phone)
    return (
        message.kind in RESIDENT_TEXTS
        and case is not None
        and case.source == Source.RESIDENT
        and not case.sms_opt_out
        and _is_mobile(case.reporter_phone)
    )


def _is_mobile(phone: str) -> bool:
    return len(phone or "") == 11 and phone.isascii() and phone.isdigit() and phone[0] == "1"


def _help_name(kind) -> str:
    from services.models import HelpKind

    return str(HelpKind(kind).label) if kind in HelpKind.values else ""


def _report_name(kind) -> str:
    from cases.models import PeriodicReport

    return str(PeriodicReport.Kind(kind).label) if kind in PeriodicReport.Kind.values else ""


# Notices that concern the person handling the case, besides the level holding it.
HANDLER_KINDS = {
    "case_dispatched",
    "case_handed_over",
    "case_supervised",
    "deadline_near",
    "progress_overdue",
    "case_rework",
    "extension_decided",
    "county_answered",
    "hotline_urged",
    "hotline_unsatisfied",
}


def recipients(message: OutboxMessage) -> set:
    """Who hears a notice: the people it is about, by kind, through the access policy."""
    case = message.case
    if message.kind == "channel_failed":
        from grids.models import GridNode

        town = GridNode.objects.filter(pk=message.payload.get("town")).first()
        return {a.user for a in access.assignments_over("node.change", town)} if town else set()
    if message.kind in ("missed_patrol", "visit_overdue"):
        return _field_recipients(message)
    if message.kind == "training_overdue":
        return _training_recipients(message)
    if message.kind in APPRAISAL_KINDS:
        return _appraisal_recipients(message)
    if message.kind in TERM_KINDS:
        return _term_recipients(message)
    if message.kind.startswith("service_request_"):
        return _service_request_recipients(message)
    if message.kind.startswith("help_order_"):
        return _help_order_recipients(message)
    if message.kind == "report_ready":
        from grids.models import GridNode

        node = GridNode.objects.filter(pk=message.payload.get("node")).first()
        return _dispatchers(node, permission="report.view") if node else set()
    if case is None:
        return set()
    users = set()
    if message.kind in ("county_called", "village_called"):
        from staff.models import Assignment

        department = message.payload.get("department")
        return {
            a.user
            for a in Assignment.objects.active()
            .filter(unit_id=department, user__is_active=True)
            .select_related("user")
        }
    if message.kind in HANDLER_KINDS and case.handler_id:
        users.add(case.handler)
    if message.kind == "case_dispatched":
        return users
    # The dispatchers of the level that held the case when the notice was queued (nearest
    # first); a supervision notice or an escalation also reaches the level above.
    from grids.models import GridNode

    level = GridNode.objects.filter(pk=message.payload.get("owner_node")).first() or case.owner_node
    users |= _dispatchers(level, levels=2 if message.kind == "case_supervised" else 1)
    if message.kind == "hotline_urged":
        users |= _dispatchers(case.node.town)  # the town answers to the hotline for it
    if message.kind == "case_escalated":
        # Both ends of the step: who works the case at the level it reached, and who worked it
        # at the level it left (its handler there, and whoever handles cases at that node).
        below = GridNode.objects.filter(pk=message.payload.get("from_owner")).first()
        users |= _posted_at(level) | (_posted_at(below) if below else set())
        users |= set(
            get_user_model().objects.filter(pk=message.payload.get("from_handler"), is_active=True)
        )
    return users


def _posted_at(node) -> set:
    """Those who handle cases with a post on the node itself (the village's grid chief)."""
    return {a.user for a in access.assignments_over("case.mediate", node) if a.node_id == node.pk}


def _dispatchers(level, *, levels: int = 1, permission: str = "case.accept") -> set:
    """The people holding `permission` over `level` at its nearest `levels` posts above it."""
    over = list(access.assignments_over(permission, level))
    keep = set(sorted({a.node.level for a in over}, reverse=True)[:levels])
    return {a.user for a in over if a.node.level in keep}


def _field_recipients(message: OutboxMessage) -> set:
    """A missed patrol: the worker and their grid chief; an overdue visit: who visits there."""

    from grids.models import GridNode, Household

    p = message.payload
    if message.kind == "missed_patrol":
        node = GridNode.objects.filter(pk=p.get("node")).first()
        if node is None:
            return set()
        chiefs = {
            a.user
            for a in access.assignments_over("household.view", node)
            if a.role == "grid_chief"
        }
        return chiefs | set(get_user_model().objects.filter(pk=p.get("user"), is_active=True))
    household = Household.objects.filter(pk=p.get("household")).select_related("node").first()
    return set(access.who_can("visit.record", household)) if household else set()


def _training_recipients(message: OutboxMessage) -> set:
    """Training overdue: the person, and those who hold trainings at their town."""
    from grids.models import GridNode

    p = message.payload
    node = GridNode.objects.filter(pk=p.get("node")).first()
    town = _dispatchers(node.town, permission="training.manage") if node else set()
    return town | set(get_user_model().objects.filter(pk=p.get("user"), is_active=True))


APPRAISAL_KINDS = {"appraisal_published", "appraisal_objected", "appraisal_answered"}


def _appraisal_recipients(message: OutboxMessage) -> set:
    """A published sheet: its workers; an objection: the town's reviewers over the worker's
    grid; an answer: the worker who objected."""
    from grids.models import GridNode
    from staff.models import AppraisalLine

    p = message.payload
    people = get_user_model().objects.filter(is_active=True)
    if message.kind == "appraisal_published":
        workers = AppraisalLine.objects.filter(sheet_id=p.get("sheet")).values("worker_id")
        return set(people.filter(pk__in=workers))
    if message.kind == "appraisal_answered":
        return set(people.filter(pk=p.get("user")))
    node = GridNode.objects.filter(pk=p.get("node")).first()
    return _dispatchers(node, permission="appraisal.review") if node else set()


TERM_KINDS = {"term_ending", "violation_recorded", "handover_received"}


def _term_recipients(message: OutboxMessage) -> set:
    """A term ending: the person and who may end their post; a violation: who may end it (the
    nearest level); a handover: the successor."""
    from staff.models import Assignment

    p = message.payload
    people = get_user_model().objects.filter(is_active=True)
    if message.kind == "handover_received":
        return set(people.filter(pk=p.get("user")))
    post = Assignment.objects.select_related("node").filter(pk=p.get("assignment")).first()
    if post is None:
        return set()
    managers = _dispatchers(post.node, permission="assignment.exit") - {post.user}
    if message.kind == "term_ending":
        managers |= set(people.filter(pk=post.user_id))
    return managers


# ---------------------------------------------------------------- services
# The resident of a request or an order is texted the one-time notice, the decision on the
# request and the finished help to confirm; the phone is read from the row when the text goes.
SERVICES_RESIDENT_KINDS = {
    "service_request_incomplete",
    "service_request_decided",
    "help_order_done",
}


def _service_subject(message: OutboxMessage):
    """The request or help order a services notice is about (None if it is gone)."""
    from services.models import HelpOrder, ServiceRequest

    p = message.payload
    if message.kind.startswith("service_request_") and isinstance(p.get("service_request"), int):
        return (
            ServiceRequest.objects.select_related("node", "handler_unit")
            .filter(pk=p["service_request"])
            .first()
        )
    if message.kind.startswith("help_order_") and isinstance(p.get("help_order"), int):
        return HelpOrder.objects.select_related("node", "team").filter(pk=p["help_order"]).first()
    return None


def _people(*ids) -> set:
    ids = {i for i in ids if isinstance(i, int)}
    return set(get_user_model().objects.filter(pk__in=ids, is_active=True)) if ids else set()


def _service_request_recipients(message: OutboxMessage) -> set:
    """Who works a one-window request, by step: the window of the resident's place (nearest
    level) for what came in without them, the back office it was handed to, whoever took it in
    or runs it as an errand for what they must tell or hand the resident, and the window of the
    place and the level above for a supervision notice."""
    from staff.models import Assignment

    found = _service_subject(message)
    if found is None:
        return set()
    kind = message.kind
    if kind == "service_request_received":
        # Taken in at the window, it is already in the hands of who took it.
        return set() if found.channel == "window" else _dispatchers(found, permission=WINDOW)
    if kind == "service_request_handed":
        return {
            a.user
            for a in Assignment.objects.active()
            .filter(unit_id=found.handler_unit_id, user__is_active=True)
            .select_related("user")
        }
    if kind == "service_request_overdue":
        users = _dispatchers(found, levels=2, permission=WINDOW)
        if found.handler_unit_id and found.status == "handed":
            users |= {
                a.user
                for a in Assignment.objects.active()
                .filter(unit_id=found.handler_unit_id, user__is_active=True)
                .select_related("user")
            }
        return users
    # accepted, incomplete, decided: who took it in and its errand-runner.
    users = _people(found.received_by_id, found.errand_runner_id)
    if kind == "service_request_decided" and not users:  # applied for online
        users = _dispatchers(found, permission=WINDOW)
    return users


WINDOW = "servicerequest.accept"
DISPATCH = "helporder.dispatch"


def _help_order_recipients(message: OutboxMessage) -> set:
    """A new order: the dispatchers of the resident's place (nearest level); dispatched: the
    named volunteer, or every volunteer of the team; taken, done or handed back: whoever
    dispatched it (and, taken or done, whoever placed it for the resident); past its time: the
    dispatchers of the place and the level above, and for an untaken order the team's leader."""
    from services.models import HelpOrderEvent, Volunteer

    order = _service_subject(message)
    if order is None:
        return set()
    kind, p = message.kind, message.payload
    if kind == "help_order_placed":
        return _dispatchers(order, permission=DISPATCH)
    if kind == "help_order_dispatched":
        if order.volunteer_id:
            return _people(order.volunteer.user_id)
        team = Volunteer.objects.filter(team_id=order.team_id).values_list("user_id", flat=True)
        return _people(*team)
    if kind == "help_order_overdue":
        users = _dispatchers(order, levels=2, permission=DISPATCH)
        if order.status == "dispatched" and order.team is not None:
            users |= _people(order.team.leader_id)
        return users
    dispatcher = p.get("dispatcher")
    if dispatcher is None:
        dispatcher = (
            HelpOrderEvent.objects.filter(order=order, action="dispatch", actor__isnull=False)
            .order_by("-created_at", "-pk")
            .values_list("actor_id", flat=True)
            .first()
        )
    users = _people(dispatcher)
    if kind in ("help_order_taken", "help_order_done"):
        users |= _people(order.placed_by_id)
    return users or _dispatchers(order, permission=DISPATCH)


def _services_resident_text(message: OutboxMessage) -> str:
    from django.urls import reverse

    found = _service_subject(message)
    if message.kind.startswith("help_order_"):
        path = reverse("public_help_track", kwargs={"help_code": found.tracking_code})
        number = ""
    else:
        path = reverse("public_service_track", kwargs={"request_code": found.tracking_code})
        number = found.number
    base = settings.GRIDGOV_PUBLIC_BASE_URL
    where = base + path if base else _("the “Follow your request” page of your grid")
    return RESIDENT_TEXTS[message.kind]().format_map(
        _Blank(code=found.tracking_code, number=number, where=where)
    )


def _fan_out(message: OutboxMessage, now: dt.datetime) -> None:
    people = recipients(message)
    text = text_for(message)
    Notice.objects.bulk_create(
        [Notice(user=u, message=message, case=message.case, text=text) for u in people],
        ignore_conflicts=True,
    )
    deliveries = [
        Delivery(
            message=message, channel=Delivery.Channel.EMAIL, target=u.email, next_attempt_at=now
        )
        for u in people
        if u.email
    ]
    if message.case_id:
        town_ids = _towns_of(message.case.node)
        deliveries += [
            Delivery(
                message=message,
                channel=Delivery.Channel.WEBHOOK,
                target=str(e.pk),
                endpoint=e,
                next_attempt_at=now,
            )
            for e in WebhookEndpoint.objects.filter(town_id__in=town_ids, active=True)
        ]
    if texts_the_resident(message):
        # The phone is read from the case (or the request, the order) when the message is
        # sent: not copied here, where the delivery list would show it; nor the tracking code.
        if message.case_id:
            target = f"reporter:{message.case.number}"
        elif message.kind.startswith("help_order_"):
            target = f"help_order:{message.payload['help_order']}"
        else:
            target = f"service_request:{message.payload.get('number', '')}"
        deliveries.append(
            Delivery(
                message=message, channel=Delivery.Channel.SMS, target=target, next_attempt_at=now
            )
        )
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    message.sent_at = now
    message.attempts += 1
    message.save(update_fields=["sent_at", "attempts"])


def _towns_of(node) -> list[int]:
    from grids.models import GridNode, Tier

    return list(
        GridNode.objects.filter(GridNode.ancestors_q(node), tier=Tier.TOWN).values_list(
            "pk", flat=True
        )
    )


def webhook_body(endpoint: WebhookEndpoint, text: str) -> dict:
    if endpoint.style == WebhookEndpoint.Style.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": text[:40], "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.HOTLINE:
        from cases.hotline import outgoing

        outgoing.send(delivery)
        return
    if delivery.channel == Delivery.Channel.SMS and delivery.message.case_id is None:
        found = _service_subject(delivery.message)
        if found is None or not _is_mobile(found.resident_phone):
            raise channels.DeliveryError(channels.INVALID_ADDRESS, final=True)
        sms.send(found.resident_phone, resident_text(delivery.message))
        return
    if delivery.channel == Delivery.Channel.SMS:
        case = delivery.message.case
        if case is None or not _is_mobile(case.reporter_phone) or case.sms_opt_out:
            raise channels.DeliveryError(channels.INVALID_ADDRESS, final=True)
        sms.send(case.reporter_phone, resident_text(delivery.message))
        return
    text = text_for(delivery.message)
    if delivery.channel == Delivery.Channel.EMAIL:
        channels.send_email(subject=text[:80], text=text, to=delivery.target)
    else:
        body = webhook_body(delivery.endpoint, text)
        channels.post_to_robot(delivery.endpoint.url, body)


def _attempt(delivery: Delivery, now: dt.datetime) -> None:
    delivery.attempts += 1
    try:
        _send(delivery)
    except Exception as exc:  # a channel's failure must never stop the other deliveries
        category = channels.error_category(exc)
        if category == "error":
            log.exception("delivery %s: unexpected error", delivery.pk)
        else:
            log.warning("delivery %s failed: %s", delivery.pk, category)
        delivery.last_error = category
        if getattr(exc, "waiting", False):
            # Nothing was tried (a hotline switched off): it waits, however long, uncounted.
            delivery.attempts -= 1
            delivery.next_attempt_at = now + WHILE_OFF
        elif delivery.attempts >= MAX_ATTEMPTS or getattr(exc, "final", False):
            delivery.state = Delivery.State.FAILED
            delivery.next_attempt_at = None
            _report_failure(delivery)
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    else:
        delivery.state, delivery.sent_at, delivery.next_attempt_at = Delivery.State.SENT, now, None
    delivery.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])


def _report_failure(delivery: Delivery) -> None:
    """A channel that failed for good is told to the administrators of its town (in the app)."""
    log.error(
        "delivery %s to %s failed for good: %s", delivery.pk, delivery.target, delivery.last_error
    )
    if delivery.endpoint_id:
        from gridgov import outbox

        outbox.enqueue(
            kind="channel_failed",
            dedupe_key=f"channel_failed:{delivery.endpoint_id}:{timezone.localdate()}",
            target=delivery.endpoint.name,
            town=delivery.endpoint.town_id,
        )
    elif delivery.channel == Delivery.Channel.HOTLINE:
        from gridgov import outbox
        from gridgov.models import ApiClient

        client = ApiClient.objects.filter(pk=delivery.message.payload.get("client")).first()
        if client is not None:  # told to the administrators of the hotline's area
            outbox.enqueue(
                kind="channel_failed",
                dedupe_key=f"channel_failed:hotline:{client.pk}:{timezone.localdate()}",
                target=client.name,
                town=client.node_id,
            )


def deliver_pending(*, now: dt.datetime | None = None, batch: int = 200) -> dict:
    """Fan out new outbox rows, then try the outside deliveries that are due."""
    now = now or timezone.now()
    started = monotonic()
    fanned = sent = failed = 0
    with translation.override(settings.LANGUAGE_CODE):
        with transaction.atomic():
            messages = list(
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(sent_at__isnull=True)
                .select_related("case", "case__node", "case__owner_node", "case__handler")
                .order_by("created_at")[:batch]
            )
            for message in messages:
                _fan_out(message, now)
                fanned += 1
        # Lease the due deliveries (a worker that dies mid-way leaves them to be retried when
        # the lease ends), then talk to the channels outside any transaction.
        with transaction.atomic():
            due = list(
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                    state=Delivery.State.PENDING,
                )
                .order_by("next_attempt_at")
                .values_list("pk", flat=True)[:batch]
            )
            Delivery.objects.filter(pk__in=due).update(next_attempt_at=now + LEASE)
        deadline = started + (LEASE - LEASE_MARGIN).total_seconds()
        for delivery in (
            Delivery.objects.filter(pk__in=due)
            .select_related("message", "message__case", "endpoint")
            .order_by("pk")
        ):
            if monotonic() > deadline:
                # Hand the untried rest back to the next run instead of racing the lease.
                Delivery.objects.filter(
                    pk__in=due, pk__gte=delivery.pk, next_attempt_at=now + LEASE
                ).update(next_attempt_at=now)
                break
            _attempt(delivery, now)
            sent += delivery.state == Delivery.State.SENT
            failed += delivery.state == Delivery.State.FAILED
    return {"fanned_out": fanned, "sent": sent, "failed": failed}


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
