"""The request pages at the desk and on the phone: taking a request in at the window or as an
errand, the request page's actions (allowed and refused), the one-time notice's print, the back
office's membership, and who sees which requests (a village's staff only their village's)."""

import pytest
from django.urls import reverse

from services.models import ServiceRequest
from tests.conftest import page_text
from tests.factories import UserFactory, grant


@pytest.fixture
def village_commander(tree):
    """The village's desk person (网格指挥员): the village's window, nothing beyond it."""
    user = UserFactory(username="village_commander", first_name="梁指挥")
    grant(user, tree.village1, "commander")
    return user


def test_the_window_takes_a_request_in_with_the_materials_in_hand(client, cast, tree, item):
    client.force_login(cast.staff_town1)
    url = reverse("services_request_new")
    page = client.get(url, {"item": item.pk})
    assert page.status_code == 200 and "居民身份证" in page_text(page)
    response = client.post(
        f"{url}?item={item.pk}",
        {
            "place": tree.grid_a.pk,
            "resident_name": "张秀兰",
            "resident_phone": "138-0000-1234",
            "materials": ["0", "2"],
        },
    )
    made = ServiceRequest.objects.get()
    assert response["Location"] == reverse("services_request", args=[made.pk])
    assert (made.channel, made.visits, made.received_materials) == ("window", 1, [0, 2])
    assert made.resident_phone == "13800001234"


def test_a_place_outside_the_persons_area_is_not_offered_nor_taken(client, cast, tree, item):
    client.force_login(cast.staff_town1)
    url = f"{reverse('services_request_new')}?item={item.pk}"
    response = client.post(url, {"place": tree.grid_c.pk, "resident_name": "外镇人"})
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_the_request_page_offers_what_may_be_done_and_does_it(client, cast, make_request):
    request = make_request("received", materials=[0, 1, 2])
    client.force_login(cast.staff_town1)
    page = client.get(reverse("services_request", args=[request.pk]))
    names = [a["name"] for a in page.context["actions"]]
    assert names == ["accept", "notify_missing", "decline", "record_visit"]
    response = client.post(
        reverse("services_request_act", args=[request.pk]),
        {"action": "accept", "materials": ["0", "1", "2"]},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and request.due_at is not None


def test_an_action_that_does_not_fit_or_is_not_yours_is_refused(client, cast, make_request, window):
    request = make_request("received")
    client.force_login(cast.staff_town1)
    act = reverse("services_request_act", args=[request.pk])
    assert client.post(act, {"action": "done", "text": "x"}).status_code == 403
    assert client.post(act, {"action": "no-such-action"}).status_code == 403
    # Accepting with materials missing is refused on the form, nothing changes.
    response = client.post(act, {"action": "accept", "materials": ["0"]})
    assert response.status_code == 400 and "户口簿" in page_text(response)
    assert client.post(act, {"action": "accept", "materials": ["9", "x"]}).status_code == 400
    request.refresh_from_db()
    assert request.status == "received"


def test_only_the_unit_it_was_handed_to_decides_for_a_department(
    client, cast, tree, make_item, make_request, window
):
    owned = make_item(name="特困人员供养申请", unit=window.civil)
    request = make_request("handed", the_item=owned)
    act = reverse("services_request_act", args=[request.pk])
    client.force_login(window.other_department)
    assert client.post(act, {"action": "done", "text": "已办"}).status_code == 403
    client.force_login(cast.staff_town1)  # the town's window: not the county department
    assert client.post(act, {"action": "done", "text": "已办"}).status_code == 403
    client.force_login(window.civil_officer)
    assert client.post(act, {"action": "done", "text": "已审批"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "done"


def test_the_one_time_notice_prints_exactly_what_is_missing(client, cast, make_request):
    request = make_request("received", materials=[0])
    client.force_login(cast.staff_town1)
    client.post(
        reverse("services_request_act", args=[request.pk]),
        {"action": "notify_missing", "materials": ["0"], "text": "照片为近期彩色"},
    )
    text = page_text(client.get(reverse("services_notice", args=[request.pk])))
    assert "户口簿" in text and "一寸免冠照片" in text and "照片为近期彩色" in text
    assert "居民身份证" not in text


def test_a_villages_staff_see_their_villages_requests_and_nothing_outside(
    client, tree, make_request, make_item, village_commander
):
    from cases.models import Unit

    inside = make_request("received", node=tree.grid_b)
    at_town = make_request("received", node=tree.town1)
    other = Unit.objects.create(name="博望便民服务平台", kind="platform", node=tree.town2)
    elsewhere = make_request(
        "received",
        node=tree.grid_c,
        channel="online",
        the_item=make_item(node=tree.town2, unit=other),
    )
    client.force_login(village_commander)
    assert client.get(reverse("services_request", args=[inside.pk])).status_code == 200
    for outside in (at_town, elsewhere):
        assert client.get(reverse("services_request", args=[outside.pk])).status_code == 404
        act = reverse("services_request_act", args=[outside.pk])
        assert client.post(act, {"action": "accept"}).status_code == 404
    listed = [r.pk for r in client.get(reverse("services_requests")).context["page"]]
    assert listed == [inside.pk]


def test_a_grid_worker_takes_an_errand_and_hands_the_result_over(
    client, cast, tree, item, make_request
):
    client.force_login(cast.worker_a)
    url = f"{reverse('services_errand_new')}?item={item.pk}"
    response = client.post(
        url, {"place": tree.grid_a.pk, "resident_name": "独居老人", "materials": ["0", "1", "2"]}
    )
    errand = ServiceRequest.objects.get()
    assert response["Location"] == reverse("services_errand", args=[errand.pk])
    assert (errand.channel, errand.errand_runner, errand.visits) == ("errand", cast.worker_a, 0)
    assert errand.pk in [r.pk for r in client.get(reverse("services_errands")).context["open"]]
    # The window takes it from there; the errand-runner brings the result back.
    from services import actions

    staff = cast.staff_town1
    actions.service_request_accept(actor=staff, request_id=errand.pk, materials=[0, 1, 2])
    actions.service_request_hand(actor=staff, request_id=errand.pk)
    actions.service_request_done(actor=staff, request_id=errand.pk, result="已发放")
    page = client.get(reverse("services_errand", args=[errand.pk]))
    assert [a["name"] for a in page.context["actions"]] == ["deliver"]
    act = reverse("services_errand_act", args=[errand.pk])
    assert client.post(act, {"action": "deliver", "delivery": "window"}).status_code == 400
    assert client.post(act, {"action": "deliver", "delivery": "errand"}).status_code == 302
    errand.refresh_from_db()
    assert (errand.status, errand.delivery, errand.visits) == ("delivered", "errand", 0)


def test_another_grids_worker_may_not_deliver_an_errand_not_theirs(client, cast, make_request):
    request = make_request("done", node=None, channel="errand")
    client.force_login(cast.worker_b)
    assert client.get(reverse("services_errand", args=[request.pk])).status_code == 404


def test_the_desk_pages_refuse_the_phone_people_and_the_phone_pages_the_desk(
    client, cast, make_request
):
    request = make_request("received")
    client.force_login(cast.worker_a)
    assert client.get(reverse("services_request", args=[request.pk])).status_code == 403
    assert client.get(reverse("services_requests")).status_code == 403
    client.force_login(cast.staff_town1)
    assert client.get(reverse("services_errand", args=[request.pk])).status_code == 403
    assert client.get(reverse("services_errands")).status_code == 403
    client.logout()
    assert client.get(reverse("services_requests")).status_code == 302
