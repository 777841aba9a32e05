"""A 12345 hotline's settings in the admin: made for a client one may manage (its secret shown
once), changed without showing the secret, renewed, scoped to one's subtree."""

import re

import pytest
from django.test import Client

from cases.models import HotlineConfig
from gridgov.admin_site import ScopedForms, site
from tests.api.conftest import make_client
from tests.cases.hotline import make_hotline

pytestmark = pytest.mark.django_db

ADD = "/admin/cases/hotlineconfig/add/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_settings_admin_is_scoped_like_the_rest():
    assert isinstance(site._registry[HotlineConfig], ScopedForms)


def test_an_admin_adds_a_hotlines_settings_and_sees_the_secret_once(cast, tree):
    line = make_client(tree.town1, ["center_staff"], ["hotline"], name="市12345热线")
    admin = signed_in(cast.county_admin)
    response = admin.post(
        ADD,
        {"client": line.client.pk, "webhook_url": "https://12345.example.org/hook", "active": "on"},
    )
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    config = HotlineConfig.objects.get(client=line.client)
    shown = re.search(r'<code class="api-key">([^<]+)</code>', response.content.decode()).group(1)
    assert shown == config.secret and len(shown) >= 40
    page = admin.get(f"/admin/cases/hotlineconfig/{config.pk}/change/").content.decode()
    assert config.secret not in page  # never again


def test_a_secret_typed_in_is_kept_and_a_short_one_refused(cast, tree):
    line = make_client(tree.town1, ["center_staff"], ["hotline"])
    admin = signed_in(cast.county_admin)
    data = {"client": line.client.pk, "webhook_url": "https://12345.example.org/hook"}
    refused = admin.post(ADD, {**data, "new_secret": "short"})
    assert refused.status_code == 200 and "new_secret" in refused.context["adminform"].form.errors
    agreed = "agreed-with-the-hotline-0123456789abcdef"
    assert admin.post(ADD, {**data, "new_secret": agreed}).status_code == 302
    assert HotlineConfig.objects.get(client=line.client).secret == agreed


def test_a_client_without_the_hotline_endpoint_or_a_plain_http_address_is_refused(cast, tree):
    admin = signed_in(cast.county_admin)
    other = make_client(tree.town1, ["center_staff"], ["cases.read"])
    response = admin.post(ADD, {"client": other.client.pk, "webhook_url": "https://x.example/h"})
    assert "client" in response.context["adminform"].form.errors
    line = make_client(tree.town1, ["center_staff"], ["hotline"])
    for url in ("http://12345.example.org/hook", "https://10.0.0.8/hook", "https://localhost/h"):
        response = admin.post(ADD, {"client": line.client.pk, "webhook_url": url})
        assert "webhook_url" in response.context["adminform"].form.errors, url
    assert not HotlineConfig.objects.exists()


def test_a_listed_plain_http_origin_is_allowed(cast, tree, settings):
    settings.GRIDGOV_HOTLINE_HTTP_HOSTS = ["http://10.2.0.8:8080"]
    line = make_client(tree.town1, ["center_staff"], ["hotline"])
    response = signed_in(cast.county_admin).post(
        ADD, {"client": line.client.pk, "webhook_url": "http://10.2.0.8:8080/12345/notify"}
    )
    assert response.status_code == 200 and HotlineConfig.objects.filter(client=line.client)


def test_changing_the_settings_keeps_the_secret(cast, tree):
    line = make_hotline(tree.town1)
    before = line.config.secret
    response = signed_in(cast.county_admin).post(
        f"/admin/cases/hotlineconfig/{line.config.pk}/change/",
        {"webhook_url": "https://12345.example.org/new", "response_hours": "4", "active": "on"},
    )
    assert response.status_code == 302, response.content[:500]
    line.config.refresh_from_db()
    assert line.config.secret == before and line.config.response_hours == 4
    assert line.config.webhook_url == "https://12345.example.org/new"


def test_a_new_secret_is_made_and_shown_once(cast, tree):
    line = make_hotline(tree.town1)
    before = line.config.secret
    response = signed_in(cast.county_admin).post(
        "/admin/cases/hotlineconfig/",
        {"action": "renew_secrets", "_selected_action": [line.config.pk]},
    )
    line.config.refresh_from_db()
    assert line.config.secret != before
    assert line.config.secret in response.content.decode()


def test_a_town_admin_sees_and_chooses_only_their_towns_hotlines(cast, tree):
    mine = make_hotline(tree.town1)
    theirs = make_hotline(tree.town2)
    admin = signed_in(cast.town1_admin)
    listed = admin.get("/admin/cases/hotlineconfig/").content.decode()
    assert mine.client.name in listed and theirs.client.name not in listed
    assert admin.get(f"/admin/cases/hotlineconfig/{theirs.config.pk}/change/").status_code == 404
    fresh = make_client(tree.town2, ["center_staff"], ["hotline"], name="博望热线")
    response = admin.post(ADD, {"client": fresh.client.pk, "webhook_url": "https://x.example/h"})
    assert response.status_code == 200
    assert "client" in response.context["adminform"].form.errors
    assert not HotlineConfig.objects.filter(client=fresh.client).exists()


def test_nobody_deletes_a_hotlines_settings(cast, tree):
    line = make_hotline(tree.town1)
    response = signed_in(cast.county_admin).post(
        f"/admin/cases/hotlineconfig/{line.config.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert HotlineConfig.objects.filter(pk=line.config.pk).exists()


def test_people_without_the_admin_door_are_refused(cast, tree):
    line = make_hotline(tree.county)
    for who in (cast.staff_town1, cast.worker_a):
        response = signed_in(who).get(f"/admin/cases/hotlineconfig/{line.config.pk}/change/")
        assert response.status_code == 403


def test_settings_of_a_client_one_may_not_manage_are_refused(cast, tree):
    # A county admin does not manage a client acting at the county's own level (as for a
    # person's posts): its settings are a superuser's to change.
    line = make_hotline(tree.county)
    response = signed_in(cast.county_admin).post(
        f"/admin/cases/hotlineconfig/{line.config.pk}/change/",
        {"webhook_url": "https://12345.example.org/other", "active": "on"},
    )
    assert response.status_code == 403
    line.config.refresh_from_db()
    assert line.config.webhook_url == "https://12345.example.org/gridgov"
