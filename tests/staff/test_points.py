"""Points computed from a village's October records for each role (grid worker, grid chief,
party-member household, volunteer by the hours served, resident of the ledger), caps, a second run adding
nothing, the month's publication, awards and deductions with reasons, and the append-only
ledger whose sum is the balance and which never goes below nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404

from cases.models import Mediation
from gridgov.errors import DomainError
from grids.models import Household, Resident
from staff import actions
from staff.models import (
    AppendOnly,
    PointsAccount,
    PointsEntry,
    PointsMonth,
    PointsRule,
    PointsScheme,
    Visit,
)
from tests.factories import T0, UserFactory, make_case
from tests.staff.test_appraisal import OCT, at, make_rule, since_january

RULES = [
    # role, measure, points each, monthly cap
    ("grid_worker", "visit", 2, 10),
    ("grid_worker", "patrol_day", 1, None),
    ("grid_worker", "appraisal_excellent", 20, None),
    ("grid_worker", "appraisal_competent", 10, None),
    ("grid_chief", "mediation", 5, None),
    ("grid_chief", "confirmed_report", 2, None),
    ("party_household", "confirmed_report", 3, 6),
    ("resident", "confirmed_report", 5, None),
]


def make_scheme(county, valid_from=dt.date(2026, 1, 1), rules=RULES) -> PointsScheme:
    scheme = PointsScheme.objects.create(county=county, valid_from=valid_from, name="积分评定办法")
    for role, measure, points, cap in rules:
        PointsRule.objects.create(
            scheme=scheme, role=role, measure=measure, points=points, monthly_cap=cap
        )
    return scheme


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    from staff.models import Assignment

    Assignment.objects.update(starts=dt.date(2026, 1, 1))


@pytest.fixture
def people(cast, tree):
    party = UserFactory(username="party_a", first_name="党员户张")
    since_january(party, tree.grid_a, "party_household")
    volunteer = UserFactory(username="volunteer_a", first_name="志愿者刘")
    since_january(volunteer, tree.grid_a, "volunteer")
    household = Household.objects.create(node=tree.grid_a, address="一组5号", head_name="李大妈")
    resident = Resident.objects.create(household=household, name="李大妈", phone="13911112222")
    neighbour = Resident.objects.create(household=household, name="李大爷", phone="")
    return party, volunteer, resident, neighbour


def resident_report(cast, tree, phone, status, when):
    return make_case(
        cast,
        tree.grid_a,
        status,
        reporter=None,
        source="resident",
        reporter_name="李大妈",
        reporter_phone=phone,
        now=when,
    )


def build_points_october(cast, tree, people):
    party, _volunteer, resident, _neighbour = people
    # 王刚: seven visits (capped at 10 points), three patrol days, an "excellent" September
    # appraisal published on 10 October.
    household = Household.objects.create(node=tree.grid_a, address="一组9号", head_name="周大爷")
    for day in range(1, 8):
        Visit.objects.create(
            household=household, user=cast.worker_a, date=dt.date(2026, 10, day), how="home"
        )
    from staff.models import Patrol

    for day in (3, 4, 5):
        Patrol.objects.create(
            user=cast.worker_a,
            node=tree.grid_a,
            date=dt.date(2026, 10, day),
            started_at=at(day, 8),
            finished_at=at(day, 9),
        )
    make_rule(tree.county, items=[("出勤", "manual", "1", "100", "0", "95")])
    september = actions.appraisal_compute(
        village_id=tree.village1.pk, month=dt.date(2026, 9, 1), actor=cast.staff_town1, now=at(2)
    )
    actions.appraisal_sign(actor=cast.staff_town1, sheet_id=september.pk, now=at(10))
    actions.appraisal_publish(actor=cast.staff_town1, sheet_id=september.pk, now=at(10))
    # 梁书记 (grid chief): two settled mediations and one not; one report accepted, one not yet.
    case = make_case(cast, tree.grid_a, "accepted", now=at(2))
    for outcome in ("success", "success", "failure"):
        Mediation.objects.create(
            case=case,
            level=tree.village1,
            mediator=cast.village_chief,
            outcome=outcome,
            created_at=at(12),
        )
    make_case(cast, tree.grid_a, "accepted", reporter="village_chief", now=at(13))
    make_case(cast, tree.grid_a, "reported", reporter="village_chief", now=at(14))
    # The party-member household: three reports accepted (capped at 6 points).
    for day in (5, 6, 7):
        make_case(cast, tree.grid_a, "accepted", reporter=party, now=at(day))
    # 李大妈 reported twice from the residents' door with her phone and once in September; a
    # caller with another phone earns nothing for her.
    resident_report(cast, tree, resident.phone, "accepted", at(15))
    resident_report(cast, tree, resident.phone, "closed", at(20))
    resident_report(cast, tree, resident.phone, "accepted", at(28, 10, month=9))
    resident_report(cast, tree, "13000000000", "accepted", at(21))


@pytest.fixture
def october_points(cast, tree, people):
    make_scheme(tree.county)
    build_points_october(cast, tree, people)
    return actions.points_compute_month(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )


def earned(account) -> dict[str, tuple[int, int]]:
    return {
        e.rule.measure: (e.quantity, e.amount)
        for e in account.entries.select_related("rule").filter(kind="earned")
    }


def test_each_role_earns_by_its_rules_from_the_months_records(october_points, cast, people):
    party, volunteer, resident, neighbour = people
    accounts = {a.user or a.resident: a for a in PointsAccount.objects.all()}
    assert earned(accounts[cast.worker_a]) == {
        "visit": (7, 10),  # 7 × 2, capped at 10
        "patrol_day": (3, 3),
        "appraisal_excellent": (1, 20),
    }
    assert earned(accounts[cast.village_chief]) == {
        "mediation": (2, 10),
        "confirmed_report": (1, 2),
    }
    assert earned(accounts[party]) == {"confirmed_report": (3, 6)}  # 9, capped at 6
    assert earned(accounts[resident]) == {"confirmed_report": (2, 10)}
    assert earned(accounts[cast.worker_b]) == {"appraisal_excellent": (1, 20)}
    # Nothing counted for them: no account is opened, no entry written.
    assert volunteer not in accounts and neighbour not in accounts
    assert {a: x.balance for a, x in accounts.items()} == {
        cast.worker_a: 33,
        cast.worker_b: 20,
        cast.village_chief: 12,
        party: 6,
        resident: 10,
    }


def test_accounts_sit_where_each_person_is_and_belong_to_the_village(october_points, cast, tree):
    account = PointsAccount.objects.get(user=cast.worker_a)
    assert (account.village, account.node) == (tree.village1, tree.grid_a)
    chief = PointsAccount.objects.get(user=cast.village_chief)
    assert chief.node == tree.village1
    resident = PointsAccount.objects.get(resident__isnull=False)
    assert resident.node == tree.grid_a and len(resident.code) == 12


def test_computing_the_month_again_adds_nothing_and_a_published_month_is_closed(
    october_points, cast, tree
):
    before = list(PointsEntry.objects.values_list("pk", flat=True))
    again = actions.points_compute_month(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    assert again == october_points
    assert list(PointsEntry.objects.values_list("pk", flat=True)) == before
    published = actions.points_publish_month(
        actor=cast.village_chief, month_id=october_points.pk, now=T0
    )
    assert published.published_by == cast.village_chief
    with pytest.raises(DomainError):
        actions.points_publish_month(actor=cast.village_chief, month_id=october_points.pk, now=T0)
    with pytest.raises(DomainError):
        actions.points_compute_month(
            village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
        )
    # beat passes a published month by
    assert actions.points_compute_month(village_id=tree.village1.pk, month=OCT, now=T0)
    assert PointsEntry.objects.count() == len(before)


def test_every_balance_is_the_sum_of_its_entries(october_points, cast):
    account = PointsAccount.objects.get(user=cast.worker_a)
    actions.points_award(actor=cast.village_chief, account_id=account.pk, amount=5, reason="抗洪")
    actions.points_award(
        actor=cast.village_chief, account_id=account.pk, amount="-8", reason="误记"
    )
    for a in PointsAccount.objects.all():
        assert a.balance == a.entries.aggregate(s=Sum("amount"))["s"]
    account.refresh_from_db()
    assert account.balance == 30
    kinds = list(account.entries.values_list("kind", "amount", "reason").order_by("pk"))[-2:]
    assert kinds == [("award", 5, "抗洪"), ("deduction", -8, "误记")]


def test_a_deduction_never_takes_a_balance_below_nothing(october_points, cast):
    account = PointsAccount.objects.get(user=cast.village_chief)
    with pytest.raises(DomainError):
        actions.points_award(actor=cast.staff_town1, account_id=account.pk, amount=-13, reason="x")
    actions.points_award(actor=cast.staff_town1, account_id=account.pk, amount=-12, reason="更正")
    account.refresh_from_db()
    assert account.balance == 0


@pytest.mark.parametrize("amount", ["0", "", "2.5", "abc", "NaN", "1e3", "100001", "-100001"])
def test_an_award_is_a_whole_number_of_points_with_a_reason(october_points, cast, amount):
    account = PointsAccount.objects.get(user=cast.worker_a)
    with pytest.raises(DomainError):
        actions.points_award(
            actor=cast.village_chief, account_id=account.pk, amount=amount, reason="x"
        )
    with pytest.raises(DomainError):
        actions.points_award(actor=cast.village_chief, account_id=account.pk, amount=3, reason=" ")
    assert not account.entries.exclude(kind="earned").exists()


def test_a_volunteer_is_awarded_by_hand_on_a_card_opened_for_their_post(cast, tree, people):
    _party, volunteer, _resident, _neighbour = people
    account = actions.points_account_open(
        actor=cast.village_chief, user_id=volunteer.pk, village_id=tree.village1.pk
    )
    assert (account.village, account.node) == (tree.village1, tree.grid_a)
    actions.points_award(
        actor=cast.village_chief, account_id=account.pk, amount=4, reason="照料探访 2 小时"
    )
    account.refresh_from_db()
    assert account.balance == 4
    with pytest.raises(DomainError):  # someone without a post in the village
        actions.points_account_open(
            actor=cast.village_chief, user_id=cast.staff_town2.pk, village_id=tree.village1.pk
        )


def test_a_residents_card_is_opened_once_in_their_households_village(cast, tree, people):
    _party, _volunteer, resident, _neighbour = people
    card = actions.points_account_open(actor=cast.village_chief, resident_id=resident.pk)
    again = actions.points_account_open(actor=cast.staff_town1, resident_id=resident.pk)
    assert card == again and (card.village, card.node) == (tree.village1, tree.grid_a)
    with pytest.raises(Http404):  # another town's staff do not see her
        actions.points_account_open(actor=cast.staff_town2, resident_id=resident.pk)
    with pytest.raises(PermissionDenied):  # her grid's worker sees her, but keeps no cards
        actions.points_account_open(actor=cast.worker_a, resident_id=resident.pk)


def test_the_ledger_is_append_only(october_points):
    entry = PointsEntry.objects.first()
    entry.amount = 999
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    entry.refresh_from_db()
    assert entry.amount != 999


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_or_remove_a_ledger_entry(october_points):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.update(amount=999)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.all()._raw_delete(PointsEntry.objects.db)
    assert not PointsEntry.objects.filter(amount=999).exists()


def test_a_month_without_rules_or_not_over_is_not_computed_and_beat_runs_each_village_once(
    cast, tree, people
):
    with pytest.raises(DomainError):
        actions.points_compute_month(
            village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
        )
    make_scheme(tree.county)
    with pytest.raises(DomainError):
        actions.points_compute_month(
            village_id=tree.village1.pk,
            month=dt.date(2026, 11, 1),
            actor=cast.staff_town1,
            now=T0,
        )
    first = at(1, 5, month=11)
    assert actions.points_compute_due(now=first) == 2  # both villages of the county
    assert set(PointsMonth.objects.values_list("village__name", flat=True)) == {
        "梁家庵村",
        "西原公村",
    }
    assert actions.points_compute_due(now=first) == 0


def test_a_grid_worker_neither_computes_nor_awards_and_another_town_sees_nothing(
    october_points, cast, tree
):
    account = PointsAccount.objects.get(user=cast.worker_a)
    with pytest.raises(PermissionDenied):
        actions.points_award(actor=cast.worker_a, account_id=account.pk, amount=5, reason="x")
    with pytest.raises(Http404):
        actions.points_award(actor=cast.staff_town2, account_id=account.pk, amount=5, reason="x")
    with pytest.raises(Http404):
        actions.points_compute_month(
            village_id=tree.village1.pk, month=OCT, actor=cast.worker_a, now=T0
        )
    assert Decimal(account.balance) == Decimal(33)


def test_a_volunteer_earns_by_the_hours_activities_and_help_orders_of_the_month(cast, tree, people):
    from services.models import Activity, ActivitySignup, HelpOrder, Volunteer, VolunteerTeam

    _party, volunteer, _resident, _neighbour = people
    make_scheme(
        tree.county,
        rules=[
            ("volunteer", "volunteer_hours", 2, 30),
            ("volunteer", "volunteer_activity", 5, None),
            ("volunteer", "help_order", 3, None),
        ],
    )
    team = VolunteerTeam.objects.create(name="梁家庵村关爱队", kind="elderly", node=tree.village1)
    member = Volunteer.objects.create(user=volunteer, team=team, joined=dt.date(2026, 1, 1))
    for day, hours, checked in ((5, "2.5", True), (12, "3.0", True), (19, None, False)):
        activity = Activity.objects.create(
            team=team, title=f"探访{day}", place="村委会", starts=at(day, 9), ends=at(day, 12)
        )
        ActivitySignup.objects.create(
            activity=activity,
            volunteer=member,
            signed_at=at(1),
            checked_in_at=at(day, 9) if checked else None,
            hours=Decimal(hours) if hours else None,
        )
    september = Activity.objects.create(
        team=team, title="九月", place="村委会", starts=at(20, 9, month=9), ends=at(20, 11, month=9)
    )
    ActivitySignup.objects.create(
        activity=september, volunteer=member, signed_at=at(1, 9, month=9),
        checked_in_at=at(20, 9, month=9), hours=Decimal(2),
    )  # fmt: skip
    for status, done, hours in (("done", at(22), "1.5"), ("confirmed", at(25), "2"),
                                ("taken", None, None)):  # fmt: skip
        HelpOrder.objects.create(
            kind="care_visit",
            node=tree.grid_a,
            resident_name="李大妈",
            status=status,
            team=team,
            volunteer=member,
            hours=Decimal(hours) if hours else None,
            placed_at=at(21),
            dispatch_by=at(22),
            done_at=done,
        )
    actions.points_compute_month(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    account = PointsAccount.objects.get(user=volunteer)
    # 2.5 + 3 + 1.5 + 2 = 9 hours × 2; two activities attended × 5; two orders done × 3
    assert earned(account) == {
        "volunteer_hours": (9, 18),
        "volunteer_activity": (2, 10),
        "help_order": (2, 6),
    }
    assert account.balance == 34 and account.node == tree.grid_a


def test_a_grid_chief_does_not_award_points_to_their_own_card(cast, tree):
    chief = cast.village_chief
    card = actions.points_account_open(actor=chief, user_id=chief.pk, village_id=tree.village1.pk)
    with pytest.raises(DomainError):
        actions.points_award(actor=chief, account_id=card.pk, amount="500", reason="自己奖励")
    card.refresh_from_db()
    assert card.balance == 0 and not card.entries.exists()
    actions.points_award(actor=cast.staff_town1, account_id=card.pk, amount="5", reason="调解有功")
    card.refresh_from_db()
    assert card.balance == 5
