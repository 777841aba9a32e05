"""The hot pages over HTTP, side by side with a bare Django + DRF project (bench/bare/).

gridgov runs under gunicorn -w 3 with production settings (DEBUG off, Redis cache, behind a TLS
proxy) on 127.0.0.1 against PostgreSQL, with the demo data and --cases generated cases (every
status and color mixed inside every grid and micro-grid; `_http.add_cases`). The requests, each
signed in as the person who makes it (a session and a CSRF token):

- phone report `POST /m/report/` (no photo) as the grid worker wanggang, a unique submission id
  each time, over his grids and the categories in turn; vs bare DRF create;
- desk case page `GET /desk/cases/<id>/` as the town's center staff chenzhuren, over the town's
  demo cases (each with its history) in turn; vs bare DRF retrieve;
- phone today `GET /m/` as wanggang; vs bare's plain list (`/page/`);
- town dashboard `GET /desk/dashboard/` as chenzhuren, county dashboard as the county's center
  staff yangkezhang; vs bare's plain list.

The loaded database is kept between runs (`gridgov_bench_http_loaded`, its comment says what it
was loaded from; --reload loads it again) and each run works on a copy of it, dropped at the
end, with its own bare database. Rounds interleave bare and gridgov (each pair back to back),
each run bounded in time (--seconds) and in requests (20,000), over --connections connections.
SQL statements: one request counted in this process through Django's test client after a first
one (caches warm), transaction control included.

    .venv/bin/python bench/http_pages.py [--cases 200000] [--rounds 3] [--seconds 10] [--connections 6]
        [--reload] [--drop-loaded] [--sql]

Goals (issue "Speed at county and province scale"): report ≥ 40% of bare create and ≤ 12 SQL
statements; case page ≥ 25% of bare retrieve and ≤ 12; /m/ ≥ 30% of bare; town dashboard
≥ 20%, county dashboard ≥ 10%. Exits non-zero when a goal is not met.
"""

import argparse
import sys
import time
import warnings
from urllib.parse import urlencode

from _http import (
    Bench,
    Call,
    Pair,
    bare_calls,
    drop_database,
    fetch,
    interleaved,
    loaded_template,
    report,
    session_headers,
    statements,
    summarize,
)

DATABASE = "gridgov_bench_http"
LOADED = DATABASE + "_loaded"

REPORT, CASE_PAGE, PHONE_TODAY = "report POST", "case page", "/m/"
TOWN_DASHBOARD, COUNTY_DASHBOARD = "town dashboard", "county dashboard"
RATIO_GOALS = {
    REPORT: 0.40,
    CASE_PAGE: 0.25,
    PHONE_TODAY: 0.30,
    TOWN_DASHBOARD: 0.20,
    COUNTY_DASHBOARD: 0.10,
}
STATEMENT_GOALS = {REPORT: 12, CASE_PAGE: 12}
BASELINE = {
    REPORT: "create",
    CASE_PAGE: "retrieve",
    PHONE_TODAY: "list",
    TOWN_DASHBOARD: "list",
    COUNTY_DASHBOARD: "list",
}


def people():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(
        ["wanggang", "chenzhuren", "yangkezhang"], field_name="username"
    )
    if len(users) != 3:
        sys.exit("The demo data has not got wanggang, chenzhuren and yangkezhang.")
    return users["wanggang"], users["chenzhuren"], users["yangkezhang"]


def gridgov_calls(server, worker, town_staff, county_staff, cases_limit: int = 40) -> dict:
    from cases.forms import category_choices
    from cases.mobile.report import report_nodes
    from cases.models import Case
    from gridgov.demo import SHAHEYING
    from grids.models import GridNode

    phone = session_headers(worker, server)
    town = session_headers(town_staff, server)
    county = session_headers(county_staff, server)

    nodes = [n.pk for n in report_nodes(worker)]
    _choices, categories = category_choices()
    categories = sorted(categories)[:20]
    if not (nodes and categories):
        sys.exit("wanggang has no grid to report in, or there is no category.")

    def body(i: int) -> str:
        fields = {
            "csrfmiddlewaretoken": phone["X-CSRFToken"],
            "category": categories[i % len(categories)],
            "description": f"村口的一组路灯连续三晚不亮，夜里行人看不清路（第{i}组）。",
            "node": nodes[i % len(nodes)],
            "location": "村口",
        }
        # `{unique}` is replaced per request; urlencode would escape its braces.
        return urlencode(fields) + "&submission_id=bench-{unique}"

    town_node = GridNode.objects.get(code=SHAHEYING)
    cases = list(
        Case.objects.filter(node__in=GridNode.objects.subtree(town_node))
        .exclude(number__startswith="B-")
        .order_by("pk")
        .values_list("pk", flat=True)[:cases_limit]
    )
    if not cases:
        sys.exit("The demo data has no case in 沙河营镇.")
    form = {**phone, "Content-Type": "application/x-www-form-urlencoded"}
    return {
        REPORT: Call("POST", ["/m/report/"], form, [body(i) for i in range(100)], expect=(302,)),
        CASE_PAGE: Call("GET", [f"/desk/cases/{pk}/" for pk in cases], town),
        PHONE_TODAY: Call("GET", ["/m/"], phone),
        TOWN_DASHBOARD: Call("GET", ["/desk/dashboard/"], town),
        COUNTY_DASHBOARD: Call("GET", ["/desk/dashboard/"], county),
    }


def check_every_path(server, call: Call) -> None:
    """Each path of a GET answers as expected (the round's statuses would say so too, later)."""
    for path in call.paths:
        status, text = fetch(server, "GET", path, call.headers)
        if status not in call.expect:
            sys.exit(f"{server.name} GET {path}: {status}\n{text[:2000].decode()}")


def in_process_statements(calls: dict) -> dict:
    """Statements of one request of each call, in this process: production settings, but the
    static files by name (the manifest is the server's, collected elsewhere)."""
    from django.conf import settings
    from django.test import override_settings

    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise's STATIC_ROOT
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}):
        return {label: statements(call, warm=True) for label, call in calls.items()}


def describe_data() -> str:
    """How many cases by status, and the fewest statuses and colors any grid or micro-grid
    holds (the data mixes them inside every node)."""
    from django.db import connection
    from django.db.models import Count

    from cases.models import Case

    by_status = dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by())
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), min(statuses), min(colors), min(cases), max(cases) FROM (
                SELECT count(DISTINCT c.status) AS statuses,
                    count(DISTINCT nullif(c.color, '')) AS colors, count(*) AS cases
                FROM cases_case c JOIN grids_gridnode n ON n.id = c.node_id
                WHERE n.tier IN ('grid', 'micro_grid') GROUP BY c.node_id) AS per_node"""
        )
        nodes, statuses, colors, fewest, most = cursor.fetchone()
    counts = ", ".join(f"{s} {n:,}" for s, n in sorted(by_status.items()))
    return (
        f"gridgov: {sum(by_status.values()):,} cases ({counts}); each of {nodes} grids and "
        f"micro-grids holds {fewest:,}–{most:,} cases, at least {statuses} statuses and "
        f"{colors} colors"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--cases", type=int, default=200_000, help="generated cases besides the demo"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--reload", action="store_true", help="load the kept database again")
    parser.add_argument(
        "--drop-loaded", action="store_true", help="drop the kept, loaded database at the end"
    )
    parser.add_argument("--sql", action="store_true", help="print each request's statements")
    args = parser.parse_args()
    if args.reload:
        drop_database(f"postgres:///{LOADED}")
    started = time.monotonic()
    met = False
    with Bench() as bench:
        loaded_template(LOADED, cases=args.cases, say=lambda t: print(t, flush=True))
        url = bench.gridgov_copy(DATABASE, LOADED)
        print(describe_data(), flush=True)
        bare_url = bench.bare_database(DATABASE + "_bare", items=1000)
        gridgov = bench.gridgov_server(url, static=True)
        bare = bench.bare_server(bare_url)
        calls = gridgov_calls(gridgov, *people())
        for label in (CASE_PAGE,):
            check_every_path(gridgov, calls[label])
        counted = in_process_statements(calls)
        for label, n in counted.items():
            print(f"SQL statements of one {label}: {n}")
            if args.sql:
                for sql in n.sql:
                    print(f"    {sql[:160]}")
        baseline = bare_calls(1000)
        pairs = [
            Pair(label, bare, baseline[BASELINE[label]], gridgov, call)
            for label, call in calls.items()
        ]
        print(
            "bare baselines: "
            + ", ".join(f"{label} vs {BASELINE[label]}" for label in calls)
            + f"; {args.rounds} interleaved rounds of {args.seconds} s per request and project, "
            f"{args.connections} connections, gunicorn -w 3 each",
            flush=True,
        )
        measured = interleaved(
            pairs, rounds=args.rounds, seconds=args.seconds, connections=args.connections
        )
        met = report(
            summarize(measured),
            ratio_goals=RATIO_GOALS,
            statements=counted,
            statement_goals=STATEMENT_GOALS,
        )
        print(
            "(not measured here: /m/'s cost independent of cases outside the worker's grids, "
            "see bench/phone_home.py)"
        )
    if args.drop_loaded:
        drop_database(f"postgres:///{LOADED}")
    print(f"whole run {time.monotonic() - started:.0f} s")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
