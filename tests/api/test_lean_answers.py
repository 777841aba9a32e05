"""What the API's hot paths spare without changing an answer: a report is answered as it was
written (no second read, the same body a later read gives), one case costs the same queries
however long its history, a client's use is counted without a disk flush of its own (and
never lowers the durability of the caller's transaction), and an Idempotency-Key past its time
is new again without being looked for on every request."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import actions
from cases.models import Case
from gridgov.api.clients import record_use
from gridgov.models import ApiClient, IdempotencyRecord
from tests.api.conftest import Api, make_client
from tests.factories import called_case, make_case

REPORT = {"node_code": "610722107201001", "title": "路灯不亮", "description": "村口路灯坏了"}


@pytest.mark.django_db
def test_a_report_is_answered_with_the_body_a_later_read_of_the_case_gives(
    cast, tree, units, as_system
):
    body = {
        **REPORT,
        "category": units.land.pk,
        "reporter_name": "张三",
        "reporter_phone": "13800001234",
        "latitude": "33.153001",
        "longitude": 107.325,  # kept as 107.325000: the answer shows what is kept
    }
    created = as_system.post("/api/v1/cases/", body)
    assert created.status_code == 201, created.json()
    read = as_system.get(created["Location"])
    assert read.status_code == 200
    assert created.json() == read.json()
    assert [e["action"] for e in created.json()["history"]] == ["report"]


@pytest.mark.django_db
def test_a_report_on_a_node_given_by_id_in_the_callers_area_is_taken(cast, tree, as_system):
    response = as_system.post(
        "/api/v1/cases/", {"node": tree.micro_a1.pk, "title": "x", "description": "y"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["node"]["id"] == tree.micro_a1.pk


@pytest.mark.django_db
def test_a_report_reads_its_place_and_its_category_once(cast, tree, units, as_system):
    body = {**REPORT, "category": units.land.pk, "reporter_name": "张三"}
    # The town's first number of the year reads the town to start its sequence: not counted.
    assert as_system.post("/api/v1/cases/", body).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = as_system.post("/api/v1/cases/", body)
    assert response.status_code == 201, response.json()
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "cases_category"' in sql for sql in reads) == 1
    assert sum('FROM "grids_gridnode" WHERE' in sql for sql in reads) == 1


@pytest.mark.django_db
def test_one_case_costs_the_same_queries_however_long_its_history(cast, tree, units, as_system):
    short = make_case(cast, tree.grid_a, "accepted")
    long, _call = called_case(cast, tree.grid_a, units.civil, units.hardship)
    disputed = make_case(cast, tree.grid_a, "handling", handler="worker_a")
    for parties in ("甲、乙", "甲、丙"):
        actions.case_mediate(
            actor=cast.worker_a, case_id=disputed.pk, outcome="failure", parties=parties
        )
    counts = []
    for case in (short, long, disputed):
        with CaptureQueriesContext(connection) as queries:
            response = as_system.get(f"/api/v1/cases/{case.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))
    body = as_system.get(f"/api/v1/cases/{long.pk}/").json()
    assert body["county_calls"][0]["department"]["name"] == "县民政局"
    assert len(body["history"]) > 4
    # the client, its use, its grants, the case, its calls, its history, its mediations
    assert counts == [7, 7, 7]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_clients_use_is_counted_outside_any_transaction_and_the_flush_setting_stays_its_own(
    cast, tree
):
    assert connection.vendor == "postgresql"
    system = make_client(tree.town1, ["center_staff"])
    api = Api(system.key)
    for _ in range(3):
        assert api.get("/api/v1/nodes/").status_code == 200
    row = ApiClient.objects.get(pk=system.client.pk)
    assert row.request_count == 3 and row.last_used_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_counting_inside_a_callers_transaction_leaves_its_durability_alone(cast, tree):
    assert connection.vendor == "postgresql"
    system = make_client(tree.town1, ["center_staff"])
    with transaction.atomic():
        record_use(system.client)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert ApiClient.objects.get(pk=system.client.pk).request_count == 1


@pytest.mark.django_db
def test_a_key_past_its_time_is_new_again_with_the_same_or_another_body(cast, tree, as_system):
    key = {"Idempotency-Key": "hotline-old"}
    assert as_system.post("/api/v1/cases/", REPORT, **key).status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = as_system.post("/api/v1/cases/", REPORT, **key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    other = as_system.post("/api/v1/cases/", {**REPORT, "title": "另一件事"}, **key)
    assert other.status_code == 201
    assert Case.objects.count() == 3 and IdempotencyRecord.objects.count() == 1
    replay = as_system.post("/api/v1/cases/", {**REPORT, "title": "另一件事"}, **key)
    assert replay["Idempotent-Replayed"] == "true" and Case.objects.count() == 3
