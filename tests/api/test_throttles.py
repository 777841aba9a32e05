"""Each API client and each person has a request rate (REST_FRAMEWORK's api_client and
api_person rates): past it, 429 with Retry-After, for that caller only."""

import pytest

from tests.api.conftest import Api, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "3/min", "api_person": "2/min"},
    }


def test_a_client_past_its_rate_is_429_with_retry_after(low_rates, town_system):
    api = Api(town_system.key)
    statuses = [api.get("/api/v1/nodes/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/v1/nodes/")
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["type"] == "urn:gridgov:problem:throttled"


def test_each_client_has_its_own_rate(low_rates, cast, tree, town_system):
    other = make_client(tree.town1, ["center_staff"], name="县平台")
    for _ in range(3):
        Api(town_system.key).get("/api/v1/nodes/")
    assert Api(town_system.key).get("/api/v1/nodes/").status_code == 429
    assert Api(other.key).get("/api/v1/nodes/").status_code == 200


def test_a_person_has_the_persons_rate_and_others_are_not_slowed(low_rates, cast):
    me, colleague = Api(user=cast.staff_town1), Api(user=cast.staff_town2)
    statuses = [me.get("/api/v1/nodes/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert colleague.get("/api/v1/nodes/").status_code == 200
