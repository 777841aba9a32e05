"""Every label names what it is, in Chinese first, and durations read the same everywhere."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from gridgov.durations import format_duration
from tests.conftest import page_text

OUR_APPS = ("cases", "grids", "staff", "gridgov", "services")


def _fields():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            if getattr(field, "auto_created", False) or not hasattr(field, "verbose_name"):
                continue
            if field.name in ("lft", "rght", "tree_id", "level"):  # the tree's own bookkeeping
                continue
            yield model, field


def test_every_field_of_our_models_has_a_label_translated_into_chinese():
    unlabelled, untranslated = [], []
    for model, field in _fields():
        label = field.verbose_name
        where = f"{model._meta.label}.{field.name}"
        if not isinstance(label, Promise):
            unlabelled.append(where)
            continue
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        if chinese == english:
            untranslated.append(f"{where}: {english}")
    assert not unlabelled, unlabelled
    assert not untranslated, untranslated


def test_the_households_type_is_not_called_a_case_category():
    from grids.models import GridNode, Household

    with translation.override("zh-hans"):
        assert str(Household._meta.get_field("category").verbose_name) == "户类型"
        assert str(Household._meta.verbose_name_plural) == "住户"
        assert str(GridNode._meta.get_field("households").verbose_name) == "户数"


def test_a_town_admins_admin_is_titled_by_the_town_and_the_apps_have_chinese_names(client, cast):
    client.force_login(cast.town1_admin)
    page = page_text(client.get("/admin/"))
    assert "沙河营镇管理" in page and "县级管理" not in page
    assert "通知" in page and "GRIDGOV" not in page.upper().replace("GRIDGOV 管理", "")
    client.force_login(cast.county_admin)
    assert "城固县管理" in page_text(client.get("/admin/"))


@pytest.mark.parametrize(
    ("minutes", "chinese", "english"),
    [
        (0, "不到1分钟", "under a minute"),
        (5, "5分钟", "5 minutes"),
        (60 + 30, "1小时30分钟", "1 hour 30 minutes"),
        (2 * 1440 + 3 * 60 + 10, "2天3小时", "2 days 3 hours"),
        (1440 + 7, "1天", "1 day"),  # the two largest units; a zero one is left out
    ],
)
def test_durations_read_as_the_two_largest_units(minutes, chinese, english):
    value = dt.timedelta(minutes=minutes, seconds=20)
    with translation.override("zh-hans"):
        assert format_duration(value) == chinese
        assert format_duration(-value) == chinese
    with translation.override("en"):
        assert format_duration(value) == english
    assert format_duration(None) == "—"


def test_the_case_page_and_the_admin_say_durations_the_same_way(client, cast, tree):
    from cases import actions
    from cases.models import Case
    from tests.factories import make_case

    case = make_case(cast, tree.grid_a, "handling")
    Case.objects.filter(pk=case.pk).update(
        clear_by=case.created_at - dt.timedelta(days=2, hours=3, minutes=5)
    )
    client.force_login(cast.staff_town1)
    assert "已逾期2天3小时" in page_text(client.get(f"/desk/cases/{case.pk}/")).replace(" ", "")
    actions.case_escalate(actor=cast.worker_a, case_id=case.pk, reason="调解不成")
    client.force_login(cast.county_admin)
    page = page_text(client.get(f"/admin/cases/case/{case.pk}/change/"))
    assert ":00:" not in page.split("held at the level for")[-1][:200]
