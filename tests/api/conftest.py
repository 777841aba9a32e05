"""API clients for tests/api: a town's system with its key, and a caller that sends JSON.
The people are the shared cast (tests/conftest.py)."""

from types import SimpleNamespace

import pytest
from django.test import Client

from gridgov.api import clients
from gridgov.models import ApiClient

ALL_ENDPOINTS = list(ApiClient.Endpoint.values)


class Api:
    """Calls the API as one caller: with a key, logged in as a person, or as nobody."""

    def __init__(self, key: str | None = None, user=None, language: str | None = None):
        self.http = Client(raise_request_exception=False)
        self.headers = {}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"
        if language:
            self.headers["Accept-Language"] = language
        if user is not None:
            self.http.force_login(user)

    def get(self, path, params=None, **headers):
        return self.http.get(path, params or {}, headers={**self.headers, **headers})

    def post(self, path, body=None, **headers):
        import json

        data = body if isinstance(body, str | bytes) else json.dumps(body or {})
        return self.http.post(
            path, data, content_type="application/json", headers={**self.headers, **headers}
        )


def make_client(node, roles, endpoints=None, *, actor=None, unit=None, name="系统"):
    client, key = clients.api_client_create(
        actor=actor,
        name=name,
        node_id=node.pk,
        roles=roles,
        endpoints=ALL_ENDPOINTS if endpoints is None else endpoints,
        unit_id=unit.pk if unit else None,
    )
    return SimpleNamespace(client=client, key=key, user=client.service_user)


@pytest.fixture
def town_system(cast, tree):
    """The 12345 hotline's system for town 1: the town's centre staff's grants."""
    return make_client(tree.town1, ["center_staff"], name="12345热线")


@pytest.fixture
def as_system(town_system):
    return Api(town_system.key)


@pytest.fixture
def api():
    """api(user=…) or api(key=…): a caller."""
    return Api
