"""The OpenAPI 3 description: served at /api/v1/schema/, valid, complete (every field typed
and described, enums, the error answers, examples), and read by Swagger UI and ReDoc served
from gridgov's own static files."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_description_is_openapi_3_and_valid(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/cases/",
        "/api/v1/cases/{case_id}/",
        "/api/v1/cases/{case_id}/actions/{action}/",
        "/api/v1/nodes/",
        "/api/v1/calls/{call_id}/actions/{action}/",
        "/api/v1/kpis/",
        "/api/v1/notices/",
    ):
        assert expected in paths


def test_the_description_is_served_as_yaml_too():
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi: 3." in response.content


def test_every_operation_answers_its_errors_as_problems(schema):
    for path, method, op in _operations(schema):
        codes = set(op["responses"])
        expected = {"401", "403", "429"} | (
            {"400", "404", "409", "422"} if method == "post" else {"404"}
        )
        assert expected <= codes, (path, method, codes)
        for code, answer in op["responses"].items():
            if code.startswith(("4", "5")):
                content = answer["content"]
                assert list(content) == ["application/problem+json"], (path, method, code)
                assert content["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
        assert op.get("summary") and op.get("tags"), (path, method)
        assert op.get("security"), (path, method)


def _missing(schema_obj, where: str, found: list):
    for name, prop in (schema_obj.get("properties") or {}).items():
        place = f"{where}.{name}"
        if not prop.get("description"):
            found.append(f"{place}: no description")
        if not (prop.get("type") or prop.get("$ref") or prop.get("allOf") or prop.get("oneOf")):
            found.append(f"{place}: no type")
        if prop.get("type") == "object" and "properties" in prop:
            _missing(prop, place, found)


def test_every_field_is_typed_and_described(schema):
    found: list[str] = []
    for name, component in schema["components"]["schemas"].items():
        _missing(component, name, found)
    for path, method, op in _operations(schema):
        for param in op.get("parameters", []):
            if not param.get("description"):
                found.append(f"{method} {path} {param['name']}: no description")
            if not param.get("schema", {}).get("type"):
                found.append(f"{method} {path} {param['name']}: no type")
    assert not found, "\n".join(found)


def test_choices_are_enums_and_the_action_is_one_of_the_tables_rows(schema):
    from cases import workflow
    from cases.models import Status

    components = schema["components"]["schemas"]
    assert components["StatusEnum"]["enum"] == Status.values
    action = next(
        p
        for p in schema["paths"]["/api/v1/cases/{case_id}/actions/{action}/"]["post"]["parameters"]
        if p["name"] == "action"
    )
    assert set(action["schema"]["enum"]) == set(workflow.offered_on(workflow.CASE_PAGE))


def test_writes_have_examples_and_say_they_take_an_idempotency_key(schema):
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]
    for path, method, op in _operations(schema):
        names = {p["name"] for p in op.get("parameters", [])}
        assert "Accept-Language" in names
        assert ("Idempotency-Key" in names) == (method == "post"), (path, method)


def test_both_ways_of_calling_are_described(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"]["name"] == "X-Api-Key"
    assert schemes["cookieAuth"]["in"] == "cookie"


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_readers_are_served_from_our_own_static_files_under_a_csp_of_our_own(path):
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses)
    for address in addresses:
        if address.startswith("/static/"):
            assert finders.find(address.removeprefix("/static/")), address
    assert "<script>" not in html and "<style>" not in html  # nothing inline
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "http" not in policy
    if path == "/api/v1/docs/":  # Swagger UI needs nothing beyond the site's own policy
        from gridgov.middleware import CONTENT_SECURITY_POLICY

        assert policy == CONTENT_SECURITY_POLICY


def test_swagger_ui_gets_its_settings_from_a_script_of_ours():
    page = Client().get("/api/v1/docs/").content.decode()
    script = re.search(r'<script src="(/api/v1/docs/\?[^"]*)"', page).group(1)
    response = Client().get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"/api/v1/schema/" in response.content


def test_the_other_pages_keep_the_strict_policy():
    response = Client().get("/login/")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
