"""One error shape (RFC 9457 problem+json) in the caller's language; a refusal by the domain
says what the pages say; no input is a server error."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from cases.models import Case
from tests.api.conftest import Api
from tests.factories import make_case

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "errors"}


def test_an_error_is_a_problem_with_its_type_title_status_detail_and_field_errors(
    as_system, report
):
    case = report()
    response = as_system.post(f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "blue"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["type"] == "urn:gridgov:problem:refused"
    assert body["status"] == 422
    assert body["instance"] == f"/api/v1/cases/{case.pk}/actions/accept/"
    assert list(body["errors"]) == ["color"]


def test_errors_are_in_chinese_unless_the_caller_asks_for_english(town_system, report):
    case = report()
    url = f"/api/v1/cases/{case.pk}/actions/resolve/"
    chinese = Api(town_system.key).post(url, {})
    english = Api(town_system.key, language="en-US,en;q=0.9").post(url, {})
    french = Api(town_system.key, language="fr").post(url, {})
    with translation.override("zh-hans"):
        conflict = translation.gettext("A case that is “%(status)s” cannot be given “%(action)s”.")
    assert chinese["Content-Language"] == french["Content-Language"] == "zh-hans"
    assert english["Content-Language"] == "en"
    assert chinese.json()["detail"].startswith(conflict.split("“")[0])
    assert english.json()["detail"].startswith("A case that is")
    assert chinese.json()["detail"] == french.json()["detail"] != english.json()["detail"]


def test_the_language_cookie_counts_when_no_language_is_asked_for(cast, report):
    http = Client()
    http.force_login(cast.staff_town1)
    http.cookies["django_language"] = "en"
    response = http.get("/api/v1/cases/999999/")
    assert response["Content-Language"] == "en"


def test_a_rule_refusing_says_what_the_desk_page_says(cast, tree, as_system):
    case = make_case(cast, tree.grid_a, "handling", handler="staff_town1", owner=tree.town1)
    before = case.clear_by - dt.timedelta(hours=1)
    response = as_system.post(
        f"/api/v1/cases/{case.pk}/actions/request_extension/",
        {"until": before.isoformat(), "text": "需要更多时间"},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    desk = Client()
    desk.force_login(cast.staff_town1)
    page = desk.post(
        f"/desk/cases/{case.pk}/act/",
        {
            "action": "request_extension",
            "until": before.strftime("%Y-%m-%d %H:%M"),
            "text": "需要更多时间",
        },
    )
    assert detail and detail in page.content.decode()


def test_an_action_that_does_not_fit_the_state_is_409_and_changes_nothing(cast, tree, as_system):
    case = make_case(cast, tree.grid_a, "closed")
    response = as_system.post(f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "red"})
    assert response.status_code == 409
    assert response.json()["type"] == "urn:gridgov:problem:conflict"
    assert Case.objects.get(pk=case.pk).color == case.color


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{", 400),
        ('{"text": NaN}', 400),
        ('{"text": Infinity}', 400),
        ("[" * 5000 + "]" * 5000, 400),
        (b"\xff\xfe", 400),
        ('"just a string"', 422),
        ("[1, 2]", 422),
        ('{"color": ["yellow"]}', 422),
        ('{"owner_node": 99999999999999999999}', 422),
        ('{"owner_node": "1e5"}', 422),
        ('{"text": "\\u0000\\u0001ok"}', 422),  # cleaned, then refused: accept needs a color
    ],
)
def test_unreadable_bodies_are_problems_never_server_errors(as_system, report, body, status):
    case = report()
    response = as_system.post(f"/api/v1/cases/{case.pk}/actions/accept/", body)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"


def test_a_form_body_is_415_and_a_wrong_method_405(town_system, report):
    case = report()
    http = Client(headers={"Authorization": f"Bearer {town_system.key}"})
    form = http.post(f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "yellow"})
    assert form.status_code == 415
    wrong = http.delete(f"/api/v1/cases/{case.pk}/")
    assert wrong.status_code == 405
    assert {form["Content-Type"], wrong["Content-Type"]} == {"application/problem+json"}


def test_an_address_under_the_api_that_names_nothing_is_a_404_problem(as_system):
    for response in (
        as_system.get("/api/v1/nothing/"),
        as_system.get("/api/v1/cases/abc/"),
        as_system.post("/api/v1/cases/1/actions/fly/", {}),
    ):
        assert response.status_code == 404, response.request["PATH_INFO"]
        assert response["Content-Type"] == "application/problem+json"


def test_a_tampered_cursor_is_404_not_a_database_error(as_system, report):
    import base64

    report()
    for raw in (b"p=abc", b"p=2026-01-01", b"o=-1", b"r=x"):
        cursor = base64.b64encode(raw).decode()
        response = as_system.get("/api/v1/cases/", {"cursor": cursor})
        assert response.status_code == 404, raw
    assert as_system.get("/api/v1/cases/", {"cursor": "é"}).status_code == 404


def test_an_unreadable_filter_is_ignored_as_on_the_desk(as_system, report):
    report()
    for params in (
        {"node": "²"},
        {"received_from": "2026-13-45"},
        {"overdue_at": "NaN"},
        {"page_size": "-3"},
        {"status": "\x00"},
    ):
        response = as_system.get("/api/v1/cases/", params)
        assert response.status_code == 200, params


def test_a_persons_write_needs_the_csrf_token_like_a_form(cast, report):
    case = report()
    http = Client(enforce_csrf_checks=True)
    http.force_login(cast.staff_town1)
    url = f"/api/v1/cases/{case.pk}/actions/accept/"
    refused = http.post(url, '{"color": "yellow"}', content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    http.get("/desk/")  # a page sets the CSRF cookie
    token = http.cookies["csrftoken"].value
    done = http.post(
        url, '{"color": "yellow"}', content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert done.status_code == 200
