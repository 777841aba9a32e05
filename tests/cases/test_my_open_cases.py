"""A field worker's open cases (cases.queries.my_open_cases): those they handle wherever the case
is held, and those held at a level where they handle cases; nothing else, each case once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cases.models import Case
from cases.queries import my_open_cases
from tests.factories import T0, make_case

pytestmark = pytest.mark.django_db


def ids(cases) -> list[int]:
    return [c.pk for c in cases]


def test_a_case_i_handle_is_listed_even_when_it_is_held_above_my_grid(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    Case.objects.filter(pk=case.pk).update(owner_node=tree.village1)  # set-up only

    assert ids(my_open_cases(cast.worker_a)) == [case.pk]


def test_a_case_held_in_my_grid_is_listed_though_nobody_handles_it_yet(cast, tree):
    accepted = make_case(cast, tree.grid_a, "accepted", now=T0)
    in_micro_grid = make_case(cast, tree.micro_a1, "accepted", now=T0)

    assert set(ids(my_open_cases(cast.worker_a))) == {accepted.pk, in_micro_grid.pk}


def test_closed_resolved_and_other_grids_cases_are_not_listed(cast, tree):
    make_case(cast, tree.grid_a, "resolved", now=T0)
    make_case(cast, tree.grid_a, "closed", now=T0)
    make_case(cast, tree.grid_a, "reported", now=T0)
    make_case(cast, tree.grid_b, "accepted", now=T0)
    make_case(cast, tree.grid_b, "handling", now=T0)

    assert my_open_cases(cast.worker_a) == []


def test_a_case_i_handle_in_my_own_grid_is_listed_once(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)

    assert ids(my_open_cases(cast.worker_a)) == [case.pk]


def test_cases_waiting_for_my_signature_come_first_then_the_soonest_deadline(cast, tree):
    later = make_case(cast, tree.grid_a, "handling", now=T0)
    sooner = make_case(cast, tree.grid_a, "accepted", now=T0)
    waiting = make_case(cast, tree.grid_a, "dispatched", now=T0)
    Case.objects.filter(pk=later.pk).update(clear_by=T0.replace(year=T0.year + 1))
    Case.objects.filter(pk=sooner.pk).update(clear_by=T0)
    Case.objects.filter(pk=waiting.pk).update(clear_by=T0.replace(year=T0.year + 2))

    cases = my_open_cases(cast.worker_a)

    assert ids(cases) == [waiting.pk, sooner.pk, later.pk]
    assert [c.awaiting_my_sign for c in cases] == [True, False, False]


def test_the_list_stops_at_its_limit_in_one_query_after_the_grants(
    cast, tree, django_assert_num_queries
):
    for _ in range(3):
        make_case(cast, tree.grid_a, "accepted", now=T0)
    worker = get_user_model().objects.get(pk=cast.worker_a.pk)  # grants not read yet

    with django_assert_num_queries(2):  # the person's grants, then the list
        assert len(my_open_cases(worker, limit=2)) == 2
