"""Failed logins: a username on one address is locked after a few failures, the address as a
whole after many (password spraying), and no username length reaches the database unbounded."""

from django.test import RequestFactory
from django.urls import reverse

from gridgov.throttle import recorded_username
from tests.factories import PASSWORD


def _login(client, username, password=PASSWORD, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def test_thirty_one_usernames_from_one_address_lock_the_address(client, cast, settings):
    assert settings.AXES_IP_FAILURE_LIMIT == 30
    for i in range(31):
        _login(client, f"guess{i:02d}", "Winter2026!")
    locked = _login(client, "worker_a")  # a real person with the right password
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_few_failures_of_a_few_people_lock_nobody(client, cast):
    for name in ("worker_a", "worker_b", "informant_a", "staff_town1", "nobody"):
        for _ in range(4):
            assert _login(client, name, "wrong").status_code == 200
    assert _login(client, "worker_a").status_code == 302


def test_a_success_in_between_does_not_clear_the_address_count(client, cast, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for i in range(5):
        _login(client, f"guess{i}", "wrong")
    assert _login(client, "worker_b").status_code == 302  # the sprayer's own account
    client.post(reverse("logout"))
    _login(client, "guess5", "wrong")
    assert _login(client, "worker_a").status_code == 429


def test_another_address_is_not_locked_by_the_first(client, cast, settings):
    settings.AXES_IP_FAILURE_LIMIT = 3
    for i in range(3):
        _login(client, f"guess{i}", "wrong")
    assert _login(client, "worker_a").status_code == 429
    elsewhere = client.post(
        reverse("login"),
        {"username": "worker_a", "password": PASSWORD},
        REMOTE_ADDR="10.20.30.40",
    )
    assert elsewhere.status_code == 302


def test_a_300_character_username_is_a_form_error_not_a_500(client, cast):
    response = _login(client, "x" * 300, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_the_admin_login_with_a_300_character_username_is_refused_not_a_500(client, cast):
    # The admin's own form does not bound the name: axes records it cut to its column.
    response = _login(client, "x" * 300, "wrong", url="/admin/login/")
    assert response.status_code == 200 and response.context["form"].errors


def test_the_login_form_bounds_the_username_like_djangos_user():
    from gridgov.forms import LoginForm

    form = LoginForm(data={"username": "x" * 151, "password": "whatever"})
    assert not form.is_valid() and "username" in form.errors
    assert form.fields["username"].max_length == 150


def test_axes_records_at_most_255_characters_of_a_username():
    request = RequestFactory().post("/admin/login/", {"username": "y" * 300})
    assert recorded_username(request, {"username": "x" * 300}) == "x" * 255
    assert recorded_username(request) == "y" * 255
    assert recorded_username(request, {"username": None}) is None
