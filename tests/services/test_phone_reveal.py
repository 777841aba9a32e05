"""A resident's phone is masked on every staff page of the services; shown in full only through
the one logged reveal (services.actions.resident_phone_reveal), to the window or the request's
own errand-runner, a help order's dispatchers or the volunteer it is with; outside the scope
404, without the right 403, no reason no number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from services.models import OrderStatus, PhoneReveal, RequestStatus
from tests.services.test_volunteers import _order

S, OS = RequestStatus, OrderStatus
PHONE, ORDER_PHONE = "13800001234", "13600001234"
MASKED = "138****1234"


def test_the_request_page_shows_the_phone_masked_and_the_reveal_logs_who_why_and_when(
    client, cast, make_request
):
    request = make_request(S.RECEIVED)
    client.force_login(cast.staff_town1)
    page = client.get(reverse("services_request", args=[request.pk])).content.decode()
    url = reverse("services_request_phone", args=[request.pk])
    assert MASKED in page and PHONE not in page and f'href="{url}"' in page
    shown = client.get(url)
    assert PHONE not in shown.content.decode() and MASKED in shown.content.decode()
    refused = client.post(url, {"reason": " "})
    assert PHONE not in refused.content.decode() and not PhoneReveal.objects.exists()
    revealed = client.post(url, {"reason": "电话通知补交材料"})
    assert PHONE in revealed.content.decode() and revealed["Cache-Control"] == "no-store"
    log = PhoneReveal.objects.get()
    assert (log.user, log.request, log.order, log.reason) == (
        cast.staff_town1, request, None, "电话通知补交材料",
    )  # fmt: skip


def test_the_errand_runner_reveals_their_own_errands_phone_and_no_other(client, cast, make_request):
    mine = make_request(S.RECEIVED, channel="errand")
    windows = make_request(S.RECEIVED)
    client.force_login(cast.worker_a)
    page = client.get(reverse("services_errand", args=[mine.pk])).content.decode()
    assert MASKED in page and reverse("services_request_phone", args=[mine.pk]) in page
    assert (
        PHONE
        in client.post(
            reverse("services_request_phone", args=[mine.pk]), {"reason": "上门前联系"}
        ).content.decode()
    )
    url = reverse("services_request_phone", args=[windows.pk])
    assert client.post(url, {"reason": "想看看"}).status_code == 403
    client.force_login(cast.worker_b)  # another grid: the request is not theirs to know
    assert client.post(url, {"reason": "想看看"}).status_code == 404
    assert PhoneReveal.objects.count() == 1


@pytest.mark.parametrize("who", ["staff_town2", "informant_a"])
def test_who_is_outside_or_has_no_right_sees_no_number(client, cast, make_request, who):
    request = make_request(S.RECEIVED)
    client.force_login(getattr(cast, who))
    response = client.post(reverse("services_request_phone", args=[request.pk]), {"reason": "x"})
    assert response.status_code in (403, 404)
    assert response.status_code == (404 if who == "staff_town2" else 403)
    assert not PhoneReveal.objects.exists()


def test_a_help_orders_phone_is_revealed_to_its_dispatcher_and_its_volunteer_only(
    client, cast, tree, team
):
    order = _order(cast, tree, OS.TAKEN, team=team)
    url = reverse("help_order_phone", args=[order.pk])
    client.force_login(cast.staff_town1)
    page = client.get(reverse("help_order", args=[order.pk])).content.decode()
    assert "136****1234" in page and ORDER_PHONE not in page and url in page
    client.force_login(team.helper)  # took it
    task = client.get(reverse("volunteer_task", args=[order.pk])).content.decode()
    assert url in task and ORDER_PHONE not in task
    assert ORDER_PHONE in client.post(url, {"reason": "约上门时间"}).content.decode()
    client.force_login(team.leader)  # of the team, but it is not with them
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(team.stranger)  # another town
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert list(PhoneReveal.objects.values_list("user", "order")) == [(team.helper.pk, order.pk)]


def test_a_request_without_a_phone_offers_no_reveal(client, cast, make_request):
    from services.models import ServiceRequest

    request = make_request(S.RECEIVED)
    ServiceRequest.objects.filter(pk=request.pk).update(resident_phone="")
    client.force_login(cast.staff_town1)
    url = reverse("services_request_phone", args=[request.pk])
    page = client.get(reverse("services_request", args=[request.pk])).content.decode()
    assert url not in page
    assert client.get(url).status_code == 403
