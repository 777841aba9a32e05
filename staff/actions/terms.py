"""Terms, the negative list and exit (seed 002): recording a violation of a red line (which
flags the post for exit), ending a post with the handover of everything its holder keeps, and
the daily reminder of terms ending (staff/rhythms.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov import outbox
from gridgov.errors import DomainError
from grids.models import span_contains
from staff import access
from staff.access.table import HANDLERS
from staff.models import Assignment, Handover, RedLine, Severity, Violation
from staff.queries.terms import KINDS, VILLAGE, VISITORS, Holdings, holdings

TEXT_CHARS = 5000


def _post(actor, assignment_id: int, action: str, *, lock: bool = False) -> Assignment:
    """The post, if the actor may take `action` on its holder (whom they manage): else 404 for
    a post or person outside their scope, 403 for a role that may not."""
    posts = Assignment.objects.select_related("node", "user")
    if lock:
        posts = posts.select_for_update(of=("self",))
    post = posts.filter(pk=assignment_id).first()
    if post is None:
        raise Http404("No such post.")
    if actor is not None:
        access.require(actor, action, post)
        if not access.may_manage(actor, post.user_id, action):
            raise Http404("No such person.")
    return post


@transaction.atomic
def violation_record(
    *,
    actor,
    assignment_id: int,
    red_line_id: int,
    date: dt.date,
    facts: str,
    evidence: str = "",
    now: dt.datetime | None = None,
) -> Violation:
    """A red line of the county's negative list crossed by the holder of a post. One that leads
    to exit (直接退出) flags the post until it is ended, and tells who may end it."""
    now = now or timezone.now()
    post = _post(actor, assignment_id, "violation.record")
    errors = {}
    red_line = RedLine.objects.filter(pk=red_line_id, county__tree_id=post.node.tree_id).first()
    if red_line is None:
        errors["red_line"] = _("Choose a red line of the county's negative list.")
    if date is None:
        errors["date"] = _("Please give the date.")
    elif date > timezone.localdate(now):
        errors["date"] = _("The date cannot be in the future.")
    facts = (facts or "").strip()[:TEXT_CHARS]
    if not facts:
        errors["facts"] = _("Please give %(what)s.") % {"what": _("the facts")}
    if errors:
        raise DomainError(errors)
    violation = Violation.objects.create(
        person_id=post.user_id,
        assignment=post,
        red_line=red_line,
        date=date,
        facts=facts,
        evidence=(evidence or "").strip()[:TEXT_CHARS],
        leads_to_exit=red_line.severity == Severity.EXIT,
        recorded_by=actor,
        recorded_at=now,
    )
    if violation.leads_to_exit:
        outbox.enqueue(
            kind="violation_recorded",
            assignment=post.pk,
            node=post.node_id,
            dedupe_key=f"violation_recorded:{violation.pk}",
        )
    return violation


def _successor_grants(ids: set[int]) -> dict[int, list[Assignment]]:
    """The active posts of each successor (one query)."""
    out: dict[int, list[Assignment]] = {pk: [] for pk in ids}
    if ids:
        for a in (
            Assignment.objects.active()
            .filter(user_id__in=ids, user__is_active=True)
            .select_related("node", "user")
        ):
            out[a.user_id].append(a)
    return out


def exit_plan(
    *, actor, post: Assignment, successors: Mapping[str, object], on: dt.date
) -> tuple[Holdings, dict, dict]:
    """What ending the post would leave without a handler with these successors (a user id or
    VILLAGE per kind): (holdings, {kind: successor user or VILLAGE or None}, {kind: [what is
    left]}). A successor outside the actor's scope is refused as missing (404)."""
    held = holdings(post, on=on)
    people = {
        kind: value
        for kind in KINDS
        if (value := successors.get(kind)) not in (None, "", VILLAGE) and isinstance(value, int)
    }
    grants = _successor_grants(set(people.values()))
    chosen: dict = {}
    for kind in KINDS:
        value = successors.get(kind)
        if value == VILLAGE:
            chosen[kind] = VILLAGE
        elif kind in people:
            posts = grants.get(people[kind]) or []
            if actor is not None and not any(access.in_scope(actor, a.node) for a in posts):
                raise Http404("No such person.")
            if people[kind] == post.user_id:
                raise DomainError(_("The successor cannot be the person who leaves."), field=kind)
            chosen[kind] = posts[0].user
        else:
            chosen[kind] = None
    left = {kind: _left(held, kind, chosen[kind], grants, actor) for kind in KINDS}
    return held, chosen, left


def _covers(posts, roles, node, actor) -> bool:
    return any(
        a.role in roles
        and span_contains(a.node, node)
        and (actor is None or access.in_scope(actor, a.node))
        for a in posts
    )


def _left(held: Holdings, kind: str, successor, grants, actor) -> list[str]:
    if kind == "cases":
        items = [(c.node, f"{c.number} {c.title}") for c in held.cases]
        roles = HANDLERS
    elif kind == "visits":
        items = [(h.node, f"{h.head_name} · {h.address}") for h in held.visits]
        roles = VISITORS
    else:
        items = [
            (row["node"], _("%(count)s households in %(place)s")
             % {"count": row["count"], "place": row["node"].name})
            for row in held.households
        ]  # fmt: skip
        roles = VISITORS
    if not items:
        return []
    if successor is None:
        return [label for _node, label in items]
    if successor == VILLAGE:
        village = held.village
        if village is None or village == held.post.node:
            return [label for _node, label in items]
        if kind != "cases" and not _village_visits(held):
            return [label for _node, label in items]
        return [label for node, label in items if not span_contains(village, node)]
    posts = grants.get(successor.pk, [])
    return [label for node, label in items if not _covers(posts, roles, node, actor)]


def _village_visits(held: Holdings) -> bool:
    """Does someone else hold a post at the village itself that visits households (its grid
    chief)? Then the village keeps the households and their visits."""
    return (
        Assignment.objects.active()
        .filter(node=held.village, role__in=VISITORS, user__is_active=True)
        .exclude(user_id=held.post.user_id)
        .exists()
    )


def _refuse_if_left(held: Holdings, left: dict) -> None:
    kinds = {
        "cases": _("Open cases without a successor"),
        "visits": _("Due visits without a successor"),
        "households": _("Households without a successor"),
    }
    errors = {
        kind: f"{kinds[kind]}: {'；'.join(left[kind][:20])}"
        + (f" … (+{len(left[kind]) - 20})" if len(left[kind]) > 20 else "")
        for kind in KINDS
        if left[kind]
    }
    if errors:
        raise DomainError(errors)


@transaction.atomic
def assignment_exit(
    *,
    actor,
    assignment_id: int,
    successors: Mapping[str, object],
    reason: str,
    violation_id: int | None = None,
    now: dt.datetime | None = None,
) -> Handover:
    """End a post today, handing over first everything its holder keeps through it: each open
    case they handle (to a successor who handles cases there, or the village), the due visits
    and the households (to a successor who visits there, or the village's grid chief). Refused
    while anything would be left without a handler; all of it, or nothing, in one transaction.
    `successors`: {"cases"|"visits"|"households": user id or VILLAGE}."""
    from cases.actions import case_hand_over

    now = now or timezone.now()
    today = timezone.localdate(now)
    post = _post(actor, assignment_id, "assignment.exit", lock=True)
    if post.ends is not None and post.ends < today:
        raise DomainError(_("This post has already ended."))
    if post.starts > today:
        raise DomainError(_("This post has not started yet: change it in the admin instead."))
    reason = (reason or "").strip()[:300]
    if not reason:
        raise DomainError(_("Please give %(what)s.") % {"what": _("the reason")}, field="reason")
    violation = None
    if violation_id is not None:
        violation = Violation.objects.filter(pk=violation_id, assignment=post).first()
        if violation is None:
            raise DomainError(_("That violation is not of this post."), field="violation")
    held, chosen, left = exit_plan(actor=actor, post=post, successors=successors, on=today)
    _refuse_if_left(held, left)
    for case in held.cases:
        to = chosen["cases"]
        case_hand_over(
            actor=actor,
            case_id=case.pk,
            handler_id=None if to == VILLAGE else to.pk,
            village_id=held.village.pk if to == VILLAGE else None,
            note=reason,
            now=now,
        )
    post.ends = today
    post.full_clean()
    post.save(update_fields=["ends"])
    handover = Handover.objects.create(
        assignment=post,
        person_id=post.user_id,
        ended_on=today,
        reason=reason,
        violation=violation,
        **{
            f"{name}_successor": None if chosen[kind] in (None, VILLAGE) else chosen[kind]
            for kind, name in (("cases", "case"), ("visits", "visit"), ("households", "household"))
        },
        cases=len(held.cases),
        visits=len(held.visits),
        households=held.household_count,
        by=actor,
        created_at=now,
    )
    told = set()
    for kind in KINDS:
        to = chosen[kind]
        if to not in (None, VILLAGE) and held.count(kind) and to.pk not in told:
            told.add(to.pk)
            outbox.enqueue(kind="handover_received", user=to.pk, node=post.node_id)
    access.forget_grants(post.user)
    return handover
