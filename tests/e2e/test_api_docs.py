"""The API's readers in a real browser: Swagger UI and ReDoc draw the description from
gridgov's own static files, break no rule of their pages' CSP and fetch nothing elsewhere."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import url


def _watch(page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: refused.append(str(e)))
    return refused


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_shows_the_operations(desk, live_server, offsite_requests):
    refused = _watch(desk)
    desk.goto(url(live_server, "/api/v1/docs/"))
    expect(desk.locator(".opblock-summary-path", has_text="/api/v1/cases/").first).to_be_visible()
    assert refused == [] and offsite_requests == []


@pytest.mark.django_db(transaction=True)
def test_redoc_shows_the_operations(desk, live_server, offsite_requests):
    refused = _watch(desk)
    desk.goto(url(live_server, "/api/v1/redoc/"))
    expect(desk.get_by_text("gridgov API").first).to_be_visible()
    expect(desk.locator("[data-section-id^='tag/cases']").first).to_be_attached()
    # ReDoc's sidebar always asks for its maker's logo from their CDN; the policy stops it
    # before any request leaves (the image then hides itself). Nothing else may be refused.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [r for r in refused if logo not in r] == [] and offsite_requests == []
