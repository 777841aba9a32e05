"""Terms and exits on the desk: the place's flagged posts and terms ending; a post's page
with what its holder keeps, a violation recorded, the preview and the confirmation of its end;
bad input answered on the page (400), people outside the manager's scope 404; the preview
takes as many queries for a few things held as for many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import Household
from staff.models import Assignment, RedLine, Violation
from tests.conftest import page_text
from tests.factories import T0, UserFactory, grant, make_case


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    Assignment.objects.update(starts=dt.date(2026, 1, 1))


@pytest.fixture
def successor(tree):
    user = UserFactory(username="worker_a2", first_name="张敏")
    grant(user, tree.grid_a, "grid_worker")
    Assignment.objects.filter(user=user).update(starts=dt.date(2026, 1, 1))
    return user


def post_of(user):
    return Assignment.objects.get(user=user, ends__isnull=True)


def exit_url(user):
    return reverse("desk_exit", args=[post_of(user).pk])


def test_the_exit_page_shows_what_the_worker_keeps_and_ends_the_post_after_a_preview(
    client, cast, tree, successor
):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    Household.objects.create(
        node=tree.grid_a, address="一组1号", head_name="刘大", next_visit_due=T0.date()
    )
    client.force_login(cast.town1_admin)
    url = exit_url(cast.worker_a)
    text = page_text(client.get(url))
    assert case.number in text and "刘大" in text and "张敏" in text
    preview = client.post(url, {"do": "preview", "cases": successor.pk, "reason": "调离"})
    assert preview.status_code == 200
    assert "刘大" in page_text(preview)  # the visit and household are still left
    assert 'value="confirm"' not in preview.content.decode()
    ok = client.post(url, {"do": "preview", "all": successor.pk, "reason": "调离"})
    assert 'value="confirm"' in ok.content.decode()
    done = client.post(url, {"do": "confirm", "all": successor.pk, "reason": "调离"})
    assert done.status_code == 302
    assert post_of(successor)
    assert not Assignment.objects.filter(user=cast.worker_a, handover__isnull=True).exists()
    case.refresh_from_db()
    assert case.handler == successor


def test_confirming_while_something_is_left_is_refused_on_the_page(client, cast, tree):
    make_case(cast, tree.grid_a, "handling", now=T0)
    client.force_login(cast.town1_admin)
    response = client.post(exit_url(cast.worker_a), {"do": "confirm", "reason": "调离"})
    assert response.status_code == 400
    assert post_of(cast.worker_a).ends is None


@pytest.mark.parametrize(
    "data",
    [
        {"do": "confirm", "cases": "99999", "reason": "x"},
        {"do": "preview", "cases": "abc"},
        {"do": "preview", "all": "-1"},
        {"do": "nonsense"},
        {"do": "violation", "red_line": "x", "date": "2026-99-99", "facts": ""},
        {"do": "violation", "date": "9" * 50},
        {"do": "confirm", "all": "village", "reason": ""},
    ],
)
def test_bad_input_is_refused_on_the_page(client, cast, tree, data):
    make_case(cast, tree.grid_a, "handling", now=T0)
    client.force_login(cast.town1_admin)
    assert client.post(exit_url(cast.worker_a), data).status_code == 400
    assert post_of(cast.worker_a).ends is None


def test_a_successor_out_of_scope_is_not_offered_nor_taken(client, cast, tree):
    far = UserFactory(username="worker_c", first_name="孙强")
    grant(far, tree.grid_c, "grid_worker")
    make_case(cast, tree.grid_a, "handling", now=T0)
    client.force_login(cast.town1_admin)
    assert "孙强" not in page_text(client.get(exit_url(cast.worker_a)))
    response = client.post(
        exit_url(cast.worker_a), {"do": "confirm", "cases": far.pk, "reason": "x"}
    )
    assert response.status_code == 400
    assert post_of(cast.worker_a).ends is None


def test_people_outside_the_managers_scope_are_404_and_others_403(client, cast, tree):
    url = exit_url(cast.worker_a)
    client.force_login(cast.staff_town2)
    assert client.get(url).status_code == 404
    assert client.get(reverse("desk_terms_node", args=[tree.town1.pk])).status_code == 404
    client.force_login(cast.staff_town1)
    assert client.get(exit_url(cast.town1_admin)).status_code == 404  # a peer of the town
    client.force_login(cast.village_chief)
    assert client.get(url).status_code == 403
    assert client.get(reverse("desk_exit", args=[999999])).status_code == 404


def test_a_violation_recorded_on_the_page_flags_the_worker_on_the_terms_page(client, cast, tree):
    red = RedLine.objects.create(county=tree.county, code="01", text="违反党纪国法")
    client.force_login(cast.staff_town1)
    url = exit_url(cast.worker_a)
    response = client.post(
        url, {"do": "violation", "red_line": red.pk, "date": "2026-11-10", "facts": "收受财物"}
    )
    assert response.status_code == 302
    assert Violation.objects.get().leads_to_exit
    text = page_text(client.get(reverse("desk_terms_node", args=[tree.town1.pk])))
    assert "王刚" in text and "违反党纪国法" in text


def test_the_terms_page_lists_terms_ending_within_60_days(client, cast, tree):
    Assignment.objects.update(term_ends=dt.date(2040, 1, 1))
    soon = dt.date.today() + dt.timedelta(days=20)
    Assignment.objects.filter(pk=post_of(cast.worker_b).pk).update(term_ends=soon)
    client.force_login(cast.town1_admin)
    text = page_text(client.get(reverse("desk_terms")))
    assert "李娟" in text and "王刚" not in text


def _count(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data).status_code == 200
    return len(queries)


def test_the_exit_preview_takes_the_same_queries_for_few_or_many_things_held(
    client, cast, tree, successor
):
    make_case(cast, tree.grid_a, "handling", now=T0)
    Household.objects.create(
        node=tree.grid_a, address="1号", head_name="甲", next_visit_due=T0.date()
    )
    client.force_login(cast.town1_admin)
    url = exit_url(cast.worker_a)
    data = {"do": "preview", "all": successor.pk, "reason": "调离"}
    small = _count(client, url, data)
    for i in range(4):
        make_case(cast, tree.grid_a, "handling", now=T0)
        Household.objects.create(
            node=tree.micro_a1, address=f"{i}号", head_name=f"乙{i}", next_visit_due=T0.date()
        )
        Household.objects.create(node=tree.grid_a, address=f"{i}号院", head_name=f"丙{i}")
    other = UserFactory(username="worker_a3")
    grant(other, tree.grid_a, "grid_worker")
    Assignment.objects.filter(user=other).update(starts=dt.date(2026, 1, 1))
    assert _count(client, url, data) == small
