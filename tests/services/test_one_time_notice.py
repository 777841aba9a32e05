"""一次性告知: the window tells the resident everything still missing, once. The notice lists
exactly what is not in hand (as the item's version named it), nothing missing refuses it, a
second notice is impossible (a constraint), and the request is accepted only once everything
has come; the resident's tracking page and the printed notice say the same."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from gridgov.errors import DomainError
from services import actions
from services.models import MaterialsNotice, RequestStatus, ServiceRequestEvent
from tests.conftest import page_text
from tests.factories import T0
from tests.services.conftest import ALL

S = RequestStatus


def test_the_notice_lists_exactly_the_materials_not_in_hand(cast, make_request):
    request = make_request(S.RECEIVED, materials=[0])
    notice = actions.service_request_notify_missing(
        actor=cast.staff_town1, request_id=request.pk, materials=[0, 2], note="原件核对后退还"
    )
    assert notice.missing == [{"name": "户口簿", "form": "both", "count": 1}]
    request.refresh_from_db()
    assert (request.status, request.received_materials, request.due_at) == (
        S.INCOMPLETE, [0, 2], None,
    )  # fmt: skip
    event = ServiceRequestEvent.objects.filter(request=request).last()
    assert (event.action, event.note) == ("notify_missing", "户口簿")


def test_nothing_missing_gives_no_notice_and_accept_refuses_while_anything_is(cast, make_request):
    request = make_request(S.RECEIVED)
    with pytest.raises(DomainError):
        actions.service_request_notify_missing(
            actor=cast.staff_town1, request_id=request.pk, materials=ALL
        )
    with pytest.raises(DomainError):
        actions.service_request_accept(
            actor=cast.staff_town1, request_id=request.pk, materials=[0, 1]
        )
    request.refresh_from_db()
    assert request.status == S.RECEIVED and not MaterialsNotice.objects.exists()


def test_a_request_gets_one_notice_the_database_refuses_a_second(cast, make_request):
    request = make_request(S.INCOMPLETE)
    with pytest.raises(DomainError):  # the table: an incomplete request is not notified again
        actions.service_request_notify_missing(
            actor=cast.staff_town1, request_id=request.pk, materials=[0]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialsNotice.objects.create(request=request, missing=[], issued_at=T0)
    assert MaterialsNotice.objects.filter(request=request).count() == 1


def test_completing_needs_everything_the_notice_named(cast, make_request):
    request = make_request(S.INCOMPLETE)  # has the ID card only
    with pytest.raises(DomainError):
        actions.service_request_complete(
            actor=cast.staff_town1, request_id=request.pk, materials=[0, 1], came="post"
        )
    actions.service_request_complete(
        actor=cast.staff_town1, request_id=request.pk, materials=ALL, came="post"
    )
    request.refresh_from_db()
    assert request.status == S.ACCEPTED and request.due_at is not None


def test_the_printed_notice_and_the_tracking_page_say_the_same_and_the_print_is_the_windows(
    client, cast, make_request
):
    request = make_request(S.INCOMPLETE)
    client.force_login(cast.staff_town1)
    printed = page_text(client.get(reverse("services_notice", args=[request.pk])))
    tracked = page_text(
        client.get(reverse("public_service_track", kwargs={"request_code": request.tracking_code}))
    )
    for missing in ("户口簿", "一寸免冠照片"):
        assert missing in printed and missing in tracked
    assert "居民身份证" not in printed
    client.force_login(cast.staff_town2)  # another town's window
    assert client.get(reverse("services_notice", args=[request.pk])).status_code == 404
