"""A place's public page (/g/<code>/), where a bulletin's QR code leads: who serves there and how
to reach them, only opted-in work phones, the town's hotline, this month's figures, and nothing
about any case or person beyond what a bulletin board shows."""

import datetime as dt

import pytest
from django.utils import timezone

from grids import actions as grid_actions
from grids.models import StreetSegment
from staff import actions as staff_actions
from staff.models import Assignment
from tests.factories import UserFactory, grant, make_case


def _profile(user, **fields):
    return staff_actions.profile_update(actor=None, user_id=user.pk, **fields)


def _duties(user, node, duties: str, title: str = ""):
    post = Assignment.objects.get(user=user, node=node)
    staff_actions.assignment_update(
        actor=None,
        assignment_id=post.pk,
        role=post.role,
        starts=post.starts,
        ends=post.ends,
        duties=duties,
        title=title,
    )


@pytest.fixture
def served(cast, tree):
    """梁家庵村第一网格 as its board shows it: the worker (work phone shown, private phone
    kept), the village's grid chief, an instructor who keeps his phone to himself, and a
    party-member household."""
    _profile(
        cast.worker_a, work_phone="13991610001", show_work_phone=True, private_phone="13700009999"
    )
    _profile(cast.village_chief, work_phone="13991610003", show_work_phone=True)
    _duties(cast.worker_a, tree.grid_a, "每天巡查网格\n三必到、四必报、五必访")
    _duties(cast.village_chief, tree.village1, "统筹全村网格工作", title="村党支部书记、网格长")
    instructor = UserFactory(username="zhoudao", first_name="周道远")
    grant(instructor, tree.grid_a, "instructor")
    _profile(instructor, work_phone="13991610004", show_work_phone=False)
    party = UserFactory(username="ljparty", first_name="梁德明")
    grant(party, tree.grid_a, "party_household")
    return instructor, party


def test_the_page_names_who_serves_here_with_their_posts_and_only_opted_in_work_phones(
    client, cast, tree, served
):
    response = client.get(f"/g/{tree.grid_a.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("王刚", "梁书记", "周道远", "梁德明"):
        assert name in html
    assert "村党支部书记、网格长" in html  # the title the board knows the post by
    assert "13991610001" in html and "13991610003" in html  # opted in
    assert "13991610004" not in html  # a work phone its owner did not agree to show
    assert "13700009999" not in html  # a private phone, never
    assert "每天巡查网格" in html and "三必到、四必报、五必访" in html  # the grid's duties


def test_only_people_serving_here_now_are_named(client, cast, tree, served):
    instructor, _party = served
    post = Assignment.objects.get(user=instructor)
    today = timezone.localdate()
    Assignment.objects.filter(pk=post.pk).update(starts=today - dt.timedelta(days=30))
    staff_actions.assignment_end(
        actor=None, assignment_id=post.pk, ends=today - dt.timedelta(days=1)
    )
    html = client.get(f"/g/{tree.grid_a.code}/").content.decode()
    assert "周道远" not in html  # the post ended
    assert "李娟" not in html  # the sibling grid's worker
    assert "赵信" not in html  # an informant is not on the board
    assert "陈主任" not in html and "沙河营镇管理员" not in html  # the town's desk and admin


def test_a_villages_page_names_the_workers_of_its_grids_and_leads_to_each_grid(client, cast, tree):
    html = client.get(f"/g/{tree.village1.code}/").content.decode()
    assert "王刚" in html and "李娟" in html and "梁书记" in html
    assert f'href="/g/{tree.grid_a.code}/"' in html and f'href="/g/{tree.grid_b.code}/"' in html


def test_a_micro_grids_page_names_its_grids_worker_and_village_chief(client, cast, tree):
    html = client.get(f"/g/{tree.micro_a1.code}/").content.decode()
    assert "王刚" in html and "梁书记" in html and "李娟" not in html


def test_office_hours_and_the_hotline_are_the_towns_when_the_place_has_none(client, cast, tree):
    grid_actions.node_update(
        actor=None, node_id=tree.town1.pk, hotline="0916-7231000", office_hours="周一至周五"
    )
    grid_actions.node_update(actor=None, node_id=tree.village1.pk, office_hours="每天 8:00–17:30")
    html = client.get(f"/g/{tree.grid_a.code}/").content.decode()
    assert "0916-7231000" in html
    assert "每天 8:00–17:30" in html and "周一至周五" not in html  # the nearest place's hours
    other = client.get(f"/g/{tree.grid_c.code}/").content.decode()
    assert "0916-7231000" not in other  # another town's hotline


def test_the_report_button_leads_to_the_places_report_form(client, cast, tree):
    html = client.get(f"/g/{tree.grid_a.code}/").content.decode()
    assert f'href="/g/{tree.grid_a.code}/report/"' in html


def test_the_page_shows_this_months_closed_cases_and_the_share_settled_in_the_grid_and_nothing_else_of_them(
    client, cast, tree
):
    now = timezone.now()
    make_case(
        cast,
        tree.grid_a,
        "closed",
        now=now,
        title="排水沟堵塞需要清理",
        description="三组排水沟堵塞，污水漫到路上。",
        reporter=None,
        source="hotline",
        reporter_name="张三丰",
        reporter_phone="13800001234",
    )
    make_case(cast, tree.grid_a, "handling", now=now, title="路灯不亮")
    html = client.get(f"/g/{tree.grid_a.code}/").content.decode()
    assert "<b>1</b>" in html  # one closed this month (the other is still being handled)
    assert "100.00%" in html  # settled within the grid
    for private in ("排水沟堵塞", "污水", "张三丰", "13800001234", "路灯不亮"):
        assert private not in html


def test_street_chiefs_are_named_with_their_road_segment(client, cast, tree):
    segment = grid_actions.street_segment_create(
        actor=None,
        node_id=tree.grid_a.pk,
        code=f"{tree.grid_a.code}S01",
        road="博望路",
        name="东段",
    )
    chief = UserFactory(username="jz1", first_name="韩新华")
    staff_actions.assignment_grant(
        actor=None,
        user_id=chief.pk,
        node_id=tree.grid_a.pk,
        role="street_chief",
        title="商户街长",
        segment_id=segment.pk,
    )
    _profile(chief, work_phone="13991615100", show_work_phone=True)
    html = client.get(f"/g/{tree.grid_a.code}/").content.decode()
    assert "韩新华" in html and "商户街长" in html and "13991615100" in html
    assert f'href="/g/s/{segment.code}/bulletin/"' in html
    assert StreetSegment.objects.count() == 1


def test_the_grids_page_takes_a_fixed_number_of_queries(
    client, cast, tree, served, django_assert_num_queries
):
    # The place; the places above it; the posts with their people, profiles and segments;
    # this month's figures (one query, cases.queries.kpis).
    with django_assert_num_queries(4):
        assert client.get(f"/g/{tree.grid_a.code}/").status_code == 200


@pytest.mark.parametrize(
    "code",
    [
        "610722107201999",  # the shape of a grid code, no such grid
        "610722",  # the county: no public page of its own
        "999999999",
        "abc",
        "610722107201001x",
        "6" * 40,
        "%00",
        "..%2F..%2F",
    ],
)
def test_an_unknown_or_malformed_code_is_a_friendly_404_never_a_server_error(
    client, cast, tree, code
):
    response = client.get(f"/g/{code}/")
    assert response.status_code == 404
    assert client.get(f"/g/{code}/bulletin/").status_code == 404


def test_an_unknown_code_of_the_right_shape_says_what_to_do(client, tree):
    response = client.get("/g/610722107201999/")
    assert response.status_code == 404
    assert "grids/public/not_found.html" in [t.name for t in response.templates]


def test_the_page_is_answered_without_login_and_refuses_a_post(client, cast, tree):
    assert client.get(f"/g/{tree.grid_a.code}/").status_code == 200
    assert client.post(f"/g/{tree.grid_a.code}/").status_code == 405


def test_a_town_admin_sets_the_towns_hotline_and_hours_on_the_desk(client, cast, tree):
    client.force_login(cast.town1_admin)
    data = {"name": "沙河营镇", "kind": "rural", "households": "0", "population": "0"}
    bad = client.post(f"/desk/tree/{tree.town1.pk}/edit/", {**data, "hotline": "call us"})
    assert bad.status_code == 200 and "hotline" in bad.context["form"].errors
    good = {**data, "hotline": "0916-7231000", "office_hours": "周一至周五 8:30–18:00"}
    assert client.post(f"/desk/tree/{tree.town1.pk}/edit/", good).status_code == 302
    client.logout()
    html = client.get(f"/g/{tree.grid_a.code}/").content.decode()
    assert "0916-7231000" in html and "周一至周五 8:30–18:00" in html
