"""POST requests: a resident's report relayed with an Open311 key becomes a resident's case
through the residents' own intake, on the place the point, the code or the address tells,
inside the key's area only; every refusal is the spec's error and writes nothing."""

from __future__ import annotations

import socket
import uuid
from decimal import Decimal

import pytest

from cases.models import Case, ResidentReporting
from cases.queries.intake import queue
from gridgov.api import clients
from gridgov.models import ApiClient
from tests.api.conftest import make_client
from tests.factories import make_node
from tests.open311.conftest import PHONE, Open311, refused, report

pytestmark = pytest.mark.django_db


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    """A GeoJSON polygon, [longitude, latitude] as GeoJSON writes WGS-84 positions."""
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def mapped(tree):
    """Town 1 and its grids A and B have boundaries; so has grid C of town 2."""
    for node, shape in (
        (tree.town1, square(107.29, 33.09, 0.04)),
        (tree.grid_a, square(107.30, 33.10)),
        (tree.grid_b, square(107.31, 33.10)),
        (tree.grid_c, square(107.40, 33.10)),
    ):
        node.boundary = shape
        node.save(update_fields=["boundary"])
    return tree


def made(response) -> Case:
    assert response.status_code == 200, response.content[:800]
    (answer,) = response.json()
    return Case.objects.get(tracking_code=answer["service_request_id"])


def test_a_report_with_a_valid_key_is_a_residents_case_in_the_towns_intake_on_its_grid(
    open311, cast, tree, services, town_system
):
    case = made(open311.post(**report(services, phone="+86 139-1234-5678")))
    assert (case.source, case.reporter, case.node, case.owner_node, case.status) == (
        "resident",
        None,
        tree.grid_a,
        tree.grid_a,
        "reported",
    )
    assert case.category == services.neighbours
    assert (case.reporter_name, case.reporter_phone) == ("刘大爷", PHONE)
    assert case.location == "梁家庵村第一网格村口"
    assert case.description.startswith("邻居家的狗每天夜里叫")
    assert case.title.startswith("邻里纠纷：")  # the desk reads its own category name
    assert list(queue(cast.staff_town1)) == [case]
    assert list(queue(cast.staff_town2)) == []
    town_system.client.refresh_from_db()
    assert town_system.client.request_count == 1 and town_system.client.last_used_at


@pytest.mark.parametrize("where", ["grid_b", "micro_a1", "village1", "town1"])
def test_address_id_names_the_place_by_its_code(open311, tree, services, where):
    node = getattr(tree, where)
    case = made(open311.post(**report(services, address_string="", address_id=node.code)))
    assert case.node == node


def test_a_code_in_the_address_string_names_the_place(open311, tree, services):
    case = made(open311.post(**report(services, address_string=f"网格 {tree.grid_b.code} 北")))
    assert case.node == tree.grid_b


def test_the_address_string_is_read_by_the_names_of_the_place_and_its_parents(
    open311, tree, services
):
    assert made(open311.post(**report(services, address_string="梁家庵村第二网格"))).node == (
        tree.grid_b
    )
    village = made(open311.post(**report(services, address_string="梁家庵村委会门口")))
    assert village.node == tree.village1


def test_an_address_naming_nothing_known_goes_to_the_keys_own_place(open311, tree, services):
    case = made(open311.post(**report(services, address_string="1234 5th street")))
    assert case.node == tree.town1  # the town's intake, with the address as the resident wrote it
    assert case.location == "1234 5th street"


def test_the_point_finds_the_grid_whose_boundary_holds_it(open311, mapped, services):
    case = made(
        open311.post(**report(services, address_string="", lat="33.1051234", long="107.3149876"))
    )
    assert case.node == mapped.grid_b
    # WGS-84 as sent, never converted; kept to the 6 decimals of the column.
    assert (case.latitude, case.longitude) == (Decimal("33.105123"), Decimal("107.314988"))


def test_the_point_decides_over_an_address_and_an_address_only_says_it_finer(
    open311, mapped, services
):
    in_b = {"lat": "33.105", "long": "107.315"}
    case = made(open311.post(**report(services, address_id=mapped.grid_a.code, **in_b)))
    assert case.node == mapped.grid_b
    # Only the town is mapped where the point is: the address names the grid inside it.
    in_town_only = {"lat": "33.125", "long": "107.325"}
    finer = made(
        open311.post(
            **report(services, address_id=mapped.micro_a1.code, phone="13912345679", **in_town_only)
        )
    )
    assert finer.node == mapped.micro_a1


def test_a_point_outside_the_keys_area_is_refused(open311, mapped, services):
    in_town2 = {"address_string": "", "lat": "33.105", "long": "107.405"}
    assert "outside its area" in refused(open311.post(**report(services, **in_town2)), 403)
    outside_town1 = {"address_string": "", "lat": "30.0", "long": "100.0"}
    refused(open311.post(**report(services, **outside_town1)), 403)
    assert not Case.objects.exists()


def test_without_boundaries_the_point_is_kept_and_the_address_places_it(open311, tree, services):
    case = made(open311.post(**report(services, lat="33.105", long="107.315")))
    assert case.node == tree.grid_a and case.latitude == Decimal("33.105000")
    alone = made(
        open311.post(
            **report(services, address_string="", lat="33.1", long="107.3", phone="13912345679")
        )
    )
    assert alone.node == tree.town1  # the key's own place: its town's intake


def test_a_key_of_another_town_is_refused_there(cast, tree, services):
    town2 = make_client(tree.town2, ["center_staff"], ["open311"], name="博望App")
    response = Open311(town2.key).post(**report(services, address_id=tree.grid_a.code))
    assert "outside its area" in refused(response, 403)
    # The address names grid A by its village's and its own names: outside town 2 too.
    refused(Open311(town2.key).post(**report(services)), 403)
    assert not Case.objects.exists()
    refused(Open311(town2.key).post(**report(services, address_string="沙河营镇")), 403)
    case = made(Open311(town2.key).post(**report(services, address_string="西原公村村口")))
    assert case.node == tree.village2
    # A village's key: its town's name says no more than the village itself.
    village = make_client(tree.village1, ["grid_chief"], ["open311"], name="梁家庵村小程序")
    held = made(Open311(village.key).post(**report(services, address_string="沙河营镇")))
    assert held.node == tree.village1


def test_a_key_without_the_open311_endpoint_is_refused(cast, tree, services):
    api_only = make_client(tree.town1, ["center_staff"], ["cases.report", "cases.read"])
    response = Open311(api_only.key).post(**report(services))
    assert "Open311" in refused(response, 403)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_no_key_or_a_wrong_key_is_the_specs_403(tree, services, fmt):
    assert "api_key" in refused(Open311().post(fmt, **report(services)), 403)
    wrong = Open311("not-a-key").post(fmt, **report(services))
    assert "Invalid api_key" in refused(wrong, 403)
    assert not Case.objects.exists()


def test_a_rotated_or_revoked_key_is_refused(cast, tree, services, town_system):
    new_key = clients.api_client_rotate(actor=None, client_id=town_system.client.pk)
    refused(Open311(town_system.key).post(**report(services)), 403)
    made(Open311(new_key).post(**report(services)))
    clients.api_client_revoke(actor=None, client_id=town_system.client.pk)
    refused(Open311(new_key).post(**report(services, description="另一件事")), 403)


def test_a_signed_in_person_without_a_key_is_refused(cast, services):
    caller = Open311()
    caller.http.force_login(cast.staff_town1)
    refused(caller.post(**report(services)), 403)


def test_another_county_or_an_unknown_one_is_refused(open311, tree, services):
    far = make_node(None, "county", "牟定县", code="532323")
    response = open311.post(**report(services, jurisdiction_id=far.code))
    assert "jurisdiction" in refused(response, 403)
    unknown = open311.post(**report(services, jurisdiction_id="city.gov"))
    assert "jurisdiction_id not found" in refused(unknown, 404)
    # Not given: with two counties, the key's own county.
    assert made(open311.post(**report(services))).node == tree.grid_a


def test_the_service_code_must_be_given_and_be_a_public_category(open311, services):
    assert "service_code was not provided" in refused(
        open311.post(**report(services, service_code="")), 400
    )
    for code in ("99999", str(services.land.pk), "abc", "-1"):
        refused(open311.post(**report(services, service_code=code)), 404)
    assert not Case.objects.exists()


def test_a_location_is_needed(open311, services):
    assert "location" in refused(open311.post(**report(services, address_string="")), 400)


def test_lat_and_long_go_together_and_must_be_coordinates(open311, services):
    refused(open311.post(**report(services, lat="33.1")), 400)
    for lat, long in (("NaN", "107"), ("91", "107"), ("33", "180.5"), ("1e3", "1"), ("三", "1")):
        refused(open311.post(**report(services, lat=lat, long=long)), 400)
    assert not Case.objects.exists()


def test_the_phone_is_needed_unless_the_town_allows_anonymous_reports(open311, tree, services):
    assert "phone" in refused(open311.post(**report(services, phone="")), 400)
    ResidentReporting.objects.create(town=tree.town1, anonymous_allowed=True)
    case = made(open311.post(**report(services, phone="", first_name="", last_name="")))
    assert case.reporter_phone == "" and case.reporter_name  # "anonymous resident"


def test_a_phone_that_is_no_phone_number_is_refused(open311, services):
    assert "phone" in refused(open311.post(**report(services, phone="111111111")), 400)


def test_the_same_report_again_within_the_hour_is_refused_with_its_code(open311, services):
    first = made(open311.post(**report(services)))
    again = refused(open311.post(**report(services)), 400)
    assert first.tracking_code in again
    assert Case.objects.count() == 1


def test_one_phone_sends_at_most_the_daily_limit(open311, services, settings):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_PHONE = 2
    for text in ("路灯坏了", "井盖丢了"):
        made(open311.post(**report(services, description=text)))
    assert "2" in refused(open311.post(**report(services, description="垃圾没人收")), 400)


def test_media_url_is_kept_as_a_link_and_never_fetched(open311, services, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the media_url was fetched")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    url = "https://img.example.org/2026/a.jpg"
    case = made(open311.post(**report(services, media_url=url)))
    assert url in case.description
    assert not case.attachments.exists()
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "not a url"):
        refused(open311.post(**report(services, media_url=bad, description=bad)), 400)


def test_email_device_and_account_are_not_kept(open311, services):
    case = made(
        open311.post(
            **report(services, email="liu@example.org", device_id="dev-1", account_id="acc-7")
        )
    )
    assert not any(
        secret in value
        for secret in ("liu@example.org", "dev-1", "acc-7")
        for value in (case.description, case.title, case.location, case.reporter_name)
    )


def test_a_description_longer_than_the_specs_4000_characters_is_refused(open311, services):
    refused(open311.post(**report(services, description="长" * 4001)), 400)
    made(open311.post(**report(services, description="长" * 4000)))


def test_an_idempotency_key_makes_a_retry_return_the_first_report(open311, services):
    key = str(uuid.uuid4())
    first = made(open311.post(headers={"Idempotency-Key": key}, **report(services)))
    again = made(open311.post(headers={"Idempotency-Key": key}, **report(services)))
    assert again == first and Case.objects.count() == 1
    refused(open311.post(headers={"Idempotency-Key": "order-42"}, **report(services)), 400)


def test_two_clients_sending_the_same_key_make_two_reports_each_answered_with_its_own(
    cast, tree, services
):
    # A key is one client's: another client's report under the same key is its own case, and
    # is never answered with the first client's tracking code (which rates and reopens it).
    from tests.open311.conftest import Open311 as Door

    town1 = make_client(tree.town1, ["center_staff"], ["open311"], name="A")
    town2 = make_client(tree.town2, ["center_staff"], ["open311"], name="B")
    key = str(uuid.uuid4())
    first = made(Door(town1.key).post(headers={"Idempotency-Key": key}, **report(services)))
    place = {"address_string": "西原公村第一网格", "description": "另一件事：路面塌陷"}
    other = made(
        Door(town2.key).post(headers={"Idempotency-Key": key}, **report(services, **place))
    )
    assert other != first and Case.objects.count() == 2
    assert other.node == tree.grid_c
    again = made(
        Door(town2.key).post(headers={"Idempotency-Key": key}, **report(services, **place))
    )
    assert again == other and Case.objects.count() == 2


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"service_code": "1"}'),
        ("application/json", '{"service_code": '),
        ("text/xml", "<request><service_code>1</service_code></request>"),
        ("text/xml", "<request><service_code>1</"),
        ("application/xml", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
    ],
)
def test_a_body_that_is_not_form_encoded_is_refused_unread(open311, content_type, body):
    response = open311.http.post(
        open311.url("requests"), body, content_type=content_type, headers=open311.headers
    )
    assert "form-encoded" in refused(response, 400)


def test_a_client_past_its_rate_is_429_with_retry_after(open311, services, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "2/min", "api_person": "2/min"},
    }
    statuses = [open311.get("services").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = open311.post(**report(services))
    refused(response, 429)
    assert int(response["Retry-After"]) > 0
    assert not Case.objects.exists()
    assert Open311().get("services").status_code == 200  # others are not slowed


def test_the_key_is_kept_hashed_and_a_new_client_has_no_open311_unless_given(cast, tree):
    plain = make_client(tree.town1, ["center_staff"], [])
    assert ApiClient.Endpoint.OPEN311 not in plain.client.endpoints
    assert plain.key not in plain.client.key_hash
