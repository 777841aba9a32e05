"""A property-based run over the whole OpenAPI description as an authorised client (the town's
system, with every endpoint): for each operation, hypothesis draws path ids, query parameters,
headers and bodies from the operation's own schema (valid values mostly, odd ones too), and
every answer must be one the description documents: a documented status, its content type,
and a body matching its schema. Never a 5xx. A bounded number of examples per operation."""

from __future__ import annotations

import json
import string

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cases import actions
from gridgov.models import Notice, OutboxMessage
from tests.api.conftest import Api
from tests.factories import T0, called_case, make_case

EXAMPLES = 30
DOCUMENT = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
OPERATIONS = [
    (path, method)
    for path, item in DOCUMENT["paths"].items()
    for method in ("get", "post")
    if method in item
]
_REF = "#/components/schemas/"


def _json_schema(node):
    """OpenAPI 3.0's schema objects as JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


COMPONENTS = _json_schema(DOCUMENT["components"])


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].removeprefix(_REF)]
    return schema


def _ids(world) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(world["ids"]), st.integers(0, 10**12))


def _value(schema: dict, world, depth: int = 0) -> st.SearchStrategy:
    """Values of this schema (and, now and then, of another kind)."""
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return st.one_of([_value(s, world, depth) for s in schema[key]])
    if "enum" in schema:
        valid = st.sampled_from([v for v in schema["enum"] if v is not None] or [""])
        return st.one_of(valid, valid, st.text(max_size=5))
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        return st.one_of(_ids(world), st.integers(-(2**40), 2**70))
    if kind == "number":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers())
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if fmt == "date-time":
            return st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=10))
        if fmt == "date":
            return st.one_of(st.dates().map(str), st.text(max_size=10))
        if fmt == "decimal":
            return st.one_of(
                st.decimals(-200, 200, places=6, allow_nan=False).map(str), st.text(max_size=8)
            )
        return st.text(max_size=min(schema.get("maxLength", 30), 30))
    if kind == "array":
        return st.lists(_value(schema.get("items", {}), world, depth + 1), max_size=3)
    if kind == "object" and depth < 3:
        props = schema.get("properties", {})
        required = [k for k in schema.get("required", []) if k in props]
        optional = {k: _value(v, world, depth + 1) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(
            {k: _value(props[k], world, depth + 1) for k in required}, optional=optional
        )
    return st.none()


def _query(param, world) -> st.SearchStrategy:
    """A query parameter as a browser would send it: text (or left out)."""
    schema = param.get("schema", {})
    if schema.get("type") == "integer":
        inner = _ids(world).map(str)
    elif schema.get("type") == "boolean":
        inner = st.sampled_from(["true", "false", "1", "0", "maybe"])
    else:
        inner = _value(schema, world).map(lambda v: v if isinstance(v, str) else json.dumps(v))
    return st.one_of(st.none(), inner, st.text(max_size=12))


def _request(path: str, method: str, world) -> st.SearchStrategy:
    op = DOCUMENT["paths"][path][method]
    parts = {}
    for param in op.get("parameters", []):
        name, where = param["name"], param["in"]
        if where == "path":
            enum = param["schema"].get("enum")
            parts[f"path:{name}"] = st.sampled_from(enum) if enum else _ids(world)
        elif where == "query":
            parts[f"query:{name}"] = _query(param, world)
        elif name == "Accept-Language":
            parts["header:Accept-Language"] = st.sampled_from(["zh-hans", "en", "fr", "*", ""])
        elif name == "Idempotency-Key":
            ascii_key = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=8)
            parts["header:Idempotency-Key"] = st.one_of(st.none(), ascii_key)
    body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if body is not None:
        parts["body"] = st.one_of(
            _value(body["schema"], world),
            st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=6), max_size=3),
            st.lists(st.integers(), max_size=2),
        )
    return st.fixed_dictionaries(parts)


@pytest.fixture
def world(cast, tree, units, town_system):
    """Cases in several states in both towns, county calls and notices: ids to draw from."""
    cases = [make_case(cast, tree.grid_a, s, now=T0) for s in ("reported", "handling", "closed")]
    cases.append(make_case(cast, tree.grid_c, "accepted", now=T0))
    case, call = called_case(cast, tree.grid_a, units.civil, units.hardship, now=T0)
    actions.county_call_respond(actor=units.civil_staff, call_id=call.pk, response="已办", now=T0)
    message = OutboxMessage.objects.create(kind="case_reported", case=case)
    notice = Notice.objects.create(user=town_system.user, message=message, case=case, text="x")
    ids = [c.pk for c in [*cases, case]] + [call.pk, notice.pk, tree.grid_a.pk, tree.town1.pk]
    ids += [cast.worker_a.pk, units.platform.pk, units.neighbours.pk]
    return {"ids": sorted(set(ids)), "api": Api(town_system.key)}


def _send(api, path: str, method: str, drawn: dict):
    url = path
    query, headers = {}, {}
    for key, value in drawn.items():
        where, _sep, name = key.partition(":")
        if where == "path":
            url = url.replace("{" + name + "}", str(value))
        elif where == "query" and value is not None:
            query[name] = value
        elif where == "header" and value is not None:
            headers[name] = value
    if method == "get":
        return api.get(url, query, **headers)
    return api.post(url, json.dumps(drawn.get("body", {})), **headers)


def _check(path: str, method: str, response) -> None:
    documented = DOCUMENT["paths"][path][method]["responses"]
    status = str(response.status_code)
    where = f"{method.upper()} {response.request['PATH_INFO']} → {status}"
    assert response.status_code < 500, f"{where}: {response.content[:300]!r}"
    assert status in documented, f"{where}: not a documented status ({sorted(documented)})"
    content = documented[status].get("content", {})
    media = response["Content-Type"].split(";")[0]
    assert media in content, f"{where}: {media} is not documented ({list(content)})"
    schema = {**_json_schema(content[media]["schema"]), "components": COMPONENTS}
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(response.content)))
    assert not errors, f"{where}: {errors[0].message} at {list(errors[0].absolute_path)}"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_every_answer_is_one_the_description_documents(world, path, method):
    api = world["api"]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(drawn=_request(path, method, world))
    def run(drawn):
        _check(path, method, _send(api, path, method, drawn))

    run()


def test_the_run_covers_every_operation_of_the_description():
    assert len(OPERATIONS) >= 15
    assert ("/api/v1/cases/{case_id}/actions/{action}/", "post") in OPERATIONS
