"""Dates no case can have: a year 1 or 9999 range, a time offset no place keeps (Python reads
up to ±23:59, PostgreSQL refuses beyond ±15:59). Each is refused or ignored with a reason,
never a server error."""

import pytest

from tests.api.conftest import Api, make_client

pytestmark = pytest.mark.django_db

FAR_RANGES = [
    {"period": "range", "start": "9999-12-31", "end": "9999-12-31"},
    {"period": "range", "start": "0001-01-01", "end": "0001-01-01"},
    {"period": "range", "start": "9999-12-01", "end": "9999-12-30"},
]


@pytest.mark.parametrize("query", FAR_RANGES)
def test_a_figures_range_in_year_1_or_9999_is_answered_without_a_server_error(
    client, cast, tree, query
):
    system = make_client(tree.county, ["center_staff"])
    assert Api(system.key).get("/api/v1/kpis/", query).status_code in (200, 400, 422)
    client.force_login(cast.staff_town1)
    page = client.get("/desk/dashboard/", query)
    assert page.status_code == 200
    assert "YYYY-MM-DD" in page.content.decode() or "年" in page.content.decode()


@pytest.mark.parametrize("name", ["received_from", "received_to", "overdue_at", "closed_to"])
@pytest.mark.parametrize("offset", ["+20:00", "-16:30", "+23:59"])
def test_a_case_filter_with_an_offset_no_place_keeps_is_not_a_server_error(
    cast, tree, name, offset
):
    system = make_client(tree.town1, ["center_staff"])
    answer = Api(system.key).get("/api/v1/cases/", {name: f"2026-11-01T00:00:00{offset}"})
    assert answer.status_code in (200, 400), answer.content[:300]
