"""The residents' pages of the services (/g/…): a place's catalog and its search, an item's
五公开, the printable card and handbook, applying online, following a request by its code and
booking a holiday duty slot. They show what a notice board would and nothing personal."""

import datetime as dt
import time

import pytest
from django.urls import reverse

from cases.public import guards
from services import actions
from services.models import DutyBooking, DutySlot, ServiceRequest
from staff.models import Profile
from tests.conftest import page_text
from tests.factories import T0, UserFactory, grant


def next_day_off() -> dt.date:
    """The first day off after today (the holiday calendar decides), for a bookable slot."""
    from django.utils import timezone

    from services.calendar import is_day_off

    day = timezone.localdate() + dt.timedelta(days=1)
    while not is_day_off(day):
        day += dt.timedelta(days=1)
    return day


def _old_token() -> str:
    return guards.form_token(now=time.time() - 60)


@pytest.fixture
def officer(tree):
    """Someone in charge of an item: a work phone shown (agreed), a private phone never."""
    user = UserFactory(username="window_clerk", first_name="张窗口")
    grant(user, tree.town1, "center_staff")
    Profile.objects.create(
        user=user, work_phone="0916-7211111", show_work_phone=True, private_phone="13999990000"
    )
    shy = UserFactory(username="shy_clerk", first_name="李不公开")
    grant(shy, tree.town1, "center_staff")
    Profile.objects.create(user=shy, work_phone="0916-7222222", show_work_phone=False)
    return user, shy


def test_the_grid_page_leads_to_its_catalog_and_duty_slots(client, tree):
    page = client.get(reverse("public_grid", kwargs={"code": tree.grid_a.code}))
    html = page.content.decode()
    assert reverse("public_services", kwargs={"code": tree.grid_a.code}) in html
    assert reverse("public_duty", kwargs={"code": tree.grid_a.code}) in html


def test_a_grids_catalog_holds_its_towns_and_villages_items_and_no_others(
    client, tree, make_item, platform
):
    from cases.models import Unit

    make_item(name="高龄补贴申请")
    make_item(node=tree.village1, name="村级证明开具")
    other = Unit.objects.create(name="博望便民服务平台", kind="platform", node=tree.town2)
    make_item(node=tree.town2, unit=other, name="博望街道的事项")
    text = page_text(client.get(reverse("public_services", kwargs={"code": tree.grid_a.code})))
    assert "高龄补贴申请" in text and "村级证明开具" in text
    assert "博望街道的事项" not in text
    # The town's page holds the town's own items, not a village's.
    text = page_text(client.get(reverse("public_services", kwargs={"code": tree.town1.code})))
    assert "高龄补贴申请" in text and "村级证明开具" not in text


def test_the_catalog_search_finds_by_name_and_content_and_bounds_what_is_typed(
    client, tree, make_item
):
    make_item(name="高龄补贴申请")
    make_item(name="残疾人证办理", content="为残疾人办理第二代残疾人证。")
    url = reverse("public_services", kwargs={"code": tree.grid_a.code})
    text = page_text(client.get(url, {"q": "第二代"}))
    assert "残疾人证办理" in text and "高龄补贴申请" not in text
    page = client.get(url, {"q": "补贴" * 5000})
    assert page.status_code == 200
    assert page.context["q"] == ("补贴" * 5000)[:40]


def test_an_items_page_shows_its_five_publics_and_materials(client, item, officer):
    clerk, shy = officer
    item.staff.set([clerk, shy])
    text = page_text(client.get(reverse("public_service_item", kwargs={"item_code": item.code})))
    for shown in (
        "高龄补贴申请",
        "为八十周岁以上老年人发放高龄补贴",  # content
        "镇便民服务平台审核",  # procedure
        "《陕西省高龄老人生活保健补贴办法》",  # policy basis
        "第三条",
        "0916-7212345",  # service phone
        "张窗口",  # staff in charge
        "0916-7211111",  # their work phone: they agreed
        "居民身份证",  # materials
        "一寸免冠照片",
    ):
        assert shown in text, shown
    assert "李不公开" in text and "0916-7222222" not in text  # no agreement, no phone
    assert "13999990000" not in text  # a private phone never


def test_the_service_card_is_an_a6_sheet_with_a_qr_code_of_the_items_page(client, item):
    page = client.get(reverse("public_service_card", kwargs={"item_code": item.code}))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="a6 ') == 2  # front and back
    assert "<svg" in html and 'class="qr"' in html
    assert "<script" not in html


def test_the_handbook_lists_every_item_of_the_town_in_its_contents(client, tree, make_item):
    make_item(name="高龄补贴申请")
    make_item(node=tree.village1, name="村级证明开具")
    page = client.get(reverse("public_service_handbook", kwargs={"code": tree.grid_a.code}))
    html = page.content.decode()
    toc = html.split('class="hb-toc"')[1].split("</nav>")[0]
    assert "高龄补贴申请" in toc and "村级证明开具" in toc
    assert html.count('class="hb-item"') == 2


def _apply(client, item, tree, **fields):
    data = {
        "resident_name": "张秀兰",
        "resident_phone": "138 0000 1234",
        "place": tree.grid_a.pk,
        "note": "为母亲申请",
        "started": _old_token(),
        **fields,
    }
    return client.post(reverse("public_service_apply", kwargs={"item_code": item.code}), data)


def test_a_resident_applies_online_and_follows_it_by_its_code(client, tree, item):
    response = _apply(client, item, tree)
    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "public_service_track", kwargs={"request_code": request.tracking_code}
    )
    assert (request.channel, request.node, request.resident_phone) == (
        "online",
        tree.grid_a,
        "13800001234",
    )
    assert request.visits == 0  # online: no trip


def test_an_online_form_sent_too_fast_or_with_the_honeypot_saves_nothing(client, tree, item):
    assert _apply(client, item, tree, started=guards.form_token()).status_code == 400
    assert _apply(client, item, tree, website="http://spam.invalid").status_code == 400
    assert not ServiceRequest.objects.exists()


def test_an_item_done_only_at_the_window_cannot_be_applied_for_online(client, tree, make_item):
    item = make_item(online=False)
    assert _apply(client, item, tree).status_code == 200
    assert not ServiceRequest.objects.exists()


def test_the_tracking_page_says_what_is_missing_and_nothing_personal(client, cast, make_request):
    request = make_request("received", materials=[0])
    actions.service_request_notify_missing(
        actor=cast.staff_town1, request_id=request.pk, materials=[0], note="照片要彩色", now=T0
    )
    page = client.get(
        reverse("public_service_track", kwargs={"request_code": request.tracking_code})
    )
    text = page_text(page)
    assert "户口簿" in text and "一寸免冠照片" in text and "居民身份证" not in text
    for private in ("张秀兰", "13800001234", "138****1234", cast.staff_town1.first_name):
        assert private not in text


def test_a_refusal_is_told_with_its_reason_and_the_back_offices_result_never(client, make_request):
    done = make_request("done")
    text = page_text(
        client.get(reverse("public_service_track", kwargs={"request_code": done.tracking_code}))
    )
    assert "已发放" not in text  # the back office's own note
    refused = make_request("refused")
    text = page_text(
        client.get(reverse("public_service_track", kwargs={"request_code": refused.tracking_code}))
    )
    assert "年龄未满八十周岁" in text


def test_a_wrong_tracking_code_is_404_and_counted(client, settings, db):
    settings.GRIDGOV_PUBLIC_TRACK_FAILURES = 2
    url = reverse("public_service_track", kwargs={"request_code": "ABCDEFGHJK"})
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 429


@pytest.fixture
def slot(tree, item):
    return DutySlot.objects.create(
        town=tree.town1, date=next_day_off(), starts=dt.time(9), ends=dt.time(12), window="便民服务大厅",
        capacity=1, phone="0916-7219999",
    )  # fmt: skip


def _book(client, tree, slot, phone="13800001234"):
    return client.post(
        reverse("public_duty", kwargs={"code": tree.grid_a.code}),
        {
            "slot": slot.pk,
            "resident_name": "王大爷",
            "resident_phone": phone,
            "started": _old_token(),
        },
    )


def test_a_resident_books_a_duty_seat_and_its_page_shows_nothing_personal(client, tree, slot):
    page = client.get(reverse("public_duty", kwargs={"code": tree.grid_a.code}))
    assert "便民服务大厅" in page_text(page)
    response = _book(client, tree, slot)
    booking = DutyBooking.objects.get()
    assert response["Location"] == reverse(
        "public_duty_booking", kwargs={"booking_code": booking.code}
    )
    text = page_text(client.get(response["Location"]))
    assert "便民服务大厅" in text and "09:00" in text
    assert "王大爷" not in text and "13800001234" not in text
    assert "王大爷" not in page_text(
        client.get(reverse("public_duty", kwargs={"code": tree.grid_a.code}))
    )


def test_a_full_slot_takes_no_second_booking(client, tree, slot):
    _book(client, tree, slot)
    assert _book(client, tree, slot, phone="13900002222").status_code == 400
    assert DutyBooking.objects.count() == 1
