"""Writes that can be retried: a POST with an Idempotency-Key is done once per caller and key;
the retry gets the first answer, another body under the same key is refused."""

import json

import pytest
from django.db import connection

from cases.models import Case, CaseEvent
from gridgov.models import IdempotencyRecord
from tests.api.conftest import Api, make_client
from tests.concurrency import run_at_once

REPORT = {"node_code": "610722107201001", "title": "路灯不亮", "description": "村口路灯坏了"}


def _report(api, key, body=REPORT):
    return api.post("/api/v1/cases/", body, **{"Idempotency-Key": key})


@pytest.mark.django_db
def test_a_retry_with_the_same_key_and_body_gets_the_first_answer_and_makes_no_second_case(
    as_system,
):
    first = _report(as_system, "hotline-2026-0001")
    again = _report(as_system, "hotline-2026-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_body_written_otherwise_is_the_same_request(as_system):
    _report(as_system, "k")
    spaced = json.dumps(dict(reversed(list(REPORT.items()))), indent=2)
    assert _report(as_system, "k", spaced).status_code == 201
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_or_address_is_refused(as_system, report):
    _report(as_system, "k")
    other = _report(as_system, "k", {**REPORT, "title": "另一件事"})
    assert other.status_code == 422
    assert list(other.json()["errors"]) == ["Idempotency-Key"]
    case = report()
    elsewhere = as_system.post(
        f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "yellow"}, **{"Idempotency-Key": "k"}
    )
    assert elsewhere.status_code == 422
    assert Case.objects.count() == 2  # the first report and the fixture's
    assert Case.objects.get(pk=case.pk).status == "reported"


@pytest.mark.django_db
def test_a_refusal_is_the_first_answer_too(as_system, report):
    case = report()
    url = f"/api/v1/cases/{case.pk}/actions/accept/"
    first = as_system.post(url, {"color": "blue"}, **{"Idempotency-Key": "a"})
    again = as_system.post(url, {"color": "blue"}, **{"Idempotency-Key": "a"})
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_an_action_retried_is_taken_once(as_system, report):
    case = report()
    url = f"/api/v1/cases/{case.pk}/actions/accept/"
    for _ in range(3):
        response = as_system.post(url, {"color": "yellow"}, **{"Idempotency-Key": "acc-1"})
        assert response.status_code == 200
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_caller(cast, tree, as_system):
    other = Api(make_client(tree.town1, ["center_staff"], name="县平台").key)
    _report(as_system, "same-key")
    assert _report(other, "same-key").status_code == 201
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_key_that_is_not_visible_ascii_is_400(as_system):
    for key in ("", " ", "x" * 201, "键"):
        response = as_system.post("/api/v1/cases/", REPORT, **{"Idempotency-Key": key})
        assert response.status_code == 400, key
    assert not Case.objects.exists() and not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_a_throttled_request_is_not_kept_as_the_answer(settings, as_system):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "1/min", "api_person": "1/min"},
    }
    as_system.get("/api/v1/nodes/")
    throttled = _report(as_system, "later")
    assert throttled.status_code == 429
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_racing_with_one_key_make_one_case(cast, tree):
    assert connection.vendor == "postgresql"
    key = make_client(tree.town1, ["center_staff"]).key

    def post():
        return _report(Api(key), "race-1")

    outcomes = run_at_once(post, post)
    statuses = sorted(o.status_code for o in outcomes)
    assert statuses == [201, 201], outcomes
    assert outcomes[0].json() == outcomes[1].json()
    assert Case.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_answers_older_than_a_day_are_forgotten(as_system):
    import datetime as dt

    from django.utils import timezone

    from gridgov.api.idempotency import idempotency_purge

    _report(as_system, "old")
    assert idempotency_purge(now=timezone.now()) == 0
    assert idempotency_purge(now=timezone.now() + dt.timedelta(hours=25)) == 1
    again = _report(as_system, "old")  # the key is new again: the work is done anew
    assert again.status_code == 201 and Case.objects.count() == 2
