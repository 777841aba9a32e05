import pytest
from django.urls import reverse

from tests.conftest import page_text
from tests.factories import PASSWORD


def _login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
    assert "登录" in response.content.decode()


def test_language_switch_turns_pages_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in page
    assert "Log in" in page


@pytest.mark.parametrize(
    ("who", "door"),
    [
        ("worker_a", "/m/"),
        ("informant_a", "/m/"),
        ("staff_town1", "/desk/"),
        ("county_admin", "/admin/"),
    ],
)
def test_after_login_each_role_lands_at_its_door(client, cast, who, door):
    response = _login(client, who)
    assert response.status_code == 302
    landing = client.get(response.url)
    assert landing.status_code == 302
    assert landing.url == door
    assert client.get(door).status_code == 200


def test_grid_worker_lands_at_mobile_and_sees_their_place_in_the_tree(client, cast, tree):
    client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD}, follow=True)
    page = page_text(client.get("/m/"))
    assert "王刚" in page
    assert "城固县 › 沙河营镇 › 梁家庵村 › 梁家庵村第一网格" in page


def test_town_staff_lands_at_desk_with_their_town(client, cast):
    client.force_login(cast.staff_town1)
    page = page_text(client.get("/desk/"))
    assert "城固县 › 沙河营镇" in page
    assert "博望街道" not in page


def test_wrong_password_shows_an_error_and_no_session(client, cast):
    response = _login(client, "worker_a", "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_throttle_locks_after_repeated_failures_for_that_username(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "worker_a", "wrong")
    locked = _login(client, "worker_a")  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in locked.content.decode()
    # Another person on the same office network can still log in.
    assert _login(client, "staff_town1").status_code == 302


def test_a_person_without_a_post_is_told_so(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "您还没有岗位，请联系县级管理员为您分配网格或乡镇。" in response.content.decode()


def test_doors_refuse_the_wrong_role(client, cast):
    client.force_login(cast.worker_a)
    assert client.get("/desk/").status_code == 403
    assert client.get("/admin/").status_code == 403  # logged in, but no admin door
    client.force_login(cast.staff_town1)
    assert client.get("/m/").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/m/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_logout_needs_post_and_ends_the_session(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/m/").status_code == 302


def test_a_forged_forwarded_address_does_not_dodge_the_lockout(client, cast, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "worker_a", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    locked = _login(client, "worker_a", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert locked.status_code == 429
