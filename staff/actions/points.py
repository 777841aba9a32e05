"""积分: a village's month of points computed from the records by the county's rules, awards and
deductions by hand with a reason, opening a resident's card, and the month's publication
(杨营镇: 每月一考核一公布; 牟定县: 服务换积分). Every change of a balance is an entry of the
append-only ledger in the same transaction, with the account row locked: the balance is the
sum of the entries and never negative."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cleaning import parse_int
from gridgov.errors import DomainError
from grids.models import GridNode, Resident, Tier
from staff import access
from staff.models import (
    EntryKind,
    PointsAccount,
    PointsEntry,
    PointsMeasure,
    PointsMonth,
    PointsRole,
    PointsScheme,
    Role,
)
from staff.queries import measures
from staff.queries.measures import Month, month_of

# The posts whose holders earn points under each role's rules.
POST_ROLES = {
    PointsRole.GRID_CHIEF: Role.GRID_CHIEF,
    PointsRole.GRID_WORKER: Role.GRID_WORKER,
    PointsRole.PARTY_HOUSEHOLD: Role.PARTY_HOUSEHOLD,
    PointsRole.VOLUNTEER: Role.VOLUNTEER,
}
MOST_BY_HAND = 100_000  # points one award or deduction may move
REASON_CHARS = 300


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def scheme_in_force(tree_id: int, month: dt.date) -> PointsScheme | None:
    """The county's points rules for the month: the version that took effect last, on or
    before it."""
    return (
        PointsScheme.objects.filter(
            county__tree_id=tree_id, county__parent__isnull=True, valid_from__lte=month
        )
        .order_by("-valid_from")
        .prefetch_related("rules")
        .first()
    )


def village_of(node: GridNode) -> GridNode | None:
    """The village a node lies in (itself for a village); None above villages. One query."""
    if node.tier == Tier.VILLAGE:
        return node
    if node.tier not in (Tier.GRID, Tier.MICRO_GRID):
        return None
    return GridNode.objects.filter(GridNode.ancestors_q(node), tier=Tier.VILLAGE).first()


def _quantities(rule, village: GridNode, month: Month, people: list[int]) -> dict[int, int]:
    m = rule.measure
    if m == PointsMeasure.CONFIRMED_REPORT:
        return measures.confirmed_reports(village, month, people)
    if m == PointsMeasure.MEDIATION:
        return measures.mediations(village, month, people)
    if m == PointsMeasure.VISIT:
        return measures.visits(village, month, people, on_time=False)
    if m == PointsMeasure.PATROL_DAY:
        return measures.patrol_days(village, month, people)
    if m == PointsMeasure.VOLUNTEER_HOURS:
        return measures.volunteer_hours(village, month, people)
    if m == PointsMeasure.VOLUNTEER_ACTIVITY:
        return measures.volunteer_activities(village, month, people)
    if m == PointsMeasure.HELP_ORDER:
        return measures.help_orders(village, month, people)
    if m == PointsMeasure.CLOSED_ON_TIME:
        return {
            person: sum(by_difficulty.values())
            for person, by_difficulty in measures.closed_on_time(village, month, people).items()
        }
    return measures.appraisal_grades(village, month, people, measures.GRADE_OF[m])


def _earned(rule, quantity: int) -> int:
    amount = quantity * rule.points
    return min(amount, rule.monthly_cap) if rule.monthly_cap else amount


@transaction.atomic
def points_compute_month(
    *, village_id: int, month: dt.date, actor=None, now: dt.datetime | None = None
) -> PointsMonth:
    """Credit a village's people with the points the county's rules give for a finished month's
    records: each person's post in the village (grid chief, grid worker, party-member household,
    volunteer) and each resident of the ledger. Computing it again adds only what is missing (an
    entry per month, rule and person); a published month is not computed again."""
    now = _now(now)
    village = GridNode.objects.filter(pk=village_id, tier=Tier.VILLAGE).first()
    if village is None:
        raise Http404("No such village.")
    if actor is not None:
        access.require(actor, "points.award", village)
    month = month_of(month)
    if month >= month_of(timezone.localdate(now)):
        raise DomainError(_("A month's points are computed once it is over."), field="month")
    scheme = scheme_in_force(village.tree_id, month)
    if scheme is None:
        raise DomainError(_("The county has no points rules in force for this month."))
    try:
        with transaction.atomic():
            PointsMonth.objects.get_or_create(
                village=village, month=month, defaults={"scheme": scheme, "computed_at": now}
            )
    except IntegrityError:  # made at the same moment elsewhere: the lock below waits for it
        pass
    record = PointsMonth.objects.select_for_update().get(village=village, month=month)
    if record.published_at is not None:
        if actor is None:
            return record
        raise DomainError(_("This month's points are published: add an award instead."))
    record.scheme, record.computed_at = scheme, now
    record.save(update_fields=["scheme", "computed_at"])
    _credit(record, scheme, village, Month(month), now)
    return record


def _credit(record: PointsMonth, scheme, village: GridNode, month: Month, now) -> None:
    rules = list(scheme.rules.all())
    posts = measures.posts_in(
        village, month, {POST_ROLES[r.role] for r in rules if r.role in POST_ROLES}
    )
    # Each person earns at their village's shop; the account sits where their post is (the
    # lowest, for someone with several).
    where: dict[int, int] = {}
    holders: dict[str, list[int]] = {}
    for post in posts:
        where.setdefault(post.user_id, post.node_id)
        holders.setdefault(post.role, []).append(post.user_id)
    earned: list[tuple[str, int, object, int, int]] = []  # (holder kind, id, rule, qty, amount)
    residents: dict[int, int] = {}
    for rule in rules:
        if rule.role == PointsRole.RESIDENT:
            residents = residents or measures.residents_reports(village, month)
            counts = residents
            kind = "resident"
        else:
            people = sorted(set(holders.get(POST_ROLES[rule.role], [])))
            counts = _quantities(rule, village, month, people) if people else {}
            kind = "user"
        for holder, quantity in counts.items():
            if quantity > 0:
                earned.append((kind, holder, rule, quantity, _earned(rule, quantity)))
    if not earned:
        return
    accounts = _accounts(village, where, {h for k, h, *_r in earned if k == "resident"})
    done = set(PointsEntry.objects.filter(month=record).values_list("key", flat=True))
    entries = []
    for kind, holder, rule, quantity, amount in earned:
        account = accounts[(kind, holder)]
        key = f"earned:{record.pk}:{rule.pk}:{account.pk}"
        if key in done:
            continue
        entries.append(
            PointsEntry(
                account=account,
                amount=amount,
                kind=EntryKind.EARNED,
                rule=rule,
                month=record,
                quantity=quantity,
                key=key,
                created_at=now,
            )
        )
    if not entries:
        return
    totals: dict[int, int] = {}
    for entry in entries:
        totals[entry.account.pk] = totals.get(entry.account.pk, 0) + entry.amount
    # The rows are locked in one order (by id) so that two writers never wait on each other.
    list(PointsAccount.objects.select_for_update().filter(pk__in=list(totals)).order_by("pk"))
    PointsEntry.objects.bulk_create(entries)
    for account_id, amount in sorted(totals.items()):
        PointsAccount.objects.filter(pk=account_id).update(balance=F("balance") + amount)


def _accounts(village: GridNode, where: dict[int, int], residents: set[int]) -> dict:
    """The accounts of these people at the village's shop, opened where missing."""
    found = {}
    for account in PointsAccount.objects.filter(village=village, user_id__in=list(where)):
        found[("user", account.user_id)] = account
    for account in PointsAccount.objects.filter(village=village, resident_id__in=list(residents)):
        found[("resident", account.resident_id)] = account
    missing = [
        PointsAccount(village=village, node_id=node_id, user_id=user_id)
        for user_id, node_id in where.items()
        if ("user", user_id) not in found
    ]
    households = dict(
        Resident.objects.filter(pk__in=list(residents)).values_list("pk", "household__node_id")
    )
    missing += [
        PointsAccount(village=village, node_id=households[r], resident_id=r)
        for r in residents
        if ("resident", r) not in found
    ]
    if missing:
        PointsAccount.objects.bulk_create(missing)
        return _accounts(village, where, residents)  # read back: every one has its id now
    return found


def points_compute_due(*, now: dt.datetime | None = None) -> int:
    """On the 1st (beat): last month's points of every village of a county with points rules in
    force, where the month is not computed yet. Each village in its own transaction."""
    from django.db.models import Exists, OuterRef

    now = _now(now)
    month = measures.previous_month(month_of(timezone.localdate(now)))
    counties = set(
        PointsScheme.objects.filter(valid_from__lte=month).values_list("county__tree_id", flat=True)
    )
    if not counties:
        return 0
    done = PointsMonth.objects.filter(village=OuterRef("pk"), month=month)
    villages = (
        GridNode.objects.filter(tier=Tier.VILLAGE, tree_id__in=list(counties))
        .exclude(Exists(done))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made = 0
    for village_id in villages:
        points_compute_month(village_id=village_id, month=month, now=now)
        made += 1
    return made


# ---------------------------------------------------------------- by hand


def _locked_account(account_id: int) -> PointsAccount:
    account = PointsAccount.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise Http404("No such account.")
    return account


def _reason(value: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DomainError(_("Please give the reason."), field="reason")
    return text[:REASON_CHARS]


@transaction.atomic
def points_award(
    *, actor, account_id: int, amount, reason: str, now: dt.datetime | None = None
) -> PointsEntry:
    """Award points by hand with the reason (a deduction is a negative amount, never below
    nothing left): one new entry, the balance with it."""
    now = _now(now)
    account = _locked_account(account_id)
    if actor is not None:  # None: the system's own writes (the demo, an import)
        access.require(actor, "points.award", account)
        # A grid chief both earns points and awards them: their own card is someone else's to mark.
        if account.user_id == actor.pk:
            raise DomainError(
                _("Points on your own card are awarded by someone else."), field="amount"
            )
    number = parse_int(amount, minimum=-MOST_BY_HAND, maximum=MOST_BY_HAND)
    if not number:
        raise DomainError(
            _("Give the points as a whole number, such as 5 (or -5 to deduct)."), field="amount"
        )
    reason = _reason(reason)
    if account.balance + number < 0:
        raise DomainError(
            _("Only %(n)d points are left to deduct.") % {"n": account.balance}, field="amount"
        )
    entry = PointsEntry.objects.create(
        account=account,
        amount=number,
        kind=EntryKind.AWARD if number > 0 else EntryKind.DEDUCTION,
        reason=reason,
        by=actor,
        created_at=now,
    )
    account.balance += number
    account.save(update_fields=["balance"])
    return entry


@transaction.atomic
def points_account_open(
    *,
    actor,
    resident_id: int | None = None,
    user_id: int | None = None,
    village_id: int | None = None,
) -> PointsAccount:
    """A points card at the village's shop: for a resident of the ledger (their household's
    village), or for a person holding a post in `village_id`. Opening one that exists returns it."""
    if resident_id is not None:
        resident = Resident.objects.select_related("household__node").filter(pk=resident_id).first()
        if resident is None:
            raise Http404("No such resident.")
        if actor is not None:
            access.require(actor, "points.award", resident)
        node = resident.household.node
        village = village_of(node)
        existing = PointsAccount.objects.filter(village=village, resident=resident).first()
        holder = {"resident": resident}
    else:
        village = GridNode.objects.filter(pk=village_id or 0, tier=Tier.VILLAGE).first()
        if village is None:
            raise Http404("No such village.")
        if actor is not None:
            access.require(actor, "points.award", village)
        today = Month(month_of(timezone.localdate()))
        posts = [
            p
            for p in measures.posts_in(village, today, POST_ROLES.values())
            if p.user_id == user_id
        ]
        if not posts:
            raise DomainError(_("This person holds no post in the village."), field="person")
        node = GridNode.objects.get(pk=posts[0].node_id)
        existing = PointsAccount.objects.filter(village=village, user_id=user_id).first()
        holder = {"user_id": user_id}
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PointsAccount.objects.create(village=village, node=node, **holder)
    except IntegrityError:  # opened at the same moment by someone else
        return PointsAccount.objects.get(village=village, **holder)


@transaction.atomic
def points_publish_month(*, actor, month_id: int, now: dt.datetime | None = None) -> PointsMonth:
    """公布: the village publishes the month's points (the list on the desk, for the board)."""
    now = _now(now)
    record = PointsMonth.objects.select_for_update().filter(pk=month_id).first()
    if record is None:
        raise Http404("No such month.")
    access.require(actor, "points.award", record)
    if record.published_at is not None:
        raise DomainError(_("This month's points are already published."))
    record.published_at, record.published_by = now, actor
    record.save(update_fields=["published_at", "published_by"])
    return record
