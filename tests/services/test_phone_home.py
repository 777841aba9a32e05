"""The phone's front page (/m/) leads a grid worker to the errands they carry and a volunteer
to their tasks, with counts, at one query more each however many there are."""

from __future__ import annotations

import re

from services.models import OrderStatus, RequestStatus
from tests.services.test_volunteers import _order

S, OS = RequestStatus, OrderStatus


def _links(response) -> str:
    found = re.search(r'<p class="m-services-links">(.*?)</p>', response.content.decode(), re.S)
    return found.group(1) if found else ""


def test_a_grid_worker_sees_the_errands_they_carry_counted_and_linked(
    client, cast, make_request, django_assert_num_queries
):
    client.force_login(cast.worker_a)
    client.get("/m/")  # the session's first page reads what later pages keep
    # session, user, grants, posts (2), open cases, bell, patrol, households due, errands, and
    # whether they are linked to a village (a patrol to join)
    with django_assert_num_queries(11):
        links = _links(client.get("/m/"))
    assert 'href="/m/services/"' in links and "/m/help/" not in links
    assert re.search(r"\b0\b", links)
    make_request(S.RECEIVED, channel="errand")
    make_request(S.HANDED, channel="errand")
    make_request(S.DELIVERED, channel="errand")  # handed over: no longer carried
    make_request(S.RECEIVED)  # the window's, not the worker's
    with django_assert_num_queries(11):
        links = _links(client.get("/m/"))
    assert re.search(r"\b2\b", links)


def test_a_volunteer_sees_the_orders_to_take_and_those_taken(
    client, cast, tree, team, django_assert_num_queries
):
    client.force_login(team.leader)
    client.get("/m/")
    # session, user, grants, posts (2), open cases, bell, the tasks (no patrol, no visits)
    with django_assert_num_queries(9):
        links = _links(client.get("/m/"))
    assert 'href="/m/help/"' in links and "/m/services/" not in links
    for _i in range(3):
        _order(cast, tree, OS.DISPATCHED, team=team)  # to the team: the leader may take it
    _order(cast, tree, OS.TAKEN, team=team)  # taken by the helper: not the leader's
    _order(cast, tree, OS.PLACED)
    with django_assert_num_queries(9):
        links = _links(client.get("/m/"))
    numbers = [int(n) for n in re.findall(r"\d+", links)]
    assert numbers == [3, 0]
    client.force_login(team.helper)
    assert [int(n) for n in re.findall(r"\d+", _links(client.get("/m/")))] == [3, 1]


def test_someone_who_neither_runs_errands_nor_volunteers_sees_neither(client, cast):
    client.force_login(cast.informant_a)
    assert _links(client.get("/m/")) == ""
