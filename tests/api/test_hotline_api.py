"""The hotline's door: who may call it, what it refuses (as problems, never a 500), where an
order lands, that a number sent twice is one case, and the hotline's events (urge, call-back,
return decisions)."""

import json

import pytest
from django.utils import timezone

from cases import actions
from cases.models import Attachment, Case, CaseEvent, HotlineOrder
from cases.queries import intake
from gridgov import notify
from gridgov.models import Delivery, Notice, OutboxMessage
from tests.api.conftest import Api, make_client
from tests.cases.hotline import FakeHotline, inline, jpeg, make_hotline, order, receive
from tests.factories import advance

pytestmark = pytest.mark.django_db

ORDERS, EVENTS = "/api/v1/hotline/orders/", "/api/v1/hotline/events/"
PROBLEM = "application/problem+json"


@pytest.fixture
def hotline(tree):
    """The county's 12345 hotline, acting as the county centre's staff."""
    return make_hotline(tree.county)


@pytest.fixture
def api(hotline):
    return Api(hotline.key)


def refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    if field is not None:
        assert field in body["errors"], body
    return body


# ---------------------------------------------------------------- who may call


def test_without_credentials_it_is_401(client):
    response = Api().post(ORDERS, order())
    refused(response, 401)
    assert "WWW-Authenticate" in response


def test_a_person_is_refused_even_a_county_one(county_staff):
    refused(Api(user=county_staff).post(ORDERS, order()), 403)
    refused(Api(user=county_staff).post(EVENTS, {"order_no": "X", "event": "urge"}), 403)
    assert not Case.objects.exists()


def test_a_client_without_the_hotline_endpoint_is_refused(tree):
    other = make_client(tree.county, ["center_staff"], ["cases.report", "cases.read"])
    refused(Api(other.key).post(ORDERS, order()), 403)
    assert not Case.objects.exists()


def test_a_client_with_the_endpoint_but_no_hotline_settings_is_refused(tree):
    bare = make_client(tree.county, ["center_staff"], ["hotline"])
    refused(Api(bare.key).post(ORDERS, order()), 403)


def test_another_hotlines_order_is_not_found_and_nothing_is_done(cast, tree, hotline):
    made = receive(hotline)
    town2 = make_hotline(tree.town2)
    county_other = make_hotline(tree.county)
    for other in (town2, county_other):
        response = Api(other.key).post(EVENTS, {"order_no": made.order_no, "event": "urge"})
        refused(response, 404)
    made.refresh_from_db()
    assert made.urge_count == 0
    assert not CaseEvent.objects.filter(action="hotline_urge").exists()


def test_an_order_outside_the_hotlines_area_now_is_not_found(cast, tree):
    town1 = make_hotline(tree.town1)
    made = receive(town1)
    from gridgov.api import clients

    clients.api_client_update(  # the client now covers another town
        actor=None,
        client_id=town1.client.pk,
        name=town1.client.name,
        node_id=tree.town2.pk,
        roles=["center_staff"],
        endpoints=["hotline"],
    )
    response = Api(town1.key).post(EVENTS, {"order_no": made.order_no, "event": "urge"})
    refused(response, 404)
    # Sent again on the orders door, it is not answered with its case either.
    again = Api(town1.key).post("/api/v1/hotline/orders/", order(made.order_no))
    refused(again, 404)
    assert Case.objects.filter(source="hotline").count() == 1


# ---------------------------------------------------------------- what it refuses


@pytest.mark.parametrize("missing", ["order_no", "content"])
def test_a_missing_field_is_refused_by_name(api, missing):
    body = order()
    body.pop(missing)
    refused(api.post(ORDERS, body), 422, missing)
    assert not Case.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1380000123x", "2380000123456", "++86"])
def test_a_phone_that_is_no_phone_is_refused(api, phone):
    refused(api.post(ORDERS, order(caller_phone=phone)), 422, "caller_phone")


@pytest.mark.parametrize("number", ["", "-starts-with-dash", "has space", "x" * 65, "编号1"])
def test_an_order_number_of_other_characters_is_refused(api, number):
    refused(api.post(ORDERS, order(number)), 422, "order_no")


def test_too_long_a_content_is_refused_and_a_huge_string_cannot_be_read(api):
    refused(api.post(ORDERS, order(content="路" * 5001)), 422, "content")
    refused(api.post(ORDERS, order(content="x" * 200_001)), 400)
    refused(api.post(ORDERS, order(content="路" * 400_000)), 413)
    refused(api.post(ORDERS, "{not json"), 400)
    refused(api.post(ORDERS, [1, 2]), 422)
    assert not Case.objects.exists()


def test_a_field_the_shape_does_not_name_is_refused_by_name(api):
    refused(api.post(ORDERS, order(priority="high")), 422, "priority")


@pytest.mark.parametrize(
    ("attachment", "field"),
    [
        ({"content_base64": "not base64 at all!"}, "attachments.0.content_base64"),
        ({"content_base64": inline(b"plain text, no photo")}, "attachments.0.content_base64"),
        ({"content_base64": inline(b"\xff" * 145_000)}, "attachments.0.content_base64"),
        ({}, "attachments.0.non_field_errors"),
        ({"url": "https://x.example/a.jpg", "content_base64": inline(jpeg())}, None),
    ],
)
def test_an_attachment_that_is_no_photo_is_refused_and_no_case_is_made(api, attachment, field):
    body = refused(api.post(ORDERS, order(attachments=[attachment])), 422, field)
    assert body["detail"]
    assert not Case.objects.exists()


def test_more_than_six_photos_are_refused(api):
    photos = [{"content_base64": inline(jpeg())}] * 7
    refused(api.post(ORDERS, order(attachments=photos)), 422, "attachments")


def test_an_inline_photo_is_kept_re_encoded(api, media):
    response = api.post(
        ORDERS, order(attachments=[{"name": "a.png", "content_base64": inline(jpeg())}])
    )
    assert response.status_code == 201, response.content
    (photo,) = Attachment.objects.filter(case_id=response.json()["case_id"])
    assert photo.is_photo and photo.file.name.endswith(".jpg")


def test_fetching_photos_by_address_is_off_unless_the_host_is_listed(api, settings):
    assert settings.GRIDGOV_HOTLINE_ATTACHMENT_HOSTS == []
    body = order(attachments=[{"url": "https://files.12345.example.org/1.jpg"}])
    detail = refused(api.post(ORDERS, body), 422, "attachments.0.url")["detail"]
    assert "不" in detail or "not" in detail
    assert not Case.objects.exists()


@pytest.fixture
def files(settings):
    server = FakeHotline()
    server.files["/photos/1.jpg"] = (200, jpeg())
    server.files["/photos/text.jpg"] = (200, b"just text")
    server.files["/photos/moved.jpg"] = (302, b"")
    server.files["/photos/huge.jpg"] = (200, b"\xff" * (8 * 1024 * 1024 + 10))
    settings.GRIDGOV_HOTLINE_ATTACHMENT_HOSTS = [server.origin]
    yield server
    server.close()


def test_a_photo_from_a_listed_host_is_fetched_checked_and_kept(api, files, media):
    body = order(attachments=[{"url": f"{files.origin}/photos/1.jpg"}])
    response = api.post(ORDERS, body)
    assert response.status_code == 201, response.content
    (photo,) = Attachment.objects.filter(case_id=response.json()["case_id"])
    assert photo.is_photo and photo.file.name.endswith(".jpg")


@pytest.mark.parametrize(
    "path", ["/photos/text.jpg", "/photos/moved.jpg", "/photos/huge.jpg", "/nothing.jpg"]
)
def test_what_a_listed_host_answers_must_be_a_photo_and_no_redirect_is_followed(api, files, path):
    body = order(attachments=[{"url": f"{files.origin}{path}"}])
    refused(api.post(ORDERS, body), 422, "attachments.0.url")
    assert not Case.objects.exists()


def test_a_listed_name_that_is_an_inside_address_is_not_fetched(api, files, settings):
    port = files.server.server_port
    settings.GRIDGOV_HOTLINE_ATTACHMENT_HOSTS = [f"http://localhost:{port}"]
    body = order(attachments=[{"url": f"http://localhost:{port}/photos/1.jpg"}])
    detail = refused(api.post(ORDERS, body), 422, "attachments.0.url")["detail"]
    assert detail
    assert files.received == []  # nothing was asked of it


def test_an_unlisted_origin_on_a_listed_host_is_not_fetched(api, files):
    port = files.server.server_port
    body = order(attachments=[{"url": f"https://127.0.0.1:{port}/photos/1.jpg"}])
    refused(api.post(ORDERS, body), 422, "attachments.0.url")


# ---------------------------------------------------------------- where an order lands


def test_a_number_sent_twice_is_one_case(api):
    first = api.post(ORDERS, order("SX-1"))
    again = api.post(ORDERS, order("SX-1", content="另一段内容"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["case_id"] == again.json()["case_id"]
    assert Case.objects.count() == 1 and HotlineOrder.objects.count() == 1


def test_the_same_number_from_two_hotlines_is_two_orders(api, tree):
    other = make_hotline(tree.county)
    a = api.post(ORDERS, order("SX-1")).json()
    b = Api(other.key).post(ORDERS, order("SX-1")).json()
    assert a["case_id"] != b["case_id"]


def test_a_town_code_puts_it_in_that_towns_intake(api, cast, tree):
    answer = api.post(ORDERS, order(town_code=tree.town2.code, address="")).json()
    case = Case.objects.get(pk=answer["case_id"])
    assert case.node == tree.town2
    assert case in intake.queue(cast.staff_town2) and case not in intake.queue(cast.staff_town1)


def test_the_address_names_the_village_or_the_town(api, tree):
    village = api.post(ORDERS, order("A", address="沙河营镇梁家庵村三组")).json()
    town = api.post(ORDERS, order("B", address="城固县博望街道某小区")).json()
    short = api.post(ORDERS, order("C", address="梁家庵二组")).json()
    assert village["place"]["code"] == tree.village1.code
    assert town["place"]["code"] == tree.town2.code
    assert short["place"]["code"] == tree.village1.code  # 村 left out


def test_an_order_naming_no_known_place_goes_to_the_county_centres_queue(
    api, cast, tree, county_staff
):
    answer = api.post(ORDERS, order(address="外省某地", town_code="999999999")).json()
    case = Case.objects.get(pk=answer["case_id"])
    assert case.node == tree.county == case.owner_node
    assert case in intake.queue(county_staff)
    assert case not in intake.queue(cast.staff_town1)
    assert "999999999" in case.description  # the unknown code is said, not lost


def test_a_towns_hotline_never_places_an_order_outside_its_town(tree):
    town1 = make_hotline(tree.town1)
    answer = (
        Api(town1.key).post(ORDERS, order(town_code=tree.town2.code, address="博望街道")).json()
    )
    assert answer["place"]["code"] == tree.town1.code


def test_the_order_answer_says_what_gridgov_holds(api, tree):
    answer = api.post(ORDERS, order(deadline="2026-11-21T18:00:00+08:00")).json()
    assert answer["order_no"] == "SX-0042" and answer["status"] == "reported"
    assert answer["deadline"].startswith("2026-11-21T18:00:00")
    assert answer["return"] == {"state": "", "reason": "", "answer": ""}
    assert answer["callback"] == {"result": "", "at": None}
    assert answer["tracking_code"] == Case.objects.get().tracking_code


# ---------------------------------------------------------------- the hotline's events


def _event(api, number, event, **fields):
    return api.post(EVENTS, {"order_no": number, "event": event, **fields})


def test_an_urge_is_recorded_and_heard_by_the_handler_and_the_town(api, hotline, cast, tree):
    made = receive(hotline)
    advance(cast, made.case, "handling", handler="village_chief")
    response = _event(api, made.order_no, "urge", note="市民第三次来电催办")
    assert response.status_code == 200, response.content
    assert response.json()["urge_count"] == 1
    event = CaseEvent.objects.get(case=made.case, action="hotline_urge")
    assert event.note == "市民第三次来电催办" and event.actor == hotline.user
    notify.deliver_pending(now=timezone.now())
    heard = set(
        Notice.objects.filter(message__kind="hotline_urged").values_list(
            "user__username", flat=True
        )
    )
    assert {"village_chief", "staff_town1"} <= heard
    assert "staff_town2" not in heard


def test_an_urge_on_a_closed_order_does_not_fit(api, hotline, cast):
    made = receive(hotline)
    advance(cast, made.case, "closed", handler="village_chief")
    refused(_event(api, made.order_no, "urge"), 409)


def test_an_unknown_order_number_is_not_found(api):
    refused(_event(api, "NOPE-1", "urge"), 404)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"event": "callback"}, "result"),
        ({"event": "callback", "result": "happy"}, "result"),
        ({"event": "callback", "result": "satisfied", "score": 1}, "score"),
        ({"event": "callback", "score": 9}, "score"),
        ({"event": "return_decision"}, "decision"),
        ({"event": "urge", "decision": "accepted"}, "decision"),
        ({"event": "dance"}, "event"),
    ],
)
def test_an_event_that_does_not_say_what_it_must_is_refused(api, hotline, fields, field):
    made = receive(hotline)
    refused(api.post(EVENTS, {"order_no": made.order_no, **fields}), 422, field)


def test_a_call_back_before_the_reply_does_not_fit_and_a_second_one_neither(api, hotline, cast):
    made = receive(hotline)
    refused(_event(api, made.order_no, "callback", result="satisfied"), 409)
    advance(cast, made.case, "resolved", handler="village_chief")
    assert _event(api, made.order_no, "callback", score=4).status_code == 200
    refused(_event(api, made.order_no, "callback", result="unsatisfied"), 409)
    made.refresh_from_db()
    made.case.refresh_from_db()
    assert made.verdict == "basically_satisfied" and made.case.satisfaction == 4


def test_an_unhappy_caller_is_told_to_whoever_handles_it(api, hotline, cast):
    made = receive(hotline)
    advance(cast, made.case, "resolved", handler="village_chief")
    _event(api, made.order_no, "callback", result="unsatisfied", note="路灯又坏了")
    made.case.refresh_from_db()
    assert made.case.satisfaction == 1
    notify.deliver_pending(now=timezone.now())
    assert Notice.objects.filter(
        user=cast.village_chief, message__kind="hotline_unsatisfied"
    ).exists()


def test_a_retried_event_with_its_key_is_done_once(api, hotline):
    made = receive(hotline)
    first = api.post(
        EVENTS, {"order_no": made.order_no, "event": "urge"}, **{"Idempotency-Key": "e-1"}
    )
    again = api.post(
        EVENTS, {"order_no": made.order_no, "event": "urge"}, **{"Idempotency-Key": "e-1"}
    )
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    made.refresh_from_db()
    assert made.urge_count == 1


# ---------------------------------------------------------------- 退单


def test_the_town_asks_to_return_an_order_and_the_hotline_takes_it_back(api, hotline, cast):
    made = receive(hotline)
    town = Api(user=cast.staff_town1)
    # Not a matter for rejecting or merging: the town asks the hotline instead.
    shown = town.get(f"/api/v1/cases/{made.case.pk}/").json()["actions"]
    assert "hotline_return" in shown and "reject" not in shown and "merge" not in shown
    refused(town.post(f"/api/v1/cases/{made.case.pk}/actions/reject/", {"text": "不属实"}), 409)
    response = town.post(
        f"/api/v1/cases/{made.case.pk}/actions/hotline_return/", {"text": "地址属于邻县"}
    )
    assert response.status_code == 200, response.content
    message = OutboxMessage.objects.get(kind="hotline_return_requested")
    assert message.payload["body"]["reason"] == "地址属于邻县"
    assert Delivery.objects.filter(message=message, channel="hotline").exists()
    # A second request while the first waits does not fit.
    refused(
        town.post(f"/api/v1/cases/{made.case.pk}/actions/hotline_return/", {"text": "再次"}), 409
    )

    answer = _event(api, made.order_no, "return_decision", decision="accepted", note="同意退回")
    assert answer.status_code == 200, answer.content
    assert answer.json()["return"] == {
        "state": "accepted",
        "reason": "地址属于邻县",
        "answer": "同意退回",
    }
    case = Case.objects.get(pk=made.case.pk)
    assert case.status == "rejected" and case.result == "地址属于邻县"
    notify.deliver_pending(now=timezone.now())
    assert Notice.objects.filter(
        user=cast.staff_town1, message__kind="hotline_return_accepted"
    ).exists()


def test_a_refused_return_leaves_the_order_with_the_town(api, hotline, cast):
    made = receive(hotline)
    actions.case_accept(actor=cast.staff_town1, case_id=made.case.pk, color="yellow")
    actions.hotline_return_request(actor=cast.staff_town1, case_id=made.case.pk, reason="非本镇")
    answer = _event(api, made.order_no, "return_decision", decision="refused", note="属地办理")
    assert answer.status_code == 200, answer.content
    case = Case.objects.get(pk=made.case.pk)
    assert case.status == "accepted"
    made.refresh_from_db()
    assert made.return_state == "refused" and made.return_answer == "属地办理"
    assert CaseEvent.objects.filter(case=case, action="hotline_return_refused").exists()
    # The town may ask again, with a better reason.
    assert (
        "hotline_return"
        in Api(user=cast.staff_town1).get(f"/api/v1/cases/{case.pk}/").json()["actions"]
    )


def test_a_return_decision_nobody_asked_for_does_not_fit(api, hotline):
    made = receive(hotline)
    refused(_event(api, made.order_no, "return_decision", decision="accepted"), 409)
    assert Case.objects.get(pk=made.case.pk).status == "reported"


def test_a_hotline_without_the_right_roles_is_refused_its_events(tree, cast):
    # A client acting as an informant may push orders (report) but not urge them (督办's right).
    informant_line = make_hotline(tree.grid_a, roles=("informant",))
    own = receive(informant_line, number="SX-INF")
    assert own.case.node == tree.grid_a  # the top of its area: the address names no place there
    urge = {"order_no": own.order_no, "event": "urge"}
    refused(Api(informant_line.key).post(EVENTS, urge), 403)


def test_the_answers_are_json_the_description_documents(api):
    response = api.post(ORDERS, order())
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) >= {"order_no", "case_id", "status", "respond_by"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pushes_racing_with_one_number_make_one_case(tree):
    from django.db import connection

    from tests.concurrency import run_at_once

    assert connection.vendor == "postgresql"
    key = make_hotline(tree.county).key

    def push():
        return Api(key).post(ORDERS, order("SX-RACE"))

    outcomes = run_at_once(push, push)
    assert sorted(o.status_code for o in outcomes) == [200, 201], outcomes
    assert outcomes[0].json()["case_id"] == outcomes[1].json()["case_id"]
    assert Case.objects.count() == 1 and HotlineOrder.objects.count() == 1


def test_an_order_at_its_content_limit_keeps_its_number_and_says_where_it_was_cut(cast, tree):
    line = make_hotline(tree.county)
    answer = Api(line.key).post("/api/v1/hotline/orders/", order("SX-LONG-1", content="乙" * 5000))
    assert answer.status_code == 201, answer.content[:300]
    case = Case.objects.get(pk=answer.json()["case_id"])
    assert "SX-LONG-1" in case.description and "乙…" in case.description
    assert len(case.description) <= 5000
