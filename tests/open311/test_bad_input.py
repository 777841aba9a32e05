"""Whatever a caller sends to any Open311 method (nasty values in every argument, the path and
the headers; random dates and coordinates drawn by hypothesis; odd text in our own data): never
a server error, every refusal the spec's error list in the format asked for, and a refused
report writes nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from tests.open311.conftest import Open311, report

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "²",
    "٣",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1",
    "0",
    "99999999999999999999999",
    "0x1F",
    '=HYPERLINK("http://x.invalid","y")',
    "<script>alert(1)</script>",
    "]]>&<'\"",
    "2026-13-45",
    "2026-02-30T25:61:00Z",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "2026-11-16T09:00:00",
    "𝕏😀",
    "open,closed,,,open",
    ",".join(["ABCDEFGHJK"] * 50),
    "x" * 30_000,
]
POST_FIELDS = [
    "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
    "address_id", "email", "device_id", "account_id", "first_name", "last_name", "phone",
    "description", "media_url", "attribute[WHISPAWN]",
]  # fmt: skip
GET_ARGUMENTS = [
    "service_request_id", "service_code", "start_date", "end_date", "status",
    "jurisdiction_id", "api_key",
]  # fmt: skip


def _problem(response, fmt: str, where: str) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}: {where}"
    content_type = response["Content-Type"]
    if fmt == "xml":
        if not content_type.startswith("text/xml"):
            return f"not XML ({content_type}): {where}"
        root = ET.fromstring(response.content)  # well-formed, whatever the data held
        if status >= 400 and (
            root.tag != "errors"
            or not len(root)
            or any([c.tag for c in e] != ["code", "description"] for e in root)
        ):
            return f"not the spec's error list: {where}"
        return None
    if not content_type.startswith("application/json"):
        return f"not JSON ({content_type}): {where}"
    data = response.json()
    if status >= 400 and (
        not isinstance(data, list)
        or not data
        or any(set(e) != {"code", "description"} or e["code"] != status for e in data)
    ):
        return f"not the spec's error list: {where}"
    return None


def _short(value: str) -> str:
    return repr(value if len(value) < 30 else value[:27] + "…")


def test_no_post_field_makes_a_server_error_and_a_refusal_writes_nothing(open311, services, tree):
    problems = []
    for fmt in ("json", "xml"):
        for field in POST_FIELDS:
            for value in NASTY:
                before = Case.objects.count()
                body = report(services, **{field: value})
                response = open311.post(fmt, **body)
                where = f"POST {fmt} {field}={_short(value)}"
                problem = _problem(response, fmt, where)
                if problem:
                    problems.append(problem)
                if response.status_code != 200 and Case.objects.count() != before:
                    problems.append(f"refused but wrote a case: {where}")
                Case.objects.all().delete()  # the next value must not meet the duplicate guard
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("keyed", [False, True], ids=["anyone", "a key"])
def test_no_query_argument_makes_a_server_error(town_system, services, tree, keyed):
    caller = Open311(town_system.key if keyed else None)
    methods = ["discovery", "services", f"services/{services.fire.pk}", "requests"]
    problems = []
    for method in methods:
        for name in GET_ARGUMENTS:
            for value in NASTY:
                for fmt in ("json", "xml"):
                    response = caller.get(method, fmt, **{name: value})
                    problem = _problem(response, fmt, f"GET {method}.{fmt} {name}={_short(value)}")
                    if problem:
                        problems.append(problem)
        everything = dict.fromkeys(GET_ARGUMENTS, "NaN")
        problem = _problem(caller.get(method, "xml", **everything), "xml", f"{method} all NaN")
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems[:40])


def test_no_value_in_the_path_makes_a_server_error(anyone, services):
    problems = []
    for method in ("services", "requests", "tokens"):
        for value in NASTY:
            if not value.strip("\x00\x01\x1f\x7f ") or "\x00" in value or "\x01" in value:
                continue  # control characters in a path are the site's own 404 page
            for fmt in ("json", "xml"):
                url = f"/open311/v2/{method}/{quote(value, safe='')}.{fmt}"
                response = anyone.http.get(url, headers=anyone.headers)
                if response.status_code == 200 and method != "services":
                    problems.append(f"found something: {url[:80]}")
                problem = _problem(response, fmt, f"GET {url[:80]}")
                if problem:
                    problems.append(problem)
    for url in ("/open311/v2/", "/open311/v2/services", "/open311/v2/services.yaml",
                "/open311/v2/requests.json/extra", "/open311/v2/../api/v1/"):  # fmt: skip
        response = anyone.http.get(url)
        problem = _problem(response, "json" if url.endswith(".json") else "xml", f"GET {url}")
        if problem or response.status_code != 404:
            problems.append(problem or f"not 404: {url}")
    assert not problems, "\n".join(problems)


def test_a_control_character_in_the_path_is_a_404_not_a_server_error(anyone):
    assert anyone.http.get("/open311/v2/requests/A%00B.json").status_code == 404


@pytest.mark.parametrize("value", ["x", "1234", "0f8fad5b", "not-a-uuid-" * 20, "{}", "ÿ"])
def test_an_idempotency_key_that_is_no_uuid_is_refused(open311, services, value):
    response = open311.post(headers={"Idempotency-Key": value}, **report(services))
    assert response.status_code == 400 and not _problem(response, "json", value)
    assert not Case.objects.exists()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_another_http_method_is_405_in_the_specs_format(anyone, method):
    response = anyone.http.generic(method, "/open311/v2/requests.xml")
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert not _problem(response, "xml", method)
    response = anyone.http.post("/open311/v2/services.json")
    assert response.status_code == 405 and not _problem(response, "json", "POST services")


def test_a_field_over_the_sites_bound_is_refused_by_the_front_not_a_server_error(open311, services):
    # The site's input cleaning refuses any form field over 200,000 characters before a view
    # reads it (its own 400 page, docs/open311.md says so).
    response = open311.post(**report(services, description="x" * 200_001))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_odd_text_in_our_own_data_still_makes_well_formed_xml(anyone, services):
    odd = "火\x0b灾 <b>&amp;</b> ]]> \x1f"
    services.fire.public_name = odd
    services.fire.save(update_fields=["public_name"])
    xml_names = [e.text for e in ET.fromstring(anyone.get("services", "xml").content).iter(
        "service_name"
    )]  # fmt: skip
    assert "火灾 <b>&amp;</b> ]]> " in xml_names  # what XML cannot carry is left out
    assert odd in [s["service_name"] for s in anyone.get("services", "json").json()]


_any_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


def test_random_dates_never_make_a_server_error(open311, services):
    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(start=_any_text, end=_any_text, fmt=st.sampled_from(["json", "xml"]))
    def check(start, end, fmt):
        response = open311.get("requests", fmt, start_date=start, end_date=end)
        assert not _problem(response, fmt, f"{start!r}..{end!r}")

    check()


def test_random_coordinates_never_make_a_server_error_or_a_half_save(open311, services):
    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        lat=st.one_of(_any_text, st.floats().map(repr), st.decimals().map(str)),
        long=st.one_of(_any_text, st.floats().map(repr), st.decimals().map(str)),
    )
    def check(lat, long):
        response = open311.post(**report(services, lat=lat, long=long))
        assert not _problem(response, "json", f"{lat!r}, {long!r}")
        if response.status_code != 200:
            assert not Case.objects.exists()
        Case.objects.all().delete()

    check()


def test_a_list_with_a_time_offset_no_place_keeps_is_refused(cast, tree, services):
    # Python reads offsets up to ±23:59; PostgreSQL refuses those beyond ±15:59.
    from tests.api.conftest import make_client
    from tests.open311.conftest import Open311

    system = make_client(tree.town1, ["center_staff"], ["open311"])
    answer = Open311(system.key).get(
        "requests", start_date="2026-11-01T00:00:00+20:00", end_date="2026-11-20T00:00:00+20:00"
    )
    assert answer.status_code == 400, answer.content[:300]
