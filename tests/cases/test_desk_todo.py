"""The desk home says what to do now, each count opening the list behind it, and resolved cases
wait in their own verification queue (待核查)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts(response) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the desk home's to-do list."""
    html = response.content.decode()
    found = re.findall(
        r'<li><a href="([^"]+)"[^>]*><strong class="count">(\d+)</strong> ([^<]+)</a></li>', html
    )
    return {label.strip(): (int(n), href.replace("&amp;", "&")) for href, n, label in found}


def test_the_desk_home_counts_what_waits_and_each_count_opens_its_list(cast, tree):
    now = timezone.now()
    make_case(cast, tree.grid_a, "reported")
    resolved = make_case(cast, tree.grid_a, "resolved")
    late = make_case(cast, tree.grid_a, "handling")
    Case.objects.filter(pk=late.pk).update(clear_by=now - dt.timedelta(hours=3))
    staff = client_for(cast.staff_town1)

    todo = counts(staff.get("/desk/"))
    assert todo["待受理"][0] == 1
    assert todo["待核查"] == (1, "/desk/verify/")
    assert todo["超期"][0] == 1
    for _count, link in todo.values():
        assert staff.get(link).status_code == 200, link

    queue = staff.get("/desk/verify/").content.decode()
    assert resolved.number in queue and late.number not in queue
    board = staff.get(todo["超期"][1]).content.decode()
    assert late.number in board and resolved.number not in board


def test_the_requests_for_more_time_open_exactly_those_cases(cast, tree):
    from cases import actions

    asking = make_case(cast, tree.grid_a, "handling")
    other = make_case(cast, tree.grid_a, "handling")
    actions.case_request_extension(
        actor=cast.worker_a,
        case_id=asking.pk,
        until=asking.clear_by + dt.timedelta(days=3),
        reason="需等待配件",
    )
    staff = client_for(cast.staff_town1)
    count, link = counts(staff.get("/desk/"))["待审批延期"]
    board = staff.get(link).content.decode()
    assert count == 1 and asking.number in board and other.number not in board


def test_another_towns_staff_count_nothing_of_this_town(cast, tree):
    make_case(cast, tree.grid_a, "resolved")
    todo = counts(client_for(cast.staff_town2).get("/desk/"))
    assert todo["待核查"][0] == 0
    assert "沙河营" not in client_for(cast.staff_town2).get("/desk/verify/").content.decode()


def test_the_verification_queue_is_for_the_desk_people_who_verify(cast, tree):
    assert client_for(cast.worker_a).get("/desk/verify/").status_code == 403
    assert client_for(cast.town1_admin).get("/desk/verify/").status_code == 403
    assert Client().get("/desk/verify/").status_code == 302  # to the login page


def test_the_desk_home_and_the_queue_read_the_same_queries_for_more_cases(
    cast, tree, django_assert_num_queries
):
    make_case(cast, tree.grid_a, "resolved")
    staff = client_for(cast.staff_town1)
    staff.get("/desk/")
    staff.get("/desk/verify/")
    with django_assert_num_queries(HOME) as home:
        staff.get("/desk/")
    with django_assert_num_queries(QUEUE) as queue:
        staff.get("/desk/verify/")
    for _ in range(5):
        make_case(cast, tree.grid_b, "resolved")
    with django_assert_num_queries(len(home.captured_queries)):
        staff.get("/desk/")
    with django_assert_num_queries(len(queue.captured_queries)):
        assert staff.get("/desk/verify/").content.decode().count('class="mono"') == 6


HOME = 14  # a fixed number, whatever the number of cases
QUEUE = 6
