"""The API's case create and case retrieve over HTTP, side by side with a bare DRF project.

gridgov (demo data plus --cases generated cases, under gunicorn -w 3 with production settings)
is called as the 12345 hotline's API client of 沙河营镇 (center-staff grants on the town):
`POST /api/v1/cases/` with a valid report (a grid of the town by its code, a category, the
reporter's name and phone) and a unique Idempotency-Key on every request, and
`GET /api/v1/cases/<id>/` over the town's demo cases (each with its history). The bare project
(bench/bare/: one small model, DRF's ModelViewSet) answers `POST /api/items/` and
`GET /api/items/<id>/` on the same database server with the same gunicorn settings. Rounds
interleave bare and gridgov; each run is bounded (--seconds, and 20,000 requests).

    .venv/bin/python bench/api.py [--rounds 3] [--seconds 10] [--connections 8] [--cases 20000]

Goals: create and retrieve ≥ 70% of the bare figures; gridgov's p95 ≤ 100 ms at 8 connections.
Exits non-zero when a goal is not met.
"""

import argparse
import sys

from _http import (
    Bench,
    Call,
    Pair,
    api_key_headers,
    bare_calls,
    interleaved,
    report,
    statements,
    summarize,
)

RATIO_GOAL = 0.70
P95_GOAL_MS = 100.0


def gridgov_calls(retrieve_limit: int = 40) -> tuple[Call, Call]:
    """The hotline's client of 沙河营镇, its create and its retrieve."""
    from cases.models import Case, Category
    from gridgov.api import clients
    from gridgov.demo import SHAHEYING
    from gridgov.models import ApiClient
    from grids.models import GridNode

    town = GridNode.objects.get(code=SHAHEYING)
    client, key = clients.api_client_create(
        actor=None,
        name="12345热线",
        node_id=town.pk,
        roles=["center_staff"],
        endpoints=[ApiClient.Endpoint.CASES_READ, ApiClient.Endpoint.CASES_REPORT],
    )
    grids = list(
        GridNode.objects.subtree(town).filter(tier="grid").values_list("code", flat=True)[:20]
    )
    categories = list(Category.objects.order_by("pk").values_list("pk", flat=True)[:20])
    cases = list(
        Case.objects.filter(node__in=GridNode.objects.subtree(town))
        .exclude(number__startswith="B-")
        .order_by("pk")
        .values_list("pk", flat=True)[:retrieve_limit]
    )
    if not (grids and categories and cases):
        sys.exit("The demo data has no grid, category or case in 沙河营镇.")
    auth = {**api_key_headers(key), "Idempotency-Key": "bench-{unique}"}

    def body(i: int) -> dict:
        return {
            "node_code": grids[i % len(grids)],
            "title": f"路灯不亮（第{i}组）",
            "description": "村口的一组路灯连续三晚不亮，夜里行人看不清路。",
            "category": categories[i % len(categories)],
            "reporter_name": "张三",
            "reporter_phone": f"138{i:08d}",
        }

    create = Call.json_post(["/api/v1/cases/"], body, headers=auth)
    retrieve = Call("GET", [f"/api/v1/cases/{pk}/" for pk in cases], headers=api_key_headers(key))
    return create, retrieve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--cases", type=int, default=20_000, help="generated cases besides the demo"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()
    with Bench(keep=args.keep) as bench:
        print(f"gridgov: migrate, load_demo, {args.cases:,} generated cases …", flush=True)
        url = bench.gridgov_database("gridgov_bench_api", cases=args.cases)
        bare_url = bench.bare_database("gridgov_bench_api_bare", items=1000)
        gridgov_create, gridgov_retrieve = gridgov_calls()
        bare_requests = bare_calls(1000)
        bare_create, bare_retrieve = bare_requests["create"], bare_requests["retrieve"]
        print(
            f"SQL statements of one gridgov request: create {statements(gridgov_create)}, "
            f"retrieve {statements(gridgov_retrieve)}; retrieve reads "
            f"{len(gridgov_retrieve.paths)} demo cases in turn",
            flush=True,
        )
        # A client may make as many requests as the benchmark sends (the production default
        # is 600/min); the throttle still counts every request in Redis.
        gridgov = bench.gridgov_server(url, API_CLIENT_RATE="100000/s")
        bare = bench.bare_server(bare_url)
        pairs = [
            Pair("create", bare, bare_create, gridgov, gridgov_create),
            Pair("retrieve", bare, bare_retrieve, gridgov, gridgov_retrieve),
        ]
        print(
            f"{args.rounds} interleaved rounds of {args.seconds} s per request and project, "
            f"{args.connections} connections, gunicorn -w 3 each",
            flush=True,
        )
        results = interleaved(
            pairs, rounds=args.rounds, seconds=args.seconds, connections=args.connections
        )
        rows = summarize(results)
        met = report(
            rows,
            ratio_goals={"create": RATIO_GOAL, "retrieve": RATIO_GOAL},
            p95_goal=P95_GOAL_MS,
        )
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
