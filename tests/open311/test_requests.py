"""GET requests, requests/{id} and tokens/{token}: cases by their tracking codes, showing what
the resident's tracking page shows and nothing more; listed by the filters only to a key, in
that key's scope; unknown ids are the spec's 404 and count against the address."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import actions
from cases.open311 import requests as open311_requests
from tests.api.conftest import make_client
from tests.factories import make_case, make_node
from tests.open311.conftest import PHONE, Open311, refused

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _resident_case(cast, node, status="reported", *, days_ago, category, **fields):
    return make_case(
        cast,
        node,
        status,
        now=NOW - dt.timedelta(days=days_ago),
        reporter=None,
        source="resident",
        reporter_name="刘大爷",
        reporter_phone=PHONE,
        title="路灯不亮",
        description="刘大爷家门口的路灯不亮，电话13912345678。",
        location="刘家门口",
        latitude="33.105",
        longitude="107.315",
        category_id=category.pk,
        **fields,
    )


@pytest.fixture
def cases(cast, tree, services):
    """Town 1: one open, one resolved with a reply, one rejected, one merged into the open one,
    one too old for the default 90 days; town 2: one open."""
    fire, neighbours = services.fire, services.neighbours
    open_a = _resident_case(cast, tree.grid_a, days_ago=2, category=neighbours)
    resolved = _resident_case(cast, tree.grid_b, "handling", days_ago=10, category=fire)
    resolved = actions.case_resolve(
        actor=cast.worker_b,
        case_id=resolved.pk,
        result="王刚到场，联系供电所换了灯泡。",
        public_reply="路灯已经修好了。",
        now=NOW - dt.timedelta(days=9),
    )
    rejected = _resident_case(cast, tree.grid_a, days_ago=3, category=neighbours)
    actions.case_reject(
        actor=cast.staff_town1, case_id=rejected.pk, reason="不属实", now=NOW - dt.timedelta(3)
    )
    merged = _resident_case(cast, tree.grid_b, days_ago=1, category=neighbours)
    actions.case_merge(actor=cast.staff_town1, case_id=merged.pk, into_id=open_a.pk)
    old = _resident_case(cast, tree.grid_a, days_ago=120, category=neighbours)
    town2 = _resident_case(cast, tree.grid_c, days_ago=1, category=neighbours)
    refreshed = {
        name: type(case).objects.get(pk=case.pk)
        for name, case in dict(
            open_a=open_a,
            resolved=resolved,
            rejected=rejected,
            merged=merged,
            old=old,
            town2=town2,
        ).items()
    }
    return type("Cases", (), refreshed)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:800]
    return [r["service_request_id"] for r in response.json()]


def codes(*cases) -> list[str]:
    return [c.tracking_code for c in cases]


def test_a_key_lists_the_last_90_days_of_its_scope_newest_first(open311, cases):
    assert ids(open311.get("requests")) == codes(
        cases.merged, cases.open_a, cases.rejected, cases.resolved
    )


def test_status_filters_open_and_closed_as_residents_see_them(open311, cases):
    # Merged into an open report: open, like the report it joined.
    assert ids(open311.get("requests", status="open")) == codes(cases.merged, cases.open_a)
    assert ids(open311.get("requests", status="closed")) == codes(cases.rejected, cases.resolved)
    both = open311.get("requests", status="open,closed")
    assert ids(both) == ids(open311.get("requests"))
    assert "status" in refused(open311.get("requests", status="pending"), 400)


def test_service_code_filters_by_the_public_category(open311, cases, services):
    fire, neighbours = str(services.fire.pk), str(services.neighbours.pk)
    assert ids(open311.get("requests", service_code=fire)) == codes(cases.resolved)
    assert len(ids(open311.get("requests", service_code=f"{fire},{neighbours}"))) == 4
    assert "service_code" in refused(open311.get("requests", service_code="99999"), 400)
    refused(open311.get("requests", service_code=str(services.land.pk)), 400)  # not public


def test_start_and_end_date_choose_the_span_of_at_most_90_days(open311, cases):
    def day(days_ago: int) -> str:
        return timezone.localtime(NOW - dt.timedelta(days=days_ago)).isoformat(timespec="seconds")

    span = open311.get("requests", start_date=day(5), end_date=day(0))
    assert ids(span) == codes(cases.merged, cases.open_a, cases.rejected)
    # Only a start: the 90 days after it; only an end: the 90 days before it.
    assert ids(open311.get("requests", start_date=day(125))) == codes(cases.old)
    assert ids(open311.get("requests", end_date=day(5))) == codes(cases.resolved)
    utc = (NOW - dt.timedelta(days=11)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cases.resolved.tracking_code in ids(open311.get("requests", start_date=utc))
    refused(open311.get("requests", start_date=day(0), end_date=day(5)), 400)
    assert "90 days" in refused(open311.get("requests", start_date=day(130), end_date=day(0)), 400)


def test_at_most_the_specs_1000_requests_are_answered(open311, cases, monkeypatch):
    assert open311_requests.MAX_REQUESTS == 1000
    monkeypatch.setattr(open311_requests, "MAX_REQUESTS", 2)
    assert ids(open311.get("requests")) == codes(cases.merged, cases.open_a)


def test_a_key_sees_only_the_cases_of_its_own_scope(cast, tree, cases):
    town2 = Open311(make_client(tree.town2, ["center_staff"], ["open311"]).key)
    assert ids(town2.get("requests")) == codes(cases.town2)
    grid_b = Open311(make_client(tree.grid_b, ["grid_worker"], ["open311"]).key)
    assert ids(grid_b.get("requests")) == codes(cases.merged, cases.resolved)


def test_without_a_key_requests_are_listed_only_by_their_ids(anyone, cases):
    refused(anyone.get("requests"), 403)
    refused(anyone.get("requests", status="open"), 403)
    named = anyone.get(
        "requests",
        service_request_id=f"{cases.town2.tracking_code},{cases.resolved.tracking_code.lower()}",
        status="open",  # the ids override every other argument, as the spec says
        start_date="2010-01-01T00:00:00Z",
    )
    assert ids(named) == codes(cases.town2, cases.resolved)


def test_a_request_shows_only_what_the_tracking_page_shows(anyone, cases, cast):
    response = anyone.get(f"requests/{cases.resolved.tracking_code}")
    (shown,) = response.json()
    assert shown["status"] == "closed"
    assert shown["status_notes"].splitlines() == ["Work done", "路灯已经修好了。"]
    assert (shown["service_name"], shown["address"]) == ("着火了", "梁家庵村第二网格")
    assert shown["requested_datetime"] == timezone.localtime(cases.resolved.created_at).isoformat(
        timespec="seconds"
    )
    assert shown["updated_datetime"] == timezone.localtime(cases.resolved.resolved_at).isoformat(
        timespec="seconds"
    )
    for hidden in ("description", "agency_responsible", "lat", "long", "media_url"):
        assert shown[hidden] is None
    body = response.content.decode()
    for secret in ("刘大爷", PHONE, "刘家门口", "33.105", "王刚", "供电所", "路灯不亮", "李娟"):
        assert secret not in body, secret
    # The request is named by its tracking code, never by the database's id (a random code may
    # well contain the id's digits, so compare whole values).
    assert shown["service_request_id"] == cases.resolved.tracking_code
    assert shown["service_request_id"] != str(cases.resolved.pk)


def test_rejected_and_merged_requests_say_so_in_residents_words(anyone, cases):
    (rejected,) = anyone.get(f"requests/{cases.rejected.tracking_code}").json()
    assert (
        rejected["status"] == "closed"
        and "did not take this report up" in (rejected["status_notes"])
    )
    (merged,) = anyone.get(f"requests/{cases.merged.tracking_code}").json()
    assert merged["status"] == "open" and "handled together" in merged["status_notes"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_request_or_token_is_the_specs_404(anyone, cases, fmt):
    for method in ("requests/ABCDEFGHJK", "requests/x", f"tokens/{uuid.uuid4()}", "tokens/12345"):
        assert "not found" in refused(anyone.get(method, fmt), 404)


def test_unknown_ids_lock_the_address_out_like_the_tracking_page(anyone, cases, settings):
    settings.GRIDGOV_PUBLIC_TRACK_FAILURES = 3
    for guess in ("AAAAAAAAAA", "BBBBBBBBBB"):
        refused(anyone.get(f"requests/{guess}"), 404)
    assert ids(anyone.get("requests", service_request_id="CCCCCCCCCC")) == []  # the third
    locked = anyone.get(f"requests/{cases.open_a.tracking_code}")
    refused(locked, 429)
    assert int(locked["Retry-After"]) > 0
    refused(anyone.get(f"tokens/{uuid.uuid4()}"), 429)


def test_a_key_is_not_locked_out_by_unknown_ids(open311, cases, settings):
    settings.GRIDGOV_PUBLIC_TRACK_FAILURES = 1
    refused(open311.get("requests/AAAAAAAAAA"), 404)
    assert ids(open311.get(f"requests/{cases.open_a.tracking_code}")) == codes(cases.open_a)


def test_the_jurisdiction_names_a_county_by_its_code(anyone, tree, cases):
    code = cases.open_a.tracking_code
    assert ids(anyone.get(f"requests/{code}", jurisdiction_id=tree.county.code)) == [code]
    assert "jurisdiction_id not found" in refused(
        anyone.get(f"requests/{code}", jurisdiction_id="city.gov"), 404
    )
    far = make_node(None, "county", "牟定县", code="532323")
    refused(anyone.get(f"requests/{code}", jurisdiction_id=far.code), 404)
    # Two counties: the services must be told which; an id is unique across them.
    assert "jurisdiction_id was not provided" in refused(anyone.get("services"), 400)
    assert anyone.get("services", jurisdiction_id=tree.county.code).status_code == 200
    assert ids(anyone.get(f"requests/{code}")) == [code]


def test_a_wrong_key_on_a_public_method_is_refused_not_ignored(cases):
    refused(Open311("gg_00000000_" + "x" * 43).get("services"), 403)


def test_every_method_speaks_the_callers_language(tree, cases):
    chinese = Open311(language="zh-hans").get("requests/ABCDEFGHJK")
    assert chinese["Content-Language"] == "zh-hans"
    english = Open311(language="en").get("requests/ABCDEFGHJK")
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]


def test_a_list_costs_the_same_few_queries_however_many_requests_it_holds(
    open311, anyone, cast, tree, services
):
    def cost(call) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = call()
        return len(ids(response)), len(queries)

    def lists():
        named = ",".join(c.tracking_code for c in made)
        return (
            cost(lambda: open311.get("requests")),
            cost(lambda: anyone.get("requests", service_request_id=named)),
        )

    made = [_resident_case(cast, tree.grid_a, days_ago=1, category=services.fire)]
    (few, keyed), (_few, named) = lists()
    made.append(_resident_case(cast, tree.grid_b, days_ago=2, category=services.fire))
    made += [
        _resident_case(cast, tree.grid_a, "resolved", days_ago=3, category=services.fire)
        for _ in range(5)
    ]
    (many, keyed_many), (_many, named_many) = lists()
    assert (few, many) == (1, 7)
    assert (keyed_many, named_many) == (keyed, named)
    # The key and its client, the county, the grants, the page; without a key, the page.
    assert (keyed, named) == (7, 2)
