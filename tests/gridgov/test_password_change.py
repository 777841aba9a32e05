"""People change their own password, on the phone or at the desk."""

from django.urls import reverse

from tests.conftest import page_text
from tests.factories import PASSWORD

NEW = "Liangjiaan-river-2026"


def _change(client, old, new=NEW, again=None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_a_grid_worker_changes_their_password_and_logs_in_with_the_new_one(client, cast):
    client.force_login(cast.worker_a)
    assert client.get(reverse("password_change")).status_code == 200
    response = _change(client, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    assert client.get("/m/").status_code == 200  # still logged in on this phone
    client.post(reverse("logout"))
    old = client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    assert old.status_code == 200
    new = client.post(reverse("login"), {"username": "worker_a", "password": NEW})
    assert new.status_code == 302


def test_a_wrong_old_password_is_a_form_error_and_changes_nothing(client, cast):
    client.force_login(cast.worker_a)
    response = _change(client, "not-my-password")
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert "旧密码不正确" in page_text(response)  # Django's own Chinese
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.check_password(PASSWORD)


def test_a_weak_new_password_is_refused(client, cast):
    client.force_login(cast.staff_town1)
    response = _change(client, PASSWORD, new="12345678")
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]


def test_the_page_header_links_to_the_password_page_on_both_doors(client, cast):
    for who, door in (("worker_a", "/m/"), ("staff_town1", "/desk/")):
        client.force_login(getattr(cast, who))
        assert f'href="{reverse("password_change")}"' in client.get(door).content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
