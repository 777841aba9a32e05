"""What the demo's bulletins show: 沙河营镇's grid workers with opted-in work phones and duties,
its town hotline on every grid's page, and 博望街道's road segments with their street chiefs
(seed 001: 42 segments, 44 party-member and 32 merchant chiefs)."""

import pytest
from django.db.models import F

from gridgov import demo
from gridgov.demo import BOWANG, LIANGJIAAN_GRID_1, SHAHEYING
from grids.models import GridNode, StreetSegment
from staff.models import Assignment, Profile
from tests.conftest import demo_kept


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with demo_kept(django_db_blocker):
        yield demo.load_case_data()


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once


def test_every_shaheying_grid_worker_shows_a_work_phone_and_lists_duties(loaded):
    posts = Assignment.objects.active().filter(role="grid_worker", node__code__startswith=SHAHEYING)
    assert posts.count() == 56
    assert not posts.filter(duties="").exists()
    profiles = Profile.objects.filter(user__in=posts.values("user"))
    assert profiles.count() == 56 and not profiles.filter(show_work_phone=False).exists()


def test_wanggangs_page_shows_his_work_phone_and_the_towns_hotline_never_his_private_phone(
    client, loaded
):
    profile = Profile.objects.get(user__username="wanggang")
    html = client.get(f"/g/{LIANGJIAAN_GRID_1}/").content.decode()
    assert profile.work_phone in html and profile.private_phone
    assert profile.private_phone not in html
    assert GridNode.objects.get(code=SHAHEYING).hotline in html


def test_bowang_has_42_road_segments_with_44_party_member_and_32_merchant_street_chiefs(loaded):
    segments = StreetSegment.objects.filter(node__code__startswith=BOWANG)
    assert segments.count() == 42
    assert len({s.road for s in segments}) == 16
    chiefs = Assignment.objects.filter(role="street_chief", segment__in=segments)
    assert chiefs.filter(title="党员街长").count() == 44
    assert chiefs.filter(title="商户街长").count() == 32
    assert not chiefs.exclude(node=F("segment__node")).exists()  # posted where it lies


def test_loading_the_bulletins_again_adds_nothing(loaded):
    from gridgov.demo.bulletins import ensure_bulletins

    assert all(v == 0 for v in ensure_bulletins(lambda message: None).values())
