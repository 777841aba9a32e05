"""Replaying the demo cases through cases.actions, as the people of the demo would have worked
them over the last ten weeks, and the one live case whose deadline passes while the demo runs.
Demo cases are all or nothing: see `load_cases`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cases import actions, workflow
from cases.models import Case, CaseEvent, Category, CountyCall, Mediation, Unit
from gridgov.demo.scripted import demo_cases
from gridgov.demo.scripted.script import CZ, GRID, DemoCase
from gridgov.demo.tree import LIANGJIAAN_GRID_1
from gridgov.errors import DomainError
from gridgov.models import OutboxMessage
from grids.models import GridNode
from staff.models import Assignment, Role


class _Missing(Exception):
    """A person, place or unit the demo cases need is not there."""


class _Replay:
    """Runs the demo cases' steps through cases.actions, all cases together in time order, so
    that what one case's step sees of another (a merge) is what stood at that moment."""

    def __init__(self, scripts: list[DemoCase], today_start: dt.datetime):
        self.scripts = scripts
        self.today_start = today_start
        self.cases: dict[str, Case] = {}
        self.current = ""  # the title of the case being replayed, for a refusal's message
        self.calls: dict[str, CountyCall] = {}
        self._users: dict[str, object] = {}
        self._nodes: dict[str, GridNode] = {}
        self._workers: dict[int, object] = {}
        self._categories = {c.name: c for c in Category.objects.all()}

    def user(self, username: str):
        if username not in self._users:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise _Missing(f"no active user {username}")
            self._users[username] = user
        return self._users[username]

    def node(self, code: str) -> GridNode:
        if code not in self._nodes:
            node = GridNode.objects.filter(code=code).first()
            if node is None:
                raise _Missing(f"no place with code {code}")
            self._nodes[code] = node
        return self._nodes[code]

    def actor(self, who: str | None, script: DemoCase):
        if who is None:
            return None
        if who != GRID:
            return self.user(who)
        node = self.node(script.place)
        if node.pk not in self._workers:
            grant = (
                Assignment.objects.active()
                .filter(node=node, role=Role.GRID_WORKER, user__is_active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if grant is None:
                raise _Missing(f"no grid worker in {node.name}")
            self._workers[node.pk] = self.user(grant.user.username)
        return self._workers[node.pk]

    def unit(self, name: str, case: Case) -> Unit:
        unit = Unit.objects.filter(name=name, node__tree_id=case.node.tree_id).first()
        if unit is None:
            raise _Missing(f"no unit {name}")
        return unit

    def timeline(self) -> list[tuple[dt.datetime, int, int, DemoCase]]:
        """Every step of every case at its moment; step -1 is the report."""
        moments = []
        for n, script in enumerate(self.scripts):
            at = self.today_start - dt.timedelta(days=script.days_ago, hours=-script.hour)
            moments.append((at, n, -1, script))
            for s, (after, *_rest) in enumerate(script.steps):
                at += dt.timedelta(hours=after)
                moments.append((at, n, s, script))
            if at >= self.today_start:
                raise ValueError(f"demo case {script.title!r} runs into today")
        return sorted(moments, key=lambda m: m[:3])

    def run(self) -> None:
        for now, _n, step, script in self.timeline():
            self.current = script.title
            if step < 0:
                self.report(script, now)
            else:
                _after, verb, who, kw = script.steps[step]
                self.perform(script, verb, self.actor(who, script), dict(kw), now)

    def report(self, script: DemoCase, now: dt.datetime) -> None:
        category = self._categories.get(script.category) if script.category else None
        self.cases[script.title] = actions.case_report(
            actor=self.actor(script.by, script),
            node_id=self.node(script.place).pk,
            title=script.title,
            description=script.description,
            source=script.source,
            category_id=category.pk if category else None,
            reporter_name=script.reporter_name,
            reporter_phone=script.reporter_phone,
            parties=script.parties,
            location=script.location,
            now=now,
        )

    def perform(self, script: DemoCase, verb: str, actor, kw: dict, now: dt.datetime) -> None:
        """One step, through the action table's function for the verb (an action's name)."""
        case = self.cases[script.title]
        # The scripts name people, places, units and cases; the actions take their ids.
        if "owner" in kw:
            kw["owner_node_id"] = self.node(kw.pop("owner")).pk
        if "handler" in kw:
            kw["handler_id"] = self.actor(kw.pop("handler"), script).pk
        if "unit" in kw:  # a county call names the county department it calls
            unit = self.unit(kw.pop("unit"), case).pk
            kw["department_id" if verb == "call_county" else "unit_id"] = unit
        if "into" in kw:
            kw["into_id"] = self.cases[kw.pop("into")].pk
        if "days" in kw:  # more time: so many days past the deadline standing then
            case.refresh_from_db(fields=["clear_by"])
            kw["until"] = case.clear_by + dt.timedelta(days=kw.pop("days"))
        if workflow.ACTIONS[verb].fits_call is None:
            kw["case_id"] = case.pk
        else:
            kw["call_id"] = self.calls[script.title].pk
        done = actions.function_of(verb)(actor=actor, now=now, **kw)
        if verb == "call_county":
            self.calls[script.title] = done


def load_cases(say) -> dict:
    """Replay the demo cases, unless any of them is already there.

    Idempotency rule: demo cases are added all together or not at all. If any case carries the
    title of a demo case, the demo cases were loaded before (or someone is using those titles)
    and none is added. A case cannot be "updated" into its demo state without rewriting its
    history, so there is no partial top-up."""
    scripts = demo_cases()
    counts = {"cases": 0, "events": 0, "mediations": 0, "county_calls": 0}
    if Case.objects.filter(title__in=[s.title for s in scripts]).exists():
        say("demo cases: already there, none added")
        return counts
    before = (CaseEvent.objects.count(), Mediation.objects.count(), CountyCall.objects.count())
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    replay = _Replay(scripts, today_start)
    try:
        with transaction.atomic():
            replay.run()
    except (_Missing, DomainError, PermissionDenied, Http404, ValidationError) as error:
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        say(f"demo cases: not loaded, “{replay.current}”: {message}")
        return counts
    # The replayed history queued its notices as it went; they are weeks old and were never
    # news, so they are marked as delivered rather than sent to the demo people now.
    case_ids = [case.pk for case in replay.cases.values()]
    OutboxMessage.objects.filter(case_id__in=case_ids, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    counts.update(
        cases=len(case_ids),
        events=CaseEvent.objects.count() - before[0],
        mediations=Mediation.objects.count() - before[1],
        county_calls=CountyCall.objects.count() - before[2],
    )
    say(
        f"demo cases: {counts['cases']} cases with {counts['events']} events, "
        f"{counts['mediations']} mediations and {counts['county_calls']} county calls added"
    )
    return counts


LIVE_TITLE = "梁家庵村村道塌方，需设警示"


def load_live_case(say) -> bool:
    """One yellow case accepted 23 h 50 min before the demo first starts: its 日清 deadline passes
    ten minutes in, so a person watching `make demo` sees beat flag and supervise it (and a day
    later escalate it) with nobody touching it."""
    if Case.objects.filter(title=LIVE_TITLE).exists():
        return False
    grid = GridNode.objects.filter(code=LIANGJIAAN_GRID_1).first()
    staff = get_user_model().objects.filter(username=CZ).first()
    if grid is None or staff is None:
        return False
    start = timezone.now() - dt.timedelta(hours=23, minutes=50)
    case = actions.case_report(
        actor=None,
        node_id=grid.pk,
        title=LIVE_TITLE,
        source="hotline",
        reporter_name="梁大爷",
        description="村道北段雨后塌方约两米，夜间无警示，存在安全隐患。",
        now=start,
    )
    actions.case_accept(
        actor=staff, case_id=case.pk, color="yellow", now=start + dt.timedelta(minutes=1)
    )
    OutboxMessage.objects.filter(case=case, sent_at__isnull=True).update(sent_at=timezone.now())
    say(
        f"live case {case.number}: its deadline passes in about 10 minutes; watch beat supervise it"
    )
    return True
