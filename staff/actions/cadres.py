"""Linked cadres join the grid workers' patrols (三陪同, seed 001); a town scores the outposts
stationed with it each month (工作评价权, seed 004)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Unit
from gridgov.cleaning import clean_text, parse_decimal
from gridgov.errors import DomainError
from grids.models import GridNode
from staff import access
from staff.models import CoPatrol, OutpostScore, OutpostScoreLine, Patrol
from staff.queries.cadres import link_over
from staff.queries.departments import county_of, score_items
from staff.queries.measures import month_of


@transaction.atomic
def copatrol_join(*, actor, patrol_id: int, now: dt.datetime | None = None) -> CoPatrol:
    """A cadre linked to the village joins a patrol under way there today, on their own phone;
    the join is kept with its time. Someone not linked to that village may not: 404 when the
    grid is outside their posts, 403 when their posts cover it. Joining twice keeps the first
    join."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not Patrol.objects.select_for_update().filter(pk=patrol_id).values_list("pk", flat=True):
        raise Http404("No such patrol.")
    patrol = Patrol.objects.select_related("node").get(pk=patrol_id)
    link = link_over(actor, patrol.node, day=today) if actor is not None else None
    if link is None:
        # Those whose posts cover the grid know of its patrols (the dashboard counts them):
        # refused; anyone else is not told the patrol exists.
        if actor is not None and access.in_scope(actor, patrol.node):
            raise PermissionDenied
        raise Http404("No such patrol.")
    if patrol.user_id == actor.pk:
        raise DomainError(_("This is your own patrol."))
    if patrol.date != today or patrol.finished_at is not None:
        raise DomainError(_("This patrol is no longer under way."))
    joined, _created = CoPatrol.objects.get_or_create(
        patrol=patrol, user=actor, defaults={"link": link, "joined_at": now}
    )
    return joined


def _posted_at_town(actor, town: GridNode) -> bool:
    """A town's own score: someone with a scoring post at that town itself (not the county)."""
    return actor.is_superuser or town.pk in access.nodes_where(actor, "outpostscore.score")


@transaction.atomic
def outpost_score_save(
    *,
    actor,
    outpost_id: int,
    month: dt.date,
    points: dict[int, str],
    reasons: dict[int, str],
    now: dt.datetime | None = None,
) -> OutpostScore:
    """The town scores an outpost stationed with it for a month, item by item, each item's
    points between 0 and its most; a point taken off needs the reason. Scoring the month again
    replaces the points and reasons."""
    now = now or timezone.now()
    outpost = (
        Unit.objects.select_related("node").filter(pk=outpost_id, kind=Unit.Kind.OUTPOST).first()
    )
    if outpost is None:  # one the town has, or 404 below for another town's
        raise DomainError(_("Choose an outpost stationed in the town."), field="outpost")
    town = outpost.node
    access.require(actor, "outpostscore.score", town)
    if not _posted_at_town(actor, town):
        raise DomainError(_("An outpost is scored by the town it is stationed in."))
    month = month_of(month)
    if month > month_of(timezone.localdate(now)):
        raise DomainError(_("A month that has not begun cannot be scored."))
    items = score_items(county_of(town))
    if not items:
        raise DomainError(_("The county has not set the items outposts are scored on."))
    given: dict[int, tuple[Decimal, str]] = {}
    for item in items:
        value = parse_decimal(points.get(item.pk), limit=Decimal(1000))
        if value is None or value < 0 or value > item.most:
            raise DomainError(
                _("Give “%(item)s” from 0 to %(most)s points.")
                % {"item": item.name, "most": item.most},
                field=f"points_{item.pk}",
            )
        reason = clean_text(reasons.get(item.pk) or "", 300)
        if value < item.most and not reason:
            raise DomainError(
                _("Say why points were taken off “%(item)s”.") % {"item": item.name},
                field=f"reason_{item.pk}",
            )
        given[item.pk] = (value.quantize(Decimal("0.01")), reason)
    score, _created = OutpostScore.objects.select_for_update().get_or_create(
        outpost=outpost,
        month=month,
        defaults={"town": town, "scored_by": actor, "scored_at": now},
    )
    for item in items:
        value, reason = given[item.pk]
        OutpostScoreLine.objects.update_or_create(
            score=score, item=item, defaults={"points": value, "reason": reason}
        )
    score.lines.exclude(item_id__in=list(given)).delete()
    score.points = sum((v for v, _r in given.values()), Decimal(0))
    score.most = sum(item.most for item in items)
    score.scored_by, score.scored_at = actor, now
    score.save(update_fields=["points", "most", "scored_by", "scored_at"])
    return score
