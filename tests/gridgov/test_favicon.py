"""/favicon.ico, which every browser asks for whatever a page links, is the app's own icon."""

import pytest
from django.urls import reverse


def test_favicon_is_at_the_address_browsers_ask(client):
    assert reverse("favicon") == "/favicon.ico"


@pytest.mark.parametrize("who", ["anonymous", "worker_a", "county_admin"])
def test_favicon_answers_everyone_with_the_static_icon(client, cast, who):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico") and "/static/gridgov/" in response["Location"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
