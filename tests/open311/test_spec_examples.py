"""Each method's example from the GeoReport v2 spec, asked of gridgov as the spec's sample URL
asks it (our codes and key in place of the city's), answered in the spec's shape: in XML the
same elements in the same order (compared with the spec's printed example through
xml.etree), in JSON the same keys; UTF-8 with the spec's content types, times in ISO 8601 with
their offset."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

import pytest

from cases.models import Case
from tests.open311 import spec_examples as spec
from tests.open311.conftest import PHONE, Open311, report

pytestmark = pytest.mark.django_db

FORMATS = ["xml", "json"]
# A list element of the spec and the element each of its items is.
LISTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
W3_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def assert_shaped_like(ours: ET.Element, example: ET.Element, where: str = "") -> None:
    """`ours` has the example's element structure: the same tags in the same order, a list's
    items each shaped like the example's first item, a leaf where the example has a leaf."""
    where = f"{where}/{example.tag}"
    assert ours.tag == example.tag, where
    if example.tag in LISTS:
        assert [c.tag for c in ours] == [LISTS[example.tag]] * len(ours), where
        for child in ours:
            assert_shaped_like(child, example[0], where)
        return
    if len(example) == 0:
        assert len(ours) == 0, f"{where} is a leaf in the spec"
        return
    assert [c.tag for c in ours] == [c.tag for c in example], where
    for mine, theirs in zip(ours, example, strict=True):
        assert_shaped_like(mine, theirs, where)


def shaped(response, fmt: str, example: str, keys: list[str], status: int = 200):
    """Assert the answer's shape in its format; the parsed answer (a root element or JSON)."""
    assert response.status_code == status, response.content[:800]
    if fmt == "xml":
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
        ours = ET.fromstring(response.content)
        assert_shaped_like(ours, ET.fromstring(example.encode()))
        return ours
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    for item in data if isinstance(data, list) else [data]:
        assert list(item) == keys
    return data


def values(parsed, name: str) -> list:
    """Every value of the field `name` in an XML or JSON answer."""
    if isinstance(parsed, ET.Element):
        return [e.text for e in parsed.iter(name)]
    items = parsed if isinstance(parsed, list) else [parsed]
    return [item[name] for item in items]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_spec_our_address_and_both_formats(anyone, fmt):
    parsed = shaped(anyone.get("discovery", fmt), fmt, spec.DISCOVERY, spec.DISCOVERY_KEYS)
    if fmt == "json":
        (endpoint,) = parsed["endpoints"]
        assert list(endpoint) == spec.ENDPOINT_KEYS
        parsed_endpoint = endpoint
        formats = endpoint["formats"]
    else:
        parsed_endpoint = {e.tag: e.text for e in parsed.find("endpoints/endpoint")}
        formats = [f.text for f in parsed.iter("format")]
    assert parsed_endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert parsed_endpoint["url"] == "http://testserver/open311/v2"
    assert formats == ["text/xml", "application/json"]
    assert all(W3_TIME.match(t) for t in values(parsed, "changeset"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_public_categories_by_their_residents_names(anyone, tree, services, fmt):
    # The sample URL: services.xml?jurisdiction_id=city.gov, with our county's code.
    response = anyone.get("services", fmt, jurisdiction_id=tree.county.code)
    parsed = shaped(response, fmt, spec.SERVICES, spec.SERVICE_KEYS)
    assert sorted(values(parsed, "service_name")) == sorted(["邻里矛盾", "着火了"])
    assert sorted(values(parsed, "service_code")) == sorted(
        [str(services.neighbours.pk), str(services.fire.pk)]
    )
    assert set(values(parsed, "type")) == {"realtime"}
    assert set(values(parsed, "metadata")) == ({"false"} if fmt == "xml" else {False})
    assert set(values(parsed, "group")) == {"Neighbours and disputes", "Danger and safety"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_the_specs_shape_and_no_attributes(anyone, tree, services, fmt):
    code = str(services.fire.pk)
    response = anyone.get(f"services/{code}", fmt, jurisdiction_id=tree.county.code)
    parsed = shaped(response, fmt, spec.SERVICE_DEFINITION, spec.DEFINITION_KEYS)
    if fmt == "xml":
        assert parsed.findtext("service_code") == code
        assert list(parsed.find("attributes")) == []
    else:
        assert parsed == {"service_code": code, "attributes": []}


def _spec_body(town_system, tree, services) -> str:
    """The spec's example POST body, with our key, county, service and a phone of ours."""
    body = spec.POST_BODY.replace("api_key=xyz", f"api_key={town_system.key}")
    body = body.replace("jurisdiction_id=city.gov", f"jurisdiction_id={tree.county.code}")
    body = body.replace("service_code=001", f"service_code={services.neighbours.pk}")
    return body.replace("phone=111111111", f"phone={PHONE}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_specs_example_post_makes_a_case_and_answers_in_the_specs_shape(
    open311, town_system, tree, services, fmt
):
    response = open311.http.post(
        open311.url("requests", fmt),
        _spec_body(town_system, tree, services),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=open311.headers,
    )
    parsed = shaped(response, fmt, spec.POST_REQUEST, spec.POST_KEYS)
    case = Case.objects.get()
    assert values(parsed, "service_request_id") == [case.tracking_code]
    assert values(parsed, "account_id") == ["123456"]  # echoed, not kept
    assert case.tracking_code in values(parsed, "service_notice")[0]
    assert case.description.startswith("A large sinkhole is destroying the street")
    assert (case.reporter_name, case.location) == ("john smith", "1234 5th street")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_gives_the_service_request_id_in_the_specs_shape(open311, services, fmt):
    token = str(uuid.uuid4())
    made = open311.post(headers={"Idempotency-Key": token}, **report(services))
    code = made.json()[0]["service_request_id"]
    parsed = shaped(open311.get(f"tokens/{token}", fmt), fmt, spec.TOKEN, spec.TOKEN_KEYS)
    assert values(parsed, "service_request_id") == [code]
    assert values(parsed, "token") == [token]


TEXTS = ["村口路灯坏了三天，晚上很黑。", "邻居在楼道里堆放杂物，挡住了消防通道。"]


def _reported(open311, services, times: int = 2) -> list[str]:
    codes = []
    for text in TEXTS[:times]:
        made = open311.post(**report(services, description=text))
        assert made.status_code == 200, made.content
        codes.append(made.json()[0]["service_request_id"])
    return codes


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_with_the_sample_urls_arguments_answers_in_the_specs_shape(
    open311, tree, services, fmt
):
    from django.utils import timezone

    codes = _reported(open311, services)
    today = timezone.localdate()
    response = open311.get(
        "requests",
        fmt,
        start_date=f"{today.replace(day=1):%Y-%m-%d}T00:00:00Z",
        end_date=f"{today:%Y-%m-%d}T23:59:59+08:00",
        status="open",
        jurisdiction_id=tree.county.code,
    )
    parsed = shaped(response, fmt, spec.REQUESTS, spec.REQUEST_KEYS)
    assert sorted(values(parsed, "service_request_id")) == sorted(codes)
    assert set(values(parsed, "status")) == {"open"}
    for name in ("requested_datetime", "updated_datetime"):
        assert all(W3_TIME.match(t) for t in values(parsed, name))
        assert all(t.endswith("+08:00") for t in values(parsed, name))


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_a_request_by_its_id_answers_in_the_specs_shape(open311, tree, services, fmt):
    (code,) = _reported(open311, services, times=1)
    response = Open311().get(f"requests/{code}", fmt, jurisdiction_id=tree.county.code)
    parsed = shaped(response, fmt, spec.REQUESTS, spec.REQUEST_KEYS)
    assert values(parsed, "service_request_id") == [code]
    assert values(parsed, "service_name") == ["邻里矛盾"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_key_is_the_specs_403_error(tree, services, fmt):
    response = Open311("gg_00000000_" + "x" * 43).post(fmt, **report(services))
    parsed = shaped(response, fmt, spec.ERRORS, spec.ERROR_KEYS, status=403)
    assert values(parsed, "code") == (["403"] if fmt == "xml" else [403])
    assert "api_key" in values(parsed, "description")[0]
    assert not Case.objects.exists()
