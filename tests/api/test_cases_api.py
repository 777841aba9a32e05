"""Cases, the tree, the reference lists, the KPIs and notices on the API: the same reads as
the pages (the dashboard's filters and figures), within the caller's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from cases.queries import kpis
from cases.queries.dashboard import parse_period
from gridgov.models import Notice, OutboxMessage
from tests.factories import T0, make_case

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_the_case_list_filters_by_subtree_status_color_and_source(cast, tree, as_system):
    a = make_case(cast, tree.grid_a, "accepted", color="red")
    b = make_case(cast, tree.grid_b, "reported", source="hotline")
    micro = make_case(cast, tree.micro_a1, "accepted", color="yellow")
    assert _ids(as_system.get("/api/v1/cases/")) == {a.pk, b.pk, micro.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"node": tree.grid_a.pk})) == {a.pk, micro.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"status": "reported"})) == {b.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"color": "red"})) == {a.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"source": "hotline"})) == {b.pk}
    # a node outside the scope selects nothing, like on the desk
    assert _ids(as_system.get("/api/v1/cases/", {"node": tree.grid_c.pk})) == set()


def test_the_case_list_filters_by_dates_and_overdue(cast, tree, as_system):
    old = make_case(cast, tree.grid_a, "accepted", now=T0 - dt.timedelta(days=30))
    new = make_case(cast, tree.grid_a, "reported", now=T0)
    day = T0.date().isoformat()
    assert _ids(as_system.get("/api/v1/cases/", {"received_from": day})) == {new.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"received_to": "2026-11-01"})) == {old.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"overdue": "true"})) == {old.pk}
    assert _ids(as_system.get("/api/v1/cases/", {"overdue": "false"})) == {new.pk}


def test_one_case_comes_with_its_history_and_a_masked_phone(cast, tree, as_system):
    case = make_case(cast, tree.grid_a, "handling", reporter_phone="13812345678")
    body = as_system.get(f"/api/v1/cases/{case.pk}/").json()
    assert [e["action"] for e in body["history"]] == ["report", "accept", "dispatch", "sign"]
    assert body["reporter_phone"] != "13812345678" and body["reporter_phone"].endswith("5678")
    assert body["handler"]["name"] == "王刚"


def test_a_reported_case_comes_in_from_the_api_like_any_report(cast, tree, as_system, units):
    response = as_system.post(
        "/api/v1/cases/",
        {
            "node_code": tree.grid_a.code,
            "title": "土地被占",
            "description": "有人在耕地上建房",
            "category": units.land.pk,
            "reporter_name": "张三",
            "reporter_phone": "13800001234",
            "latitude": "33.153001",
            "longitude": 107.325001,
        },
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.status, case.source, case.node) == ("reported", "api", tree.grid_a)
    assert case.suggested_color == "orange"  # the category's suggestion, as from the phone
    assert str(case.latitude) == "33.153001"


def test_a_report_outside_the_callers_area_is_a_field_error(cast, tree, as_system):
    for body in ({"node": tree.grid_c.pk}, {"node_code": tree.grid_c.code}, {"node": 999999}):
        response = as_system.post("/api/v1/cases/", {"title": "x", "description": "y", **body})
        assert response.status_code == 422
        assert set(response.json()["errors"]) <= {"node", "node_code"}
    assert not Case.objects.exists()


def test_someone_who_may_not_report_is_403(cast, tree, api):
    from tests.factories import UserFactory, grant

    volunteer = UserFactory(username="volunteer")
    grant(volunteer, tree.grid_a, "volunteer")
    response = api(user=volunteer).post(
        "/api/v1/cases/", {"node": tree.grid_a.pk, "title": "x", "description": "y"}
    )
    assert response.status_code == 403


def test_the_figures_are_the_dashboards_for_the_node_and_period(cast, tree, as_system):
    make_case(cast, tree.grid_a, "closed")
    make_case(cast, tree.grid_b, "accepted")
    response = as_system.get("/api/v1/kpis/", {"node": tree.village1.pk, "period": "month"})
    assert response.status_code == 200
    body = response.json()
    today = timezone.localdate()
    period = parse_period({"period": "month"}, today)
    expected = kpis(tree.village1, *period.bounds)
    assert body["figures"]["accepted"] == expected.accepted == 2
    assert body["figures"]["closure_rate"] == expected.closure_rate
    assert body["period"]["start"] == period.start.isoformat()
    assert body["node"]["code"] == tree.village1.code


def test_figures_outside_the_scope_are_404_and_an_unreadable_period_is_422(cast, tree, as_system):
    assert as_system.get("/api/v1/kpis/", {"node": tree.town2.pk}).status_code == 404
    response = as_system.get("/api/v1/kpis/", {"period": "range", "start": "2026-02-30"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["period"]
    assert as_system.get("/api/v1/kpis/").json()["node"]["id"] == tree.town1.pk  # the top


def test_a_grid_worker_sees_no_figures(cast, api):
    assert api(user=cast.worker_a).get("/api/v1/kpis/").status_code == 403


def test_the_tree_shows_the_callers_subtree_with_codes_parents_and_counts(tree, as_system):
    nodes = as_system.get("/api/v1/nodes/", {"page_size": 50}).json()["results"]
    by_code = {n["code"]: n for n in nodes}
    assert set(by_code) == {
        tree.town1.code,
        tree.village1.code,
        tree.grid_a.code,
        tree.grid_b.code,
        tree.micro_a1.code,
    }
    grid = by_code[tree.grid_a.code]
    assert (grid["tier"], grid["parent"], grid["households"], grid["children"]) == (
        "grid",
        tree.village1.pk,
        158,
        1,
    )
    assert _ids(as_system.get("/api/v1/nodes/", {"parent": tree.village1.pk})) == {
        tree.grid_a.pk,
        tree.grid_b.pk,
    }
    assert as_system.get(f"/api/v1/nodes/{tree.town2.pk}/").status_code == 404


def test_categories_and_the_responsibility_list_are_read_by_anyone_with_a_post(units, as_system):
    categories = as_system.get("/api/v1/categories/").json()["results"]
    assert {c["name"] for c in categories} == {"邻里纠纷", "土地纠纷", "生活困难", "火灾险情"}
    items = as_system.get("/api/v1/responsibilities/").json()["results"]
    land = next(i for i in items if i["matter"] == "违法占用耕地")
    assert land["department"]["name"] == "县自然资源局"


def test_units_are_those_of_the_callers_town_and_county(units, tree, as_system):
    from cases.models import Unit

    Unit.objects.create(name="博望综合执法平台", kind="platform", node=tree.town2)
    names = {u["name"] for u in as_system.get("/api/v1/units/").json()["results"]}
    assert "沙河营综合执法平台" in names and "县民政局" in names
    assert "博望综合执法平台" not in names


def test_a_person_reads_and_marks_their_own_notices(cast, tree, api, report):
    case = report()
    message = OutboxMessage.objects.create(kind="case_reported", case=case)
    mine = Notice.objects.create(user=cast.staff_town1, message=message, case=case, text="x")
    theirs = Notice.objects.create(user=cast.staff_town2, message=message, case=case, text="x")
    me = api(user=cast.staff_town1)
    listed = me.get("/api/v1/notices/").json()["results"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert case.number in listed[0]["text"]
    assert me.get(f"/api/v1/notices/{theirs.pk}/").status_code == 404
    assert me.post(f"/api/v1/notices/{theirs.pk}/read/").status_code == 404
    read = me.post(f"/api/v1/notices/{mine.pk}/read/").json()
    assert read["read_at"] is not None
    assert me.get("/api/v1/notices/", {"unread": "true"}).json()["results"] == []


def test_a_notice_about_a_case_no_longer_followed_does_not_name_it(cast, tree, api):
    case = make_case(cast, tree.grid_c)
    message = OutboxMessage.objects.create(kind="case_reported", case=case)
    Notice.objects.create(user=cast.worker_a, message=message, case=case, text="x")
    notice = api(user=cast.worker_a).get("/api/v1/notices/").json()["results"][0]
    assert notice["case"] is None and case.number not in notice["text"]


def test_a_description_longer_than_a_case_keeps_is_refused_not_cut(cast, tree):
    from tests.api.conftest import Api, make_client

    system = make_client(tree.town1, ["center_staff"])
    text = "甲" * 4990 + "END-OF-REPORT-0123456789"
    answer = Api(system.key).post(
        "/api/v1/cases/", {"node_code": tree.grid_a.code, "title": "t", "description": text}
    )
    assert answer.status_code in (400, 422), answer.content[:300]
    assert "description" in answer.content.decode()
    assert not Case.objects.filter(title="t").exists()
