"""What residents do through the public door (/g/), without an account: report a problem from
their grid's page, and (cases.actions.handling, `by_resident`) rate and reopen it by its code.

A resident's report is an ordinary report (case_report, no actor, source resident) that first
passes the rules of the door: a public category, a phone for the call back unless the town
allows anonymous reports, so many reports a day per phone, and no second copy of the same
report within the hour."""

from __future__ import annotations

import datetime as dt
import re
from difflib import SequenceMatcher

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions._common import _now
from cases.actions.intake import case_report
from cases.models import Case, CaseSequence, Category, ResidentReporting, Source
from gridgov.errors import DomainError
from grids.models import GridNode, Tier

# The places a bulletin's QR code and a report may name.
PUBLIC_TIERS = (Tier.TOWN, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)
MAX_PHOTOS = 3
DUPLICATE_WINDOW = dt.timedelta(hours=1)
# Two texts this alike (after dropping spaces and punctuation) say the same thing.
DUPLICATE_SIMILARITY = 0.85
_NOISE = re.compile(r"[\W_]+")


class DuplicateReport(DomainError):
    """The same report came in from the same phone a moment ago: `case` is that one."""

    def __init__(self, case: Case):
        super().__init__(
            _("You already reported this: its tracking code is %(code)s.")
            % {"code": case.tracking_code}
        )
        self.case = case


def public_place(code: str) -> GridNode:
    """The town, village, grid or micro-grid with this code; 404 for any other code."""
    node = GridNode.objects.filter(code=code, tier__in=PUBLIC_TIERS).first()
    if node is None:
        raise Http404("No such place.")
    return node


def anonymous_allowed(node: GridNode) -> bool:
    """May residents of this place report without a phone number (the town's choice)?"""
    town = node.town
    return town.tier == Tier.TOWN and ResidentReporting.anonymous_allowed_in(town)


def _same_text(a: str, b: str) -> bool:
    a, b = _NOISE.sub("", a.lower()), _NOISE.sub("", b.lower())
    if not a or not b:
        return a == b
    return a == b or SequenceMatcher(None, a, b).ratio() >= DUPLICATE_SIMILARITY


def _check_phone(phone: str, node: GridNode, description: str, now: dt.datetime) -> None:
    """The day's limit per phone, then the duplicate guard (same phone, place, text, hour)."""
    reports = Case.objects.filter(source=Source.RESIDENT, reporter_phone=phone)
    recent = reports.filter(node=node, created_at__gte=now - DUPLICATE_WINDOW).order_by(
        "-created_at", "-pk"
    )
    for earlier in recent.only("pk", "description", "tracking_code")[:20]:
        if _same_text(earlier.description, description):
            raise DuplicateReport(earlier)
    day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    limit = settings.GRIDGOV_PUBLIC_REPORTS_PER_PHONE
    if reports.filter(created_at__gte=day).count() >= limit:
        raise DomainError(
            _(
                "One phone number may send at most %(n)d reports a day. Please try again "
                "tomorrow, or call the town's hotline."
            )
            % {"n": limit}
        )


@transaction.atomic
def case_report_by_resident(
    *,
    node_id: int,
    category_id: int,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    location: str = "",
    latitude=None,
    longitude=None,
    photos=(),
    submission_id: str | None = None,
    sms_opt_out: bool = False,
    now: dt.datetime | None = None,
) -> Case:
    """一访二报 from a resident: the report enters the town's intake queue with the place known.
    `reporter_phone` is already normalised (digits only); `photos` checked and re-encoded."""
    now = _now(now)
    node = GridNode.objects.filter(pk=node_id, tier__in=PUBLIC_TIERS).first()
    if node is None:
        raise Http404("No such place.")
    category = Category.objects.filter(pk=category_id, public=True).first()
    if category is None:
        raise DomainError(_("Choose what it is about from the list."), field="category")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(n)d photos per report.") % {"n": MAX_PHOTOS}, "photos")
    phone = (reporter_phone or "").strip()
    name = (reporter_name or "").strip()
    if not phone and not anonymous_allowed(node):
        raise DomainError(_("Give a phone number, so that we can call you back."), "reporter_phone")
    # Hold the town's case numbering while checking: two quick copies of one report wait for
    # each other here, and the second then finds the first.
    town = node.town
    CaseSequence.objects.select_for_update().filter(
        town=town, year=timezone.localtime(now).year
    ).first()
    if phone:
        _check_phone(phone, node, description or "", now)
    first_line = (description or "").strip().splitlines()[0] if (description or "").strip() else ""
    return case_report(
        actor=None,
        node_id=node.pk,
        title=f"{category.name}：{first_line}"[:200],
        description=description,
        source=Source.RESIDENT,
        category_id=category.pk,
        reporter_name=name or _("Anonymous resident"),
        reporter_phone=phone,
        location=location,
        latitude=latitude,
        longitude=longitude,
        photos=photos,
        submission_id=submission_id,
        sms_opt_out=sms_opt_out or not phone,
        now=now,
    )
