"""The requests' deadline sweep: a request past its promised time is flagged overdue once, with
a history entry and a notice, like the cases' sweep (cases.actions.sweep).

Set-based: one UPDATE claims the requests still to flag (a concurrent sweep's UPDATE waits on
those rows, then finds them claimed), then INSERT … SELECT writes the history and the notices for
exactly the rows this run claimed (marked with this run's time). A notice carries a unique key
(request, deadline), so even a replayed INSERT adds nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gridgov.language import in_site_language
from services.models import ServiceRequest, ServiceRequestEvent
from services.models.requests import CLOCKED_STATUSES


@dataclass
class RequestSweepResult:
    overdue: int = 0
    orders_overdue: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def request_sweep(*, now: dt.datetime | None = None) -> RequestSweepResult:
    """Flag every clocked request past its promised time. Safe to run twice, or twice at once."""
    from gridgov.models import OutboxMessage

    now = now or timezone.now()
    claimed = ServiceRequest.objects.filter(
        status__in=CLOCKED_STATUSES, overdue_since__isnull=True, due_at__lt=now
    ).update(overdue_since=now)
    if not claimed:
        return RequestSweepResult()
    requests, events, outbox = (
        _table(ServiceRequest),
        _table(ServiceRequestEvent),
        _table(OutboxMessage),
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    clocked = ", ".join(f"'{s}'" for s in CLOCKED_STATUSES)
    postgres = connection.vendor == "postgresql"
    true = "TRUE" if postgres else "1"
    # The notice names its request, as the actions' own notices do.
    fields = "%s || id || ', \"number\": \"' || number || '\", \"node\": ' || node_id || '}'"
    payload = f"CAST({fields} AS jsonb)" if postgres else fields
    note = in_site_language(gettext_lazy("The promised time has passed."))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {events} (request_id, actor_id, action, automatic, from_status,
                                      to_status, note, created_at)
                SELECT id, NULL, 'overdue', {true}, status, status, %s, %s
                FROM {requests} WHERE overdue_since = %s AND status IN ({clocked})""",
            [note, stamp, stamp],
        )
        cursor.execute(
            f"""INSERT INTO {outbox} (kind, case_id, payload, dedupe_key, created_at, attempts,
                                      last_error)
                SELECT 'service_request_overdue', NULL, {payload},
                       'service_request_overdue:' || id || ':' || due_at, %s, 0, ''
                FROM {requests} WHERE overdue_since = %s AND status IN ({clocked})
                ON CONFLICT (dedupe_key) DO NOTHING""",
            ['{"automatic": true, "service_request": ', stamp, stamp],
        )
    return RequestSweepResult(overdue=claimed)
