"""Callers of the Open311 door: a town's system with an Open311 key, and one with no key; the
residents' public categories (tests/cases/public.py). The people are the shared cast."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.api.conftest import make_client
from tests.cases.public import make_public

PHONE = "13912345678"


class Open311:
    """Calls /open311/v2/ as one caller: with an api_key, or with none; in English by default
    (the words tests look for, whatever the catalog holds)."""

    def __init__(self, key: str | None = None, language: str = "en"):
        self.http = Client(raise_request_exception=False)
        self.key = key
        self.headers = {"Accept-Language": language} if language else {}

    def url(self, method: str, fmt: str = "json") -> str:
        return f"/open311/v2/{method}.{fmt}"

    def get(self, method: str, fmt: str = "json", headers=None, **params):
        if self.key and "api_key" not in params:
            params["api_key"] = self.key
        return self.http.get(
            self.url(method, fmt), params, headers={**self.headers, **(headers or {})}
        )

    def post(self, fmt: str = "json", headers=None, **fields):
        if self.key and "api_key" not in fields:
            fields["api_key"] = self.key
        return self.http.post(
            self.url("requests", fmt), fields, headers={**self.headers, **(headers or {})}
        )


def errors(response) -> list[dict]:
    """The spec's error list of a JSON or XML answer, as [{code, description}]."""
    if response["Content-Type"].startswith("text/xml"):
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        return [
            {"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root
        ]
    return response.json()


def refused(response, status: int) -> str:
    """Assert the answer is the spec's error with this status; its descriptions, joined."""
    assert response.status_code == status, response.content[:500]
    listed = errors(response)
    assert listed and all(set(e) == {"code", "description"} for e in listed)
    assert all(e["code"] == status and e["description"] for e in listed)
    return " ".join(e["description"] for e in listed)


@pytest.fixture
def services(units):
    """邻里矛盾 (neighbours) and 着火了 (fire) are public; 土地纠纷 and 生活困难 are not."""
    return make_public(units)


@pytest.fixture
def town_system(cast, tree):
    """A county app's relay for town 1: an Open311 key, acting with the town's centre's grants."""
    return make_client(tree.town1, ["center_staff"], ["open311"], name="县民生App")


@pytest.fixture
def open311(town_system):
    return Open311(town_system.key)


@pytest.fixture
def anyone():
    return Open311()


def report(services, **fields) -> dict:
    """A POST requests body as a client sends it: a public service, a place (grid A, by the
    names of its village and itself), a resident."""
    return {
        "service_code": str(services.neighbours.pk),
        "description": "邻居家的狗每天夜里叫，协商过没有用。",
        "first_name": "大爷",
        "last_name": "刘",
        "phone": PHONE,
        "address_string": "梁家庵村第一网格村口",
        **fields,
    }
