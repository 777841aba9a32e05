"""Linked cadres (挂联 / 包村, seed 002) join the grid workers' patrols (三陪同, seed 001): who may
join, what is kept, and each town cadre's accompanied patrols a week against "每周不少于 2 次"."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from gridgov.errors import DomainError
from staff import actions
from staff.models import CoPatrol, Link
from staff.queries.cadres import copatrol_compliance, joinable_patrols
from tests.factories import T0, UserFactory, grant

MONDAY = T0.date()  # 2026-11-16
SINCE = dt.date(2026, 11, 1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def town_cadre(username, name, tree, village, **link):
    user = UserFactory(username=username, first_name=name)
    grant(user, tree.town1, "leader")
    Link.objects.create(kind="town_cadre", user=user, village=village, since=SINCE, **link)
    return user


@pytest.fixture
def cadres(cast, tree):
    return {
        "one": town_cadre("lizhen", "李振", tree, tree.village1),
        "two": town_cadre("wangfu", "王福", tree, tree.village1),
        "elsewhere": town_cadre("zhaoyi", "赵一", tree, tree.village2),
    }


def patrol(worker, grid, day, hour=8):
    return actions.patrol_start(actor=worker, node_id=grid.pk, now=at(day, hour))


def join(user, the_patrol, when):
    return actions.copatrol_join(actor=user, patrol_id=the_patrol.pk, now=when)


def test_a_linked_cadre_joins_a_patrol_under_way_and_the_join_is_kept_with_its_time(
    cast, tree, cadres
):
    walk = patrol(cast.worker_a, tree.grid_a, MONDAY)
    joined = join(cadres["one"], walk, at(MONDAY, 9, 15))
    assert joined.joined_at == at(MONDAY, 9, 15) and joined.link.village == tree.village1
    # Tapping again keeps the first join.
    again = join(cadres["one"], walk, at(MONDAY, 9, 40))
    assert again.pk == joined.pk and CoPatrol.objects.get().joined_at == at(MONDAY, 9, 15)


def test_a_person_not_linked_to_the_village_cannot_join_its_patrol(cast, tree, cadres):
    walk = patrol(cast.worker_a, tree.grid_a, MONDAY)
    far = UserFactory(username="town2_leader")
    grant(far, tree.town2, "leader")
    Link.objects.create(kind="town_cadre", user=far, village=tree.village2, since=SINCE)
    for outsider in (far, cast.worker_b, cast.staff_town2):  # the grid is outside their posts
        with pytest.raises(Http404):
            join(outsider, walk, at(MONDAY, 9))
    # Their posts cover the grid, but they are not linked to the village: refused.
    for unlinked in (cadres["elsewhere"], cast.staff_town1, cast.county_admin):
        with pytest.raises(PermissionDenied):
            join(unlinked, walk, at(MONDAY, 9))
    assert not CoPatrol.objects.exists()


def test_a_link_that_has_ended_or_not_begun_lets_nobody_join(cast, tree, cadres):
    Link.objects.filter(user=cadres["one"]).update(until=MONDAY - dt.timedelta(days=1))
    Link.objects.filter(user=cadres["two"]).update(since=MONDAY + dt.timedelta(days=1))
    walk = patrol(cast.worker_a, tree.grid_a, MONDAY)
    for cadre in (cadres["one"], cadres["two"]):  # the town's leaders: refused
        with pytest.raises(PermissionDenied):
            join(cadre, walk, at(MONDAY, 9))


def test_a_finished_patrol_or_one_of_another_day_cannot_be_joined(cast, tree, cadres):
    walk = patrol(cast.worker_a, tree.grid_a, MONDAY)
    with pytest.raises(DomainError):
        join(cadres["one"], walk, at(MONDAY + dt.timedelta(days=1), 9))
    actions.patrol_finish(actor=cast.worker_a, patrol_id=walk.pk, now=at(MONDAY, 10))
    with pytest.raises(DomainError):
        join(cadres["one"], walk, at(MONDAY, 11))


def test_a_cadre_does_not_accompany_their_own_patrol(cast, tree):
    Link.objects.create(kind="town_cadre", user=cast.worker_a, village=tree.village1, since=SINCE)
    walk = patrol(cast.worker_a, tree.grid_a, MONDAY)
    with pytest.raises(DomainError):
        join(cast.worker_a, walk, at(MONDAY, 9))


def test_a_linked_departments_staff_may_join_as_the_department(cast, tree, units):
    Link.objects.create(kind="department", unit=units.civil, village=tree.village1, since=SINCE)
    now = timezone.now()
    walk = actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk, now=now)
    joined = actions.copatrol_join(actor=units.civil_staff, patrol_id=walk.pk, now=now)
    assert joined.link.unit == units.civil
    with pytest.raises(PermissionDenied):  # a department not linked to the village
        actions.copatrol_join(actor=units.natural_staff, patrol_id=walk.pk, now=now)


def test_the_patrols_to_join_are_those_under_way_today_in_linked_villages(cast, tree, cadres):
    mine = patrol(cast.worker_a, tree.grid_a, MONDAY)
    other = patrol(cast.worker_b, tree.grid_b, MONDAY)
    done = patrol(cast.village_chief, tree.grid_a, MONDAY)  # the chief's patrol, finished
    actions.patrol_finish(actor=cast.village_chief, patrol_id=done.pk, now=at(MONDAY, 8, 30))
    patrol(cast.worker_a, tree.grid_a, MONDAY - dt.timedelta(days=1))  # yesterday's
    join(cadres["one"], mine, at(MONDAY, 9))
    listed = joinable_patrols(cadres["one"], now=at(MONDAY, 9, 30))
    assert [(p.pk, p.joined) for p in listed] == [(mine.pk, True), (other.pk, False)]
    assert joinable_patrols(cadres["elsewhere"], now=at(MONDAY, 9, 30)) == []


def test_each_town_cadres_accompanied_patrols_count_only_in_the_week(cast, tree, cadres):
    one, two = cadres["one"], cadres["two"]
    sunday_before, next_monday = MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=7)
    tuesday = MONDAY + dt.timedelta(days=1)
    # The week before and the week after: not counted.
    join(one, patrol(cast.worker_a, tree.grid_a, sunday_before, hour=23), at(sunday_before, 23, 30))
    join(one, patrol(cast.worker_a, tree.grid_a, next_monday, hour=0), at(next_monday, 0, 10))
    # In the week: one patrol for the first cadre, two for the second.
    monday_walk = patrol(cast.worker_a, tree.grid_a, MONDAY)
    join(one, monday_walk, at(MONDAY, 9))
    join(two, monday_walk, at(MONDAY, 9, 5))
    join(two, patrol(cast.worker_b, tree.grid_b, tuesday), at(tuesday, 9))
    rows = {r.user.username: r for r in copatrol_compliance(tree.town1, MONDAY)}
    assert set(rows) == {"lizhen", "wangfu"}  # 赵一 is linked to the other town's village
    assert (rows["lizhen"].accompanied, rows["lizhen"].target, rows["lizhen"].met) == (1, 2, False)
    assert (rows["wangfu"].accompanied, rows["wangfu"].target, rows["wangfu"].met) == (2, 2, True)
    # The week before has the Sunday's join alone.
    before = {
        r.user.username: r.accompanied
        for r in copatrol_compliance(tree.town1, MONDAY - dt.timedelta(days=7))
    }
    assert before == {"lizhen": 1, "wangfu": 0}


def test_the_weekly_target_is_data_on_the_link(cast, tree, cadres):
    Link.objects.filter(user=cadres["one"]).update(weekly_patrols=3)
    rows = {r.user.username: r for r in copatrol_compliance(tree.town1, MONDAY)}
    assert rows["lizhen"].target == 3 and rows["wangfu"].target == 2


# ---------------------------------------------------------------- pages


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_phone_page_joins_a_patrol_and_refuses_an_outsider_with_404(cast, tree, cadres):
    now = timezone.now()
    walk = actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk, now=now)
    Link.objects.filter(user=cadres["one"]).update(since=SINCE)
    page = _client(cadres["one"]).get("/m/copatrol/")
    assert page.status_code == 200 and f"/m/copatrol/{walk.pk}/join/" in page.content.decode()
    response = _client(cadres["one"]).post(f"/m/copatrol/{walk.pk}/join/")
    assert response.status_code == 302 and CoPatrol.objects.filter(user=cadres["one"]).exists()
    assert _client(cast.worker_b).post(f"/m/copatrol/{walk.pk}/join/").status_code == 404
    assert _client(cadres["elsewhere"]).post(f"/m/copatrol/{walk.pk}/join/").status_code == 403
    assert _client(cadres["elsewhere"]).post("/m/copatrol/999999/join/").status_code == 404
    listing = _client(cadres["elsewhere"]).get("/m/copatrol/").content.decode()
    assert f"/m/copatrol/{walk.pk}/join/" not in listing
    assert Client().post(f"/m/copatrol/{walk.pk}/join/").status_code == 302  # to the login


def test_the_compliance_page_shows_the_town_and_is_out_of_scope_elsewhere(cast, tree, cadres):
    page = _client(cast.staff_town1).get(f"/desk/copatrol/{tree.town1.pk}/?week=2026-11-18")
    html = page.content.decode()
    assert page.status_code == 200 and "李振" in html and "赵一" not in html
    assert "2026-11-16" in html  # the week is shown from its Monday
    assert _client(cast.staff_town2).get(f"/desk/copatrol/{tree.town1.pk}/").status_code == 404
    assert _client(cast.worker_a).get("/desk/copatrol/").status_code == 403
    assert _client(cast.staff_town1).get("/desk/copatrol/?week=99999-1-1").status_code == 200


def test_the_compliance_page_costs_the_same_queries_however_many_cadres(
    cast, tree, cadres, django_assert_num_queries
):
    client = _client(cast.staff_town1)
    url = f"/desk/copatrol/{tree.town1.pk}/?week={MONDAY}"
    join(cadres["one"], patrol(cast.worker_a, tree.grid_a, MONDAY), at(MONDAY, 9))
    # session, user, grants, the node, breadcrumbs, the links, the joins counted, notices bell
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    for i in range(5):
        extra = town_cadre(f"more{i}", f"干部{i}", tree, tree.village1)
        join(
            extra,
            patrol(cast.worker_b, tree.grid_b, MONDAY + dt.timedelta(days=i)),
            at(MONDAY + dt.timedelta(days=i), 9),
        )
    with django_assert_num_queries(8):
        assert "干部4" in client.get(url).content.decode()
