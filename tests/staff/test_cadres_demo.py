"""Linked cadres in the demo (staff.demo): the links of 梁家庵村 and 徐家营村, 李振's accompanied
patrol this week and a patrol under way today for him to join, the town's scores of its outposts
last month; a second load adds nothing."""

import pytest

from gridgov import demo
from gridgov.demo import LIANGJIAAN
from staff.models import CoPatrol, Link, OutpostScore
from tests.conftest import demo_kept

MODELS = (Link, CoPatrol, OutpostScore)


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with demo_kept(django_db_blocker):
        first = demo.load_case_data()
        yield first, _counts()


def test_the_demo_villages_have_their_linked_cadres_and_departments(_loaded_once, db):
    links = Link.objects.filter(village__code=LIANGJIAAN)
    assert set(links.values_list("kind", flat=True)) == {
        "town_cadre",
        "county_leader",
        "department",
    }
    assert Link.objects.filter(user__username="lizhen").count() == 2
    assert _loaded_once[0]["village_links"] == 5


def test_li_zhen_has_an_accompanied_patrol_and_one_to_join_today(_loaded_once, db, client):
    assert CoPatrol.objects.filter(user__username="lizhen").count() == 1
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lizhen"))
    assert "/join/" in client.get("/m/copatrol/").content.decode()


def test_the_town_scored_its_outposts_and_a_second_load_adds_nothing(_loaded_once, db):
    assert OutpostScore.objects.filter(town__code="610722107").count() == 4
    assert OutpostScore.objects.exclude(points=100).exists()
    _first, after_first = _loaded_once
    demo.load_case_data()
    assert _counts() == after_first
