"""Who may take each action of the request table: the window (and for the back office's rows,
the members of the unit it was handed to; for delivering, the request's own errand-runner), and
nobody else — in the scope but without the right is 403, outside the scope 404, like a missing
request. The public pages of the services never show a resident's name or phone, an office
note or a private phone."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from services import actions, workflow
from services.models import RequestStatus, ServiceRequestEvent
from staff.models import Profile
from tests.factories import T0
from tests.services.test_workflow import VALUES

S = RequestStatus
LATER = T0 + dt.timedelta(days=1)
# A status each action fits, to start it from.
START = {
    "accept": S.RECEIVED,
    "notify_missing": S.RECEIVED,
    "complete": S.INCOMPLETE,
    "decline": S.RECEIVED,
    "hand": S.ACCEPTED,
    "done": S.HANDED,
    "refuse": S.HANDED,
    "deliver": S.DONE,
    "record_visit": S.ACCEPTED,
}
# Who, of the cast, is refused each action, and how: in the scope 403, outside it 404.
REFUSED = [
    ("informant_a", PermissionDenied),  # sees the grid, has no part in services
    ("worker_b", Http404),  # the next grid's worker
    ("staff_town2", Http404),  # another town's window
    ("town1_admin", PermissionDenied),  # keeps the catalog, works no request
]
CASES = [(name, who, error) for name in workflow.ACTIONS for who, error in REFUSED]


@pytest.mark.parametrize(("name", "who", "error"), CASES, ids=[f"{n}-by-{w}" for n, w, _e in CASES])
def test_each_action_is_refused_to_whom_the_policy_refuses_it(cast, make_request, name, who, error):
    request = make_request(START[name])
    before = ServiceRequestEvent.objects.filter(request=request).count()
    with pytest.raises(error):
        actions.perform(
            name, actor=getattr(cast, who), request_id=request.pk, values=VALUES[name], now=LATER
        )
    request.refresh_from_db()
    assert request.status == START[name]
    assert ServiceRequestEvent.objects.filter(request=request).count() == before


@pytest.mark.parametrize("name", list(workflow.ACTIONS))
def test_the_grid_worker_is_refused_every_action_but_delivering_their_own_errand(
    cast, make_request, name
):
    request = make_request(START[name], channel="errand")
    values = {**VALUES[name], "delivery": "errand"} if name == "deliver" else VALUES[name]
    if name == "deliver":
        actions.perform(name, actor=cast.worker_a, request_id=request.pk, values=values, now=LATER)
        request.refresh_from_db()
        assert request.status == S.DELIVERED
        return
    with pytest.raises(PermissionDenied):
        actions.perform(name, actor=cast.worker_a, request_id=request.pk, values=values, now=LATER)


def test_a_village_chief_works_the_village_window(cast, make_request):
    request = make_request(S.RECEIVED)
    actions.service_request_accept(
        actor=cast.village_chief, request_id=request.pk, materials=[0, 1, 2], now=LATER
    )
    request.refresh_from_db()
    assert request.status == S.ACCEPTED


def test_the_services_public_pages_show_nothing_personal(client, cast, tree, item, make_request):
    from services.models import DutySlot
    from tests.services.test_public_pages import next_day_off

    Profile.objects.create(
        user=cast.staff_town1, work_phone="0916-7211111", private_phone="13999990000"
    )
    item.staff.set([cast.staff_town1])
    done = make_request(S.DONE)
    refused = make_request(S.REFUSED)
    slot = DutySlot.objects.create(
        town=tree.town1, date=next_day_off(), starts=dt.time(9), ends=dt.time(12), window="大厅",
        capacity=5,
    )  # fmt: skip
    booking = actions.duty_book(
        slot_id=slot.pk, resident_name="王大爷", resident_phone="13700007777"
    )
    code = tree.grid_a.code
    pages = [
        reverse("public_services", kwargs={"code": code}),
        reverse("public_services", kwargs={"code": code}) + "?q=补贴",
        reverse("public_service_handbook", kwargs={"code": code}),
        reverse("public_duty", kwargs={"code": code}),
        reverse("public_service_item", kwargs={"item_code": item.code}),
        reverse("public_service_card", kwargs={"item_code": item.code}),
        reverse("public_service_apply", kwargs={"item_code": item.code}),
        reverse("public_service_track", kwargs={"request_code": done.tracking_code}),
        reverse("public_service_track", kwargs={"request_code": refused.tracking_code}),
        reverse("public_duty_booking", kwargs={"booking_code": booking.code}),
    ]
    private = ["张秀兰", "13800001234", "王大爷", "13700007777", "13999990000", "已发放"]
    for url in pages:
        html = client.get(url).content.decode()
        for word in private:
            assert word not in html, (url, word)
        # The staff member did not agree to show the work phone.
        assert "0916-7211111" not in html, url
