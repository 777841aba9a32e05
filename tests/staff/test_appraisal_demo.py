"""People and points in the demo (staff.demo, loaded by `manage.py load_demo`): last month's
appraisal of 梁家庵村 published (王刚 sees his score on the phone), 徐家营村's under review, the
county's rules, points earned, cards, the villages' shops; a second load adds nothing."""

import pytest
from django.urls import reverse

from gridgov import demo
from gridgov.demo import LIANGJIAAN
from staff.models import (
    AppraisalLine,
    AppraisalRule,
    AppraisalSheet,
    PointsAccount,
    PointsEntry,
    PointsScheme,
    Redemption,
    ShopItem,
)
from tests.conftest import demo_kept, page_text

MODELS = (
    AppraisalRule,
    AppraisalSheet,
    AppraisalLine,
    PointsScheme,
    PointsAccount,
    PointsEntry,
    ShopItem,
    Redemption,
)


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with demo_kept(django_db_blocker):
        first = demo.load_case_data()
        yield first, _counts()


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once[0]


def test_liangjiaans_last_month_is_published_and_wang_gang_sees_it_on_the_phone(loaded, client):
    sheet = AppraisalSheet.objects.get(village__code=LIANGJIAAN)
    assert sheet.status == "published" and sheet.lines.count() >= 2
    line = sheet.lines.get(worker__username="wanggang")
    assert line.scores.get(item__measure="patrol_days").quantity > 15
    assert {g for g in sheet.lines.values_list("grade", flat=True)} >= {"competent", "basic"}
    assert AppraisalSheet.objects.filter(status="draft").exists()  # 徐家营村, under review
    client.force_login(line.worker)
    assert str(line.score) in page_text(client.get(reverse("appraisal_mine")))


def test_the_villages_have_shops_cards_and_points(loaded):
    assert ShopItem.objects.filter(village__code=LIANGJIAAN).count() == 5
    assert ShopItem.objects.exclude(village__code=LIANGJIAAN).count() == 3  # 腊湾村's 爱心超市
    assert PointsAccount.objects.filter(resident__isnull=False).count() == 5
    assert PointsEntry.objects.filter(kind="earned").exists()
    assert Redemption.objects.count() == 1
    for account in PointsAccount.objects.all():
        assert account.balance == sum(account.entries.values_list("amount", flat=True))
    assert loaded["appraisal_sheets"] == 2 and loaded["shop_goods"] == 8


def test_loading_the_demo_twice_adds_no_people_or_points_data(_loaded_once, db):
    _first, after_first = _loaded_once
    second = demo.load_case_data()
    assert _counts() == after_first
    assert (second["appraisal_sheets"], second["shop_goods"], second["points_cards"]) == (0, 0, 0)
