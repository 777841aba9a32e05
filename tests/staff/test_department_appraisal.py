"""The county's appraisal of its departments and outposts (部门考核评价, seed 004) on a month
built by hand, and the towns' own scores of their outposts (工作评价权) that feed it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Unit
from gridgov.errors import DomainError
from staff import actions
from staff.models import OutpostScore, OutpostScoreItem
from staff.queries.departments import unit_ranking
from tests.factories import called_case, make_case

NOVEMBER = dt.date(2026, 11, 1)


def at(day: int, hour: int, month: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, 0))


@pytest.fixture
def items(tree):
    return [
        OutpostScoreItem.objects.create(county=tree.county, name="服从统筹", most=60, position=1),
        OutpostScoreItem.objects.create(county=tree.county, name="工作成效", most=40, position=2),
    ]


def score(actor, outpost, items, points, reasons=None, month=NOVEMBER):
    return actions.outpost_score_save(
        actor=actor,
        outpost_id=outpost.pk,
        month=month,
        points={i.pk: str(p) for i, p in zip(items, points, strict=True)},
        reasons={i.pk: r for i, r in zip(items, reasons or [""] * len(items), strict=True)},
        now=at(30, 17),
    )


@pytest.fixture
def november(cast, tree, units, items):
    """县民政局: three calls in November (two answered on time and rated 4 and 2, one late) and
    one in October. 沙河营自然资源所: three cases dispatched to it in November (one signed
    within a day, one two days late, one returned), two of them due in November (one resolved
    on time); the town scores it 50 + 40. 县自然资源局 itself: only its outpost's town score."""
    for day, answer_after, rating in ((3, 1, 4), (9, 2, 2), (12, 24 * 10, None)):
        _case, call = called_case(cast, tree.grid_a, units.civil, units.hardship, now=at(day, 9))
        answered = at(day, 9) + dt.timedelta(hours=answer_after)
        case_actions.county_call_respond(
            actor=units.civil_staff, call_id=call.pk, response="已处理", now=answered
        )
        if rating:
            case_actions.county_call_rate(
                actor=cast.staff_town1, call_id=call.pk, rating=rating, now=answered
            )
    called_case(cast, tree.grid_a, units.civil, units.hardship, now=at(20, 9, month=10))
    outpost = units.land_outpost
    signed_in_time = {"reported": at(2, 8), "dispatched": at(2, 9), "handling": at(2, 10)}
    make_case(
        cast,
        tree.grid_a,
        "resolved",
        unit=outpost,
        handler=units.outpost_staff,
        now={**signed_in_time, "resolved": at(2, 12)},
    )  # due 11-03 09:00 (yellow, a day), resolved on time
    make_case(
        cast,
        tree.grid_a,
        "resolved",
        unit=outpost,
        handler=units.outpost_staff,
        now={
            "reported": at(5, 8),
            "dispatched": at(5, 9),
            "handling": at(7, 9),
            "resolved": at(7, 10),
        },
    )  # due 11-06 09:00, signed two days on, resolved late
    returned = make_case(
        cast,
        tree.grid_a,
        "dispatched",
        unit=outpost,
        handler=units.outpost_staff,
        now={"reported": at(10, 8), "dispatched": at(10, 9)},
    )
    case_actions.case_return(
        actor=units.outpost_staff, case_id=returned.pk, reason="不属本所", now=at(10, 11)
    )
    case_actions.case_dispatch(
        actor=cast.staff_town1, case_id=returned.pk, unit_id=units.platform.pk, now=at(10, 12)
    )
    score(cast.staff_town1, outpost, items, [50, 40], ["两次未按时到岗", ""])


def _rows(tree):
    return {r.unit.name: r for r in unit_ranking(tree.county, NOVEMBER)}


def test_the_calls_answered_on_time_and_the_callers_ratings(tree, november):
    civil = _rows(tree)["县民政局"]
    assert (civil.calls, civil.calls_on_time, civil.call_rate) == (3, 2, 0.6667)
    assert (civil.rated, civil.rating) == (2, 3.0)
    assert (civil.dispatched, civil.due) == (0, 0)


def test_the_dispatches_signed_on_time_returned_and_handled_on_time(tree, november):
    outpost = _rows(tree)["沙河营自然资源所"]
    assert (outpost.dispatched, outpost.signed_on_time, outpost.returned) == (3, 1, 1)
    assert (outpost.sign_rate, outpost.return_rate) == (0.3333, 0.3333)
    assert (outpost.due, outpost.resolved_on_time, outpost.handling_rate) == (2, 1, 0.5)
    assert outpost.calls == 0 and outpost.call_rate is None


def test_the_towns_score_stands_beside_the_measured_figures(tree, november):
    rows = _rows(tree)
    assert rows["沙河营自然资源所"].town_score == Decimal("90.00")
    assert rows["县自然资源局"].town_score == Decimal("90.00")  # its outposts' mean
    assert rows["县民政局"].town_score is None


def test_each_score_and_the_ranking_order(tree, november):
    ranking = unit_ranking(tree.county, NOVEMBER)
    # 县自然资源局: the towns' 90 alone; 县民政局: (2/3 + 3/5) ÷ 2 = 63.33 measured alone;
    # the outpost: (1/3 signed + 2/3 not returned + 1/2 on time) ÷ 3 = 50 × 70 % + 90 × 30 % = 62.
    assert [(r.rank, r.unit.name, r.score) for r in ranking] == [
        (1, "县自然资源局", Decimal("90.00")),
        (2, "县民政局", Decimal("63.33")),
        (3, "沙河营自然资源所", Decimal("62.00")),
    ]


def test_the_county_rule_changes_the_sign_window_and_the_towns_share(tree, units, november):
    from staff.models import DepartmentAppraisalRule

    DepartmentAppraisalRule.objects.create(county=tree.county, sign_within_hours=72, town_share=50)
    outpost = _rows(tree)["沙河营自然资源所"]
    assert outpost.signed_on_time == 2
    # (2/3 + 2/3 + 1/2) ÷ 3 = 61.11 × 50 % + 90 × 50 %
    assert outpost.score == Decimal("75.56")


# ---------------------------------------------------------------- the town's score sheet


def test_a_point_taken_off_needs_the_reason_and_points_stay_within_the_item(cast, units, items):
    with pytest.raises(DomainError):
        score(cast.staff_town1, units.land_outpost, items, [50, 40])
    with pytest.raises(DomainError):
        score(cast.staff_town1, units.land_outpost, items, [61, 40])
    with pytest.raises(DomainError):
        score(cast.staff_town1, units.land_outpost, items, ["abc", 40])
    assert not OutpostScore.objects.exists()
    done = score(cast.staff_town1, units.land_outpost, items, [60, 40])
    assert (done.points, done.most, done.percent) == (Decimal("100.00"), 100, Decimal("100.00"))
    again = score(cast.staff_town1, units.land_outpost, items, [30, 40], ["不配合", ""])
    assert again.pk == done.pk and again.percent == Decimal("70.00")


def test_an_outpost_is_scored_by_its_own_town_only(cast, tree, units, items, county_staff):
    with pytest.raises(Exception) as exc:
        score(cast.staff_town2, units.land_outpost, items, [60, 40])
    assert exc.type.__name__ == "Http404"
    with pytest.raises(DomainError):  # the county sees the towns' scores, it does not give them
        score(county_staff, units.land_outpost, items, [60, 40])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_town_sees_only_its_own_outposts_and_another_town_gets_404(cast, tree, units, items):
    Unit.objects.create(name="博望派出所", kind="outpost", node=tree.town2, parent=units.civil)
    page = _client(cast.staff_town1).get(f"/desk/outposts/{tree.town1.pk}/?month=2026-11")
    html = page.content.decode()
    assert page.status_code == 200 and "沙河营自然资源所" in html and "博望派出所" not in html
    assert f'name="points_{items[0].pk}"' in html
    assert _client(cast.staff_town2).get(f"/desk/outposts/{tree.town1.pk}/").status_code == 404
    assert _client(cast.worker_a).get("/desk/outposts/").status_code == 403
    # A village of the town shows the town's sheet.
    village = _client(cast.staff_town1).get(f"/desk/outposts/{tree.village1.pk}/")
    assert village.status_code == 200 and "沙河营自然资源所" in village.content.decode()


def test_the_town_scores_an_outpost_on_the_page(cast, tree, units, items):
    url = f"/desk/outposts/{tree.town1.pk}/?month=2026-11"
    post = {"outpost": units.land_outpost.pk, f"points_{items[0].pk}": "55",
            f"points_{items[1].pk}": "40", f"reason_{items[0].pk}": "迟到一次"}  # fmt: skip
    response = _client(cast.staff_town1).post(url, post)
    assert response.status_code == 302
    assert OutpostScore.objects.get().points == Decimal("95.00")
    refused = _client(cast.staff_town1).post(url, {**post, f"points_{items[0].pk}": "-1"})
    assert refused.status_code == 400
    assert _client(cast.staff_town1).post(url, {"outpost": "x"}).status_code == 400


def test_the_ranking_is_the_countys_page(cast, tree, units, november, county_staff):
    page = _client(county_staff).get("/desk/departments/?month=2026-11")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("县自然资源局") < html.index("县民政局") < html.index("沙河营自然资源所")
    assert "90.00" in html and "63.33" in html and "62.00" in html
    assert _client(cast.staff_town1).get("/desk/departments/").status_code == 403
    assert _client(cast.staff_town1).get(f"/desk/departments/{tree.county.pk}/").status_code == 404
    # A place below the county shows its county's ranking.
    below = _client(county_staff).get(f"/desk/departments/{tree.town1.pk}/")
    assert below.status_code == 200 and "沙河营自然资源所" in below.content.decode()


def test_the_ranking_costs_the_same_queries_however_many_units_and_cases(
    cast, tree, units, items, county_staff, django_assert_num_queries
):
    client = _client(county_staff)
    url = f"/desk/departments/{tree.county.pk}/?month=2026-11"
    called_case(cast, tree.grid_a, units.civil, units.hardship, now=at(3, 9))
    # session, user, grants, the node, breadcrumbs, the rule, units, calls, dispatches, cases
    # due, the towns' scores, notices bell
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    for i in range(4):
        extra = Unit.objects.create(name=f"县局{i}", kind="department", node=tree.county)
        outpost = Unit.objects.create(name=f"所{i}", kind="outpost", node=tree.town1, parent=extra)
        score(cast.staff_town1, outpost, items, [60, 40])
        make_case(cast, tree.grid_a, "dispatched", unit=outpost, now=at(4 + i, 9))
        called_case(cast, tree.grid_a, units.civil, units.hardship, now=at(5 + i, 9))
    with django_assert_num_queries(12):
        assert "县局3" in client.get(url).content.decode()
