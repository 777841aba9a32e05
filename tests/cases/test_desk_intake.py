"""The intake queue on the desk: new reports in my scope, oldest first; accept with a color,
reject, merge into a likely duplicate, dispatch with the responsibility owner suggested first."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from cases import actions, policy
from cases.desk import intake as intake_page
from cases.models import Case
from cases.queries import intake
from gridgov.errors import DomainError
from staff import access
from tests.conftest import page_text
from tests.factories import T0, make_case, make_node

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
QUEUE = "/desk/intake/"


def page(pk: int) -> str:
    return f"/desk/intake/{pk}/"


@pytest.fixture
def frozen(monkeypatch):
    """The intake page's clock stands at T0 (the deadlines it shows are computed from it)."""
    monkeypatch.setattr(intake_page, "timezone", SimpleNamespace(now=lambda: T0))


@pytest.fixture
def desk(client, cast):
    client.force_login(cast.staff_town1)
    return client


# ---------------------------------------------------------------- the queue


def test_queue_shows_exactly_the_towns_new_reports_oldest_first(desk, cast, tree, report):
    late = report(title="晚到的报告", now=T0 + 2 * H)
    early = report(title="最早的报告", now=T0 - 3 * H, node=tree.grid_b, actor="worker_b")
    middle = report(title="居中的报告", now=T0)
    make_case(
        cast,
        tree.grid_a,
        "accepted",
        title="已受理的报告",
        now={"reported": T0 - 5 * H, "accepted": T0},
    )
    report(title="博望的报告", node=tree.grid_c, actor="staff_town2")

    response = desk.get(QUEUE)

    assert response.status_code == 200
    text = page_text(response)
    titles = re.findall(r"(\S+的报告)", text)
    assert titles == ["最早的报告", "居中的报告", "晚到的报告"]
    assert [c.pk for c, _t, _l in response.context["rows"]] == [early.pk, middle.pk, late.pk]
    assert f'href="/desk/cases/{early.pk}/"' in response.content.decode()


def test_each_row_shows_where_from_the_town_down_and_the_first_line(desk, units, report, tree):
    report(
        title="耕地上有人建房",
        description="一组村民在耕地上打地基。\n已拍照留存。",
        category_id=units.land.pk,
        source="informant",
        actor="informant_a",
    )
    text = page_text(desk.get(QUEUE))
    assert "沙河营镇 › 梁家庵村 › 梁家庵村第一网格" in text
    assert "城固县" not in text  # the trail starts at the town
    assert "一组村民在耕地上打地基。" in text and "已拍照留存" not in text
    assert "土地纠纷" in text and "赵信" in text


def test_county_staff_see_every_towns_reports_with_the_town(client, county_staff, report, tree):
    report(title="沙河营的报告")
    report(title="博望的报告", node=tree.grid_c, actor="staff_town2")
    client.force_login(county_staff)
    text = page_text(client.get(QUEUE))
    assert "沙河营的报告" in text and "博望的报告" in text
    assert "博望街道 › 西原公村" in text


def test_staff_of_town_2_see_nothing_of_town_1(client, cast, report):
    case = report(title="沙河营的报告")
    client.force_login(cast.staff_town2)
    assert "沙河营的报告" not in page_text(client.get(QUEUE))
    assert client.get(page(case.pk)).status_code == 404
    response = client.post(page(case.pk), {"do": "reject", "reject-reason": "不是真的"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "reported"


@pytest.mark.parametrize("who", ["village_chief", "worker_a"])
def test_roles_without_the_right_to_accept_are_refused(client, cast, report, who):
    case = report()
    client.force_login(getattr(cast, who))
    assert client.get(QUEUE).status_code == 403
    assert client.get(page(case.pk)).status_code == 403
    response = client.post(page(case.pk), {"do": "accept", "accept-color": "yellow"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "reported"


def test_queue_pages_fifty_at_a_time(desk, report):
    for i in range(51):
        report(title=f"报告{i}", now=T0 + i * dt.timedelta(minutes=1))
    first = desk.get(QUEUE)
    assert len(first.context["rows"]) == 50
    second = page_text(desk.get(QUEUE + "?page=2"))
    assert "报告50" in second and "报告49" not in second


def _reports(report, tree, n: int) -> None:
    grids = [tree.grid_a, tree.grid_b, tree.micro_a1]
    for i in range(n):
        report(
            title=f"报告{i}",
            node=grids[i % 3],
            actor="staff_town1",
            now=T0 + i * dt.timedelta(minutes=1),
        )


def test_queue_query_count_is_pinned_and_does_not_grow(
    desk, cast, report, tree, django_assert_num_queries
):
    _reports(report, tree, 3)
    desk.get(QUEUE)  # warm the session
    # session, user, grants, bell, count, the page of cases, the trails (one query)
    with django_assert_num_queries(7):
        assert len(desk.get(QUEUE).context["rows"]) == 3
    more = [
        make_node(tree.village1, "grid", code=f"{tree.village1.code}{100 + i}") for i in range(20)
    ]
    access.forget_grants(cast.staff_town1)  # the tree's lft/rght moved
    for i, grid in enumerate(more):
        report(title=f"新格报告{i}", node=grid, actor="staff_town1")
    _reports(report, tree, 7)
    with django_assert_num_queries(7):
        assert len(desk.get(QUEUE).context["rows"]) == 30


# ---------------------------------------------------------------- accept


def test_accept_page_shows_the_deadline_each_color_would_set_now(desk, report, frozen):
    case = report(title="排水沟堵塞")
    text = page_text(desk.get(page(case.pk)))
    for color in ("yellow", "orange", "red"):
        when = policy.clear_by(color, T0)
        assert f"{when.astimezone(dt.timezone(dt.timedelta(hours=8))):%m-%d %H:%M}" in text


def test_accepting_sets_the_color_and_stays_to_dispatch(desk, report):
    case = report()
    response = desk.post(page(case.pk), {"do": "accept", "accept-color": "red"})
    assert response.status_code == 302 and response.url == page(case.pk)
    case.refresh_from_db()
    assert (case.status, case.color) == ("accepted", "red")
    assert case.clear_by is not None
    assert "accept-color" not in desk.get(page(case.pk)).content.decode()  # now: dispatch only


def test_accept_and_dispatch_in_one_submit(desk, cast, report):
    case = report()
    response = desk.post(
        page(case.pk),
        {
            "do": "accept",
            "accept-color": "yellow",
            "accept-dispatch_to": f"handler:{cast.worker_a.pk}",
        },
    )
    assert response.status_code == 302 and response.url == QUEUE
    case.refresh_from_db()
    assert (case.status, case.color, case.handler_id) == ("dispatched", "yellow", cast.worker_a.pk)


def test_a_refused_dispatch_undoes_the_accept_and_shows_a_form_error(
    desk, cast, report, monkeypatch
):
    case = report()

    def refuse(**kwargs):
        raise DomainError("派不出去")

    from cases.actions import intake as intake_actions

    # case_accept dispatches in its own transaction: a refusal there must undo the accept.
    monkeypatch.setattr(intake_actions, "case_dispatch", refuse)
    response = desk.post(
        page(case.pk),
        {
            "do": "accept",
            "accept-color": "yellow",
            "accept-dispatch_to": f"handler:{cast.worker_a.pk}",
        },
    )
    assert response.status_code == 200
    assert "派不出去" in page_text(response)
    case.refresh_from_db()
    assert (case.status, case.color) == ("reported", "")


def test_dispatching_an_accepted_case_down_to_its_village(desk, cast, tree):
    case = make_case(cast, tree.grid_a, "accepted", color="orange", owner=tree.town1, now=T0)
    response = desk.post(
        page(case.pk), {"do": "dispatch", "dispatch-dispatch_to": f"village:{tree.village1.pk}"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.owner_node_id) == ("dispatched", tree.village1.pk)


def test_accept_and_dispatch_to_the_village_puts_the_case_on_the_towns_list_first(
    desk, tree, report
):
    case = report()
    response = desk.post(
        page(case.pk),
        {
            "do": "accept",
            "accept-color": "orange",
            "accept-dispatch_to": f"village:{tree.village1.pk}",
        },
    )
    assert response.status_code == 302, page_text(response)
    case.refresh_from_db()
    assert (case.status, case.owner_node_id) == ("dispatched", tree.village1.pk)
    assert list(case.events.values_list("action", "to_owner")) == [
        ("report", tree.grid_a.pk),
        ("accept", tree.town1.pk),
        ("dispatch", tree.village1.pk),
    ]


def test_a_case_past_intake_goes_to_the_case_page(desk, cast, report):
    case = report()
    actions.case_reject(actor=cast.staff_town1, case_id=case.pk, reason="重复", now=T0)
    response = desk.get(page(case.pk))
    assert response.status_code == 302 and response.url == f"/desk/cases/{case.pk}/"


# ---------------------------------------------------------------- reject


def test_reject_needs_a_reason(desk, report):
    case = report()
    response = desk.post(page(case.pk), {"do": "reject", "reject-reason": "  "})
    assert response.status_code == 200
    assert response.context["forms"]["reject"].errors
    case.refresh_from_db()
    assert case.status == "reported"

    response = desk.post(page(case.pk), {"do": "reject", "reject-reason": "不属于网格事项"})
    assert response.status_code == 302 and response.url == QUEUE
    case.refresh_from_db()
    assert (case.status, case.result) == ("rejected", "不属于网格事项")


# ---------------------------------------------------------------- duplicates and merge


@pytest.fixture
def lamp_reports(cast, tree, report):
    first = report(title="村道路灯损坏不亮", now=T0 - 2 * D)
    return SimpleNamespace(
        first=first,
        sibling=report(title="村道路灯坏了，晚上不亮", node=tree.grid_b, actor="worker_b", now=T0),
        unrelated=report(title="邻居因排水沟起争执", now=T0 - D),
        too_old=report(title="村道路灯损坏不亮", now=T0 - 9 * D),
        elsewhere=report(title="村道路灯损坏不亮", node=tree.grid_c, actor="staff_town2"),
        rejected=actions.case_reject(
            actor=cast.staff_town1,
            case_id=report(title="路灯损坏不亮", now=T0 - D).pk,
            reason="重复",
            now=T0,
        ),
    )


def test_similar_titles_score_higher_than_unrelated_ones():
    assert intake.similarity("村道路灯损坏不亮", "村道路灯损坏不亮") == 1
    assert intake.similarity("村道路灯损坏不亮", "村道路灯坏了，晚上不亮") > 0.3
    assert intake.similarity("村道路灯损坏不亮", "邻居因排水沟起争执") == 0


def test_likely_duplicates_are_recent_reports_of_the_village_with_similar_titles(
    cast, lamp_reports
):
    case = Case.objects.select_related("node").get(pk=lamp_reports.sibling.pk)
    trail = intake.trails_from_town([case])[case.pk]
    found = intake.likely_duplicates(cast.staff_town1, case, trail)
    assert [d.case.pk for d in found] == [lamp_reports.first.pk]


def test_duplicates_are_found_in_one_query(cast, lamp_reports, django_assert_num_queries):
    case = Case.objects.select_related("node").get(pk=lamp_reports.sibling.pk)
    trail = intake.trails_from_town([case])[case.pk]
    with django_assert_num_queries(1):
        intake.likely_duplicates(cast.staff_town1, case, trail)


def test_merge_into_a_suggested_duplicate(desk, lamp_reports):
    case = lamp_reports.sibling
    response = desk.get(page(case.pk))
    assert lamp_reports.first.number in page_text(response)
    assert lamp_reports.elsewhere.number not in page_text(response)

    response = desk.post(page(case.pk), {"do": "merge", "merge-into": lamp_reports.first.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.merged_into_id) == ("merged", lamp_reports.first.pk)


def test_merge_by_number_outside_my_area_is_a_form_error(desk, lamp_reports):
    case = lamp_reports.sibling
    response = desk.post(
        page(case.pk), {"do": "merge", "merge-number": lamp_reports.elsewhere.number}
    )
    assert response.status_code == 200
    assert "No case with that number in your area." in page_text(response) or (
        "没有" in page_text(response)
    )
    case.refresh_from_db()
    assert case.status == "reported"


def test_merging_into_a_rejected_case_is_refused_as_a_form_error(desk, lamp_reports):
    case = lamp_reports.sibling
    response = desk.post(
        page(case.pk), {"do": "merge", "merge-number": lamp_reports.rejected.number}
    )
    assert response.status_code == 200
    assert response.context["forms"]["merge"].non_field_errors()
    case.refresh_from_db()
    assert case.status == "reported"


def test_merge_without_a_choice_is_a_form_error(desk, lamp_reports):
    response = desk.post(page(lamp_reports.sibling.pk), {"do": "merge"})
    assert response.status_code == 200
    assert response.context["forms"]["merge"].non_field_errors()


# ---------------------------------------------------------------- dispatch targets


def _targets(case):
    case = Case.objects.select_related("node", "category__responsibility").get(pk=case.pk)
    return intake.dispatch_targets(case, intake.trails_from_town([case])[case.pk])


def test_the_owning_departments_outpost_in_the_town_is_suggested_first(units, report):
    first, *rest = _targets(report(category_id=units.land.pk))
    assert (first.value, first.suggested) == (f"unit:{units.land_outpost.pk}", True)
    assert not any(t.suggested for t in rest)
    assert f"unit:{units.land_outpost.pk}" not in [t.value for t in rest]


def test_without_an_outpost_the_department_itself_is_suggested(units, report):
    first = _targets(report(category_id=units.hardship.pk))[0]
    assert (first.value, first.suggested) == (f"unit:{units.civil.pk}", True)


def test_in_another_county_its_own_department_of_that_name_is_suggested(cast, units):
    from cases import actions
    from cases.models import Unit
    from tests.factories import UserFactory, grant, make_node

    county = make_node(None, "county", "牟定县", code="532323")
    town = make_node(county, "town", "共和镇", code="532323101")
    grid = make_node(make_node(town, "village", "天台村", code="532323101201"), "grid", "一网格")
    natural = Unit.objects.create(name="县自然资源局", kind="department", node=county)
    outpost = Unit.objects.create(name="共和自然资源所", kind="outpost", node=town, parent=natural)
    worker = UserFactory(username="far_worker")
    grant(worker, grid, "grid_worker")
    case = actions.case_report(
        actor=worker,
        node_id=grid.pk,
        title="占用耕地",
        description="有人占用耕地建房。",
        category_id=units.land.pk,
        source="patrol",
    )
    targets = _targets(case)
    assert (targets[0].value, targets[0].suggested) == (f"unit:{outpost.pk}", True)
    assert f"unit:{units.land_outpost.pk}" not in [t.value for t in targets]


def test_the_towns_platform_is_suggested_for_the_towns_own_duties(units, report):
    first = _targets(report(category_id=units.neighbours.pk))[0]
    assert (first.value, first.suggested) == (f"unit:{units.platform.pk}", True)


def test_targets_offer_the_grid_worker_the_village_platforms_and_outposts(
    cast, tree, units, report
):
    values = [t.value for t in _targets(report())]
    assert f"handler:{cast.worker_a.pk}" in values
    assert f"handler:{cast.worker_b.pk}" not in values  # grid B does not cover grid A
    assert f"village:{tree.village1.pk}" in values
    assert f"unit:{units.platform.pk}" in values and f"unit:{units.land_outpost.pk}" in values


def test_the_page_offers_the_suggestion_first(desk, units, report):
    case = report(category_id=units.land.pk)
    html = desk.get(page(case.pk)).content.decode()
    select = html[html.index('name="accept-dispatch_to"') :]
    options = re.findall(r'<option value="([^"]*)"', select)
    assert options[:2] == ["", f"unit:{units.land_outpost.pk}"]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "data",
    [
        {"do": "accept", "accept-color": "purple"},
        {"do": "accept"},
        {"do": "accept", "accept-color": "yellow", "accept-dispatch_to": "unit:999999"},
        {"do": "accept", "accept-color": "yellow", "accept-dispatch_to": "handler:abc"},
    ],
)
def test_bad_accept_input_is_a_form_error(desk, report, data):
    case = report()
    response = desk.post(page(case.pk), data)
    assert response.status_code == 200
    assert response.context["forms"]["accept"].errors
    case.refresh_from_db()
    assert case.status == "reported"


def test_an_action_that_does_not_fit_is_refused_politely(desk, report):
    case = report()
    response = desk.post(page(case.pk), {"do": "dispatch", "dispatch-dispatch_to": "village:1"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "reported"


def test_intake_page_query_count_does_not_grow_with_the_neighbourhood(
    desk, units, report, tree, frozen, django_assert_num_queries
):
    case = report(title="村道路灯损坏不亮", category_id=units.land.pk)
    report(title="村道路灯坏了", node=tree.grid_b, actor="worker_b")
    desk.get(page(case.pk))
    with django_assert_num_queries(NUM_CASE_PAGE) as first:
        desk.get(page(case.pk))
    for i in range(20):
        report(title=f"村道路灯损坏{i}", node=tree.grid_b, actor="worker_b")
    with django_assert_num_queries(len(first.captured_queries)):
        desk.get(page(case.pk))


NUM_CASE_PAGE = 13  # with the category list the accept form offers
