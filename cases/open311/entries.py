"""A case as Open311 shows it: exactly what the resident's tracking page shows (cases.public.
track), in the spec's fields and order. Its id is the tracking code, never a database id; its
status is open or closed, with the residents' words in status_notes and, once the work is done,
the reply to the resident. What that page does not show is null: the description, who handles
it, the deadline, the reporter's own address and position, the media."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Status
from cases.public.track import RESIDENT_WORDS

# Open311's two statuses: open while it is reported or worked on, closed once done, not taken
# up, or (merged into another report) as that report stands.
OPEN = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.HANDLING)


def open_q() -> Q:
    return Q(status__in=OPEN) | Q(status=Status.MERGED, merged_into__status__in=OPEN)


def stamp(moment) -> str | None:
    """ISO 8601 with the offset (Asia/Shanghai: +08:00), to the second."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _last_step():
    """The time of the last step the tracking page lists (cases.public.track._steps)."""
    steps = CaseEvent.objects.filter(case=OuterRef("pk")).filter(
        Q(action="report")
        | Q(by_resident=True, action__in=("reopen", "rate"))
        | (~Q(to_status=F("from_status")) & ~Q(to_status=""))
    )
    return Subquery(steps.order_by("-created_at", "-pk").values("created_at")[:1])


def shown(queryset: QuerySet) -> QuerySet:
    """`queryset` with what an entry reads, in one query."""
    return (
        queryset.select_related("category", "node", "merged_into")
        .only(
            "tracking_code",
            "status",
            "public_reply",
            "created_at",
            "category__name",
            "category__public_name",
            "category__public",
            "node__name",
            "node__code",
            "merged_into__status",
            "merged_into__public_reply",
        )
        .annotate(last_step_at=Coalesce(_last_step(), "created_at"))
    )


def _notes(case: Case, now_shown: Case) -> str:
    notes = [str(RESIDENT_WORDS.get(case.status, ""))]
    if case.status == Status.MERGED:
        notes.append(
            _("It is handled together with a report of the same matter, which is now: %(words)s.")
            % {"words": RESIDENT_WORDS.get(now_shown.status, "")}
        )
    if case.status == Status.REJECTED:
        notes.append(
            _(
                "The town's centre did not take this report up. If you have questions, ask at "
                "the town's governance centre."
            )
        )
    if now_shown.status in (Status.RESOLVED, Status.CLOSED) and now_shown.public_reply:
        notes.append(now_shown.public_reply)
    return "\n".join(n for n in notes if n)


def entry(case: Case) -> dict:
    """One request of GET requests and GET requests/{id}, in the spec's order."""
    now_shown = case.merged_into if case.status == Status.MERGED and case.merged_into else case
    category = case.category
    return {
        "service_request_id": case.tracking_code,
        "status": "open" if now_shown.status in OPEN else "closed",
        "status_notes": _notes(case, now_shown),
        "service_name": category.name_for_residents if category else None,
        "service_code": str(category.pk) if category and category.public else None,
        "description": None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": stamp(case.created_at),
        "updated_datetime": stamp(getattr(case, "last_step_at", None) or case.created_at),
        "expected_datetime": None,
        "address": case.node.name,
        "address_id": case.node.code,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
