"""The deadline sweep (日清 / 周清 / 月清 enforced): warn before a deadline, flag and supervise on
breach, escalate after the policy's grace, flag missing progress reports.

Set-based: each step is one UPDATE that claims the rows still due (a concurrent sweep's UPDATE
waits on those rows, then finds them claimed), followed by INSERT … SELECT of the history and the
notices for exactly the rows this run claimed (marked with this run's timestamp). Notices carry a
unique key (case, level, kind), so even a replayed INSERT adds nothing. Escalation goes case by
case through the same action as a manual escalation, each case claimed with SKIP LOCKED.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases import actions
from cases.models import OPEN_STATUSES, Case, Color
from cases.policy import policy_for
from gridgov.errors import DomainError
from gridgov.language import in_site_language
from grids.models import Tier

log = logging.getLogger(__name__)

OPEN = Q(status__in=OPEN_STATUSES)


@dataclass
class SweepResult:
    warned: int = 0
    overdue: int = 0
    progress_flagged: int = 0
    escalated: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _record(
    *, claimed_by: str, now: dt.datetime, action: str, kind: str, key: str, note: str
) -> None:
    """History and a notice for every case this run claimed (`claimed_by` = now)."""
    from cases.models import CaseEvent
    from gridgov.models import OutboxMessage

    cases, events, outbox = _table(Case), _table(CaseEvent), _table(OutboxMessage)
    now = connection.ops.adapt_datetimefield_value(now)  # as the ORM stored it (SQLite: UTC text)
    open_list = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {events} (case_id, action, automatic, from_status, to_status,
                                      from_owner_id, to_owner_id, note, created_at)
                SELECT id, %s, {true}, status, status, owner_node_id, owner_node_id, %s, %s
                FROM {cases} WHERE {claimed_by} = %s AND status IN ({open_list})""",
            [action, note, now, now],
        )
        # The key names the case, the level holding it, the kind and the deadline in question.
        cursor.execute(
            f"""INSERT INTO {outbox} (kind, case_id, payload, dedupe_key, created_at, attempts, last_error)
                SELECT %s, id, %s, %s || id || ':' || owner_node_id || ':' || {key}, %s, 0, ''
                FROM {cases} WHERE {claimed_by} = %s AND status IN ({open_list})
                ON CONFLICT (dedupe_key) DO NOTHING""",
            [kind, '{"automatic": true}', f"{kind}:", now, now],
        )


@transaction.atomic
def _warn(now: dt.datetime) -> int:
    total = 0
    for color in Color.values:
        hours = policy_for(color).warn_hours_before
        if not hours:
            continue
        total += Case.objects.filter(
            OPEN,
            color=color,
            overdue_since__isnull=True,
            warned_at__isnull=True,
            clear_by__gt=now,
            clear_by__lte=now + dt.timedelta(hours=hours),
        ).update(warned_at=now)
    if total:
        _record(
            claimed_by="warned_at",
            now=now,
            action="deadline_warning",
            kind="deadline_near",
            key="clear_by",
            note="",
        )
    return total


@transaction.atomic
def _flag_overdue(now: dt.datetime) -> int:
    count = Case.objects.filter(OPEN, overdue_since__isnull=True, clear_by__lt=now).update(
        overdue_since=now
    )
    if count:
        _record(
            claimed_by="overdue_since",
            now=now,
            action="supervise",
            kind="case_supervised",
            key="clear_by",
            note=in_site_language(gettext_lazy("The deadline has passed.")),
        )
    return count


@transaction.atomic
def _flag_progress(now: dt.datetime) -> int:
    count = Case.objects.filter(
        OPEN, progress_overdue_since__isnull=True, report_by__lt=now
    ).update(progress_overdue_since=now)
    if count:
        _record(
            claimed_by="progress_overdue_since",
            now=now,
            action="progress_overdue",
            kind="progress_overdue",
            key="report_by",
            note="",
        )
    return count


def _escalate_breaches(now: dt.datetime, limit: int) -> int:
    escalated = 0
    reason = in_site_language(gettext_lazy("Still overdue at the end of the grace period."))
    for color in Color.values:
        grace = dt.timedelta(days=policy_for(color).escalate_after_days)
        due = (
            Case.objects.filter(
                OPEN, color=color, overdue_since__isnull=False, clear_by__lt=now - grace
            )
            .exclude(owner_node__tier=Tier.COUNTY)
            .order_by("clear_by")
        )
        for pk in list(due.values_list("pk", flat=True)[: limit - escalated]):
            with transaction.atomic():
                # Claimed under lock, re-checked: a parallel sweep skips it or finds it moved on.
                claimed = due.filter(pk=pk).select_for_update(skip_locked=True, of=("self",))
                if not claimed.values_list("pk", flat=True):
                    continue
                try:
                    with transaction.atomic():
                        actions.case_escalate(
                            actor=None,
                            case_id=pk,
                            automatic=True,
                            now=now,
                            reason=reason,
                        )
                    escalated += 1
                except (
                    DomainError
                ) as exc:  # e.g. a state the table does not allow: leave it, log it
                    log.warning("sweep could not escalate case %s: %s", pk, exc.message)
        if escalated >= limit:
            break
    return escalated


def deadline_sweep(*, now: dt.datetime | None = None, escalate_limit: int = 500) -> SweepResult:
    """One run of the sweep. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    return SweepResult(
        warned=_warn(now),
        overdue=_flag_overdue(now),
        progress_flagged=_flag_progress(now),
        escalated=_escalate_breaches(now, escalate_limit),
    )
