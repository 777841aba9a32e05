"""The property-based run of tests/api/test_schema_run.py over the hotline's two operations, as
a hotline with its settings (the shared run calls them as a town's system without settings,
which is refused before any body is read): drawn orders and events, valid mostly and odd too,
and every answer one the description documents. Never a 5xx."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Api
from tests.api.test_schema_run import DOCUMENT, EXAMPLES, _check, _request, _send
from tests.cases.hotline import make_hotline, receive
from tests.factories import advance

OPERATIONS = [("/api/v1/hotline/orders/", "post"), ("/api/v1/hotline/events/", "post")]


@pytest.fixture
def world(cast, tree):
    hotline = make_hotline(tree.county)
    waiting = receive(hotline, number="SX-1")
    done = receive(hotline, number="SX-2")
    advance(cast, done.case, "resolved", handler="village_chief")
    return {"ids": [waiting.case.pk, done.case.pk, tree.town1.pk], "api": Api(hotline.key)}


def test_both_operations_are_described():
    for path, method in OPERATIONS:
        assert method in DOCUMENT["paths"][path]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=["orders", "events"])
def test_every_answer_to_the_hotline_is_one_the_description_documents(world, path, method):
    api = world["api"]
    seen = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(drawn=_request(path, method, world))
    def run(drawn):
        response = _send(api, path, method, drawn)
        seen.append(response.status_code)
        _check(path, method, response)

    run()
    assert 422 in seen  # the drawn bodies reached the reading of the body


def _orders(tree):
    """Orders that are mostly well formed, with odd values in each field now and then."""
    odd = st.text(max_size=12)
    return st.fixed_dictionaries(
        {
            "order_no": st.from_regex(r"SX-[0-9]{1,3}", fullmatch=True),
            "content": st.text(min_size=1, max_size=80),
        },
        optional={
            "title": st.text(max_size=40),
            "category": st.sampled_from(["城乡建设/路灯", "邻里纠纷", ""]) | odd,
            "address": st.sampled_from(["沙河营镇梁家庵村一组", "博望街道", "外省某地"]) | odd,
            "town_code": st.sampled_from([tree.town1.code, tree.village2.code, "999", ""]),
            "caller_name": st.text(max_size=20),
            "caller_phone": st.sampled_from(["13800001234", "0916-1234567", "+86 138 0000 1234"])
            | odd,
            "deadline": st.datetimes().map(lambda d: d.isoformat()) | odd,
            "emergency": st.booleans(),
        },
    )


def _events():
    return st.fixed_dictionaries(
        {
            "order_no": st.sampled_from(["SX-1", "SX-2", "SX-404"]),
            "event": st.sampled_from(["urge", "callback", "return_decision"]),
        },
        optional={
            "note": st.text(max_size=30),
            "result": st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied", "x"]),
            "score": st.integers(0, 6),
            "decision": st.sampled_from(["accepted", "refused", "maybe"]),
        },
    )


@pytest.mark.django_db
def test_well_formed_orders_and_events_get_documented_answers_and_do_their_work(world, tree):
    api, seen = world["api"], {"orders": set(), "events": set()}

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=_orders(tree), event=_events())
    def run(body, event):
        for path, name, sent in (
            (OPERATIONS[0][0], "orders", body),
            (OPERATIONS[1][0], "events", event),
        ):
            response = api.post(path, json.dumps(sent))
            seen[name].add(response.status_code)
            _check(path, "post", response)

    run()
    assert {200, 201, 422} <= seen["orders"], seen
    assert {200, 404, 409} <= seen["events"], seen
