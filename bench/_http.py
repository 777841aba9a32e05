"""Requests over HTTP, side by side with a bare Django + DRF project (bench/bare/).

Each project gets its own PostgreSQL database (created here, dropped at the end) and its own
gunicorn (`-w 3`, bound to 127.0.0.1 on a free port) with production settings: DEBUG off, a
SECRET_KEY, ALLOWED_HOSTS 127.0.0.1, persistent connections, Redis as gridgov's cache. Both sit
"behind a TLS proxy": every request says `X-Forwarded-Proto: https`, as nginx would.

A request is a `Call` (method, paths, headers, bodies, the status expected); `{unique}` in a
header or a body becomes a string no other request of the run has (Idempotency-Keys, a phone's
submission id). `api_key_headers()` and `session_headers()` sign a call in as an API client or
as a person. `interleaved()` runs the pairs in rounds (bare, gridgov, bare, gridgov, …), each
run bounded in time and in requests, with wrk (Debian's `wrk`; a bounded Python load generator
if it is missing), and `report()` prints req/s, p50/p95/p99 and the ratio to bare.

    with Bench() as bench:
        url = bench.gridgov_database("gridgov_bench_x", cases=20_000)  # now gridgov's Django
        bare = bench.bare_server(bench.bare_database("gridgov_bench_x_bare"))
        gridgov = bench.gridgov_server(url, static=True)  # static: for the pages' manifest
        who = session_headers(User.objects.get(username="chenzhuren"), gridgov)
        measured = interleaved([Pair("page", bare, Call("GET", ["/page/"]),
                                     gridgov, Call("GET", ["/desk/"], headers=who))])
        report(summarize(measured), ratio_goals={"page": 0.25})

Environment: BENCH_POSTGRES (the server, default postgres://postgres@127.0.0.1:5432),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/12), BENCH_LOAD=python (use the Python load
generator even when wrk is there).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
BARE = ROOT / "bench" / "bare"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The cache of the benchmark's gridgov: its own Redis database, so that no test's keys meet it.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET_KEY = "bench-only-secret-key-not-for-any-deployment-" + uuid.uuid4().hex
WORKERS = 3
HOST = "127.0.0.1"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


# ------------------------------------------------------------------ databases


def _admin():
    import psycopg2

    parsed = urlparse(PG)
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    return admin


def create_database(name: str, *, template: str | None = None) -> str:
    """A new database (dropped first if a killed run left it), empty or a copy of `template`;
    returns its URL."""
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(
            f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        )
    admin.close()
    return f"{PG}/{name}"


def _database_comment(name: str) -> str | None:
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
    admin.close()
    return row[0] if row else None


def _loaded_marker(cases: int) -> str:
    """What a loaded database was made from: the number of generated cases, and a digest of
    the migrations, the demo loaders and the functions here that load (a change to any of them
    loads anew)."""
    import hashlib
    import inspect

    digest = hashlib.sha256()
    sources = sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("*/demo*.py"))
    sources += sorted(ROOT.glob("*/demo/**/*.py"))
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for function in (load_gridgov, add_cases):
        digest.update(inspect.getsource(function).encode())
    return f"gridgov bench: demo + {cases} cases, sources {digest.hexdigest()[:16]}"


def loaded_template(name: str, *, cases: int, say: Callable[[str], None] = print) -> str:
    """A database `name` holding gridgov's demo data and `cases` generated cases, loaded once
    and kept: a later run with the same `cases` and the same sources finds it (the marker is the
    database's comment) and copies it as a template in seconds instead of loading again. The
    load runs in a child process, so this process can then become Django on the copy."""
    marker = _loaded_marker(cases)
    if _database_comment(name) == marker:
        say(f"reusing the loaded database {name} ({cases:,} cases)")
        return name
    say(f"loading {name}: migrate, load_demo, {cases:,} generated cases, VACUUM ANALYZE …")
    started = time.monotonic()
    url = create_database(name)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import _http; "
        "_http._setup_gridgov(sys.argv[2]); _http.load_gridgov(cases=int(sys.argv[3]))"
    )
    try:
        subprocess.run(
            [str(PYTHON), "-c", code, str(Path(__file__).parent), url, str(cases)],
            cwd=ROOT,
            env={**_base_env(), "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": HOST},
            check=True,
        )
    except BaseException:
        drop_database(url)
        raise
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [marker])
    admin.close()
    say(f"loaded in {time.monotonic() - started:.0f} s")
    return name


def drop_database(url: str) -> None:
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')
    admin.close()


def _setup_gridgov(url: str) -> None:
    """Make this process gridgov's Django on `url` (once)."""
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ.setdefault("ALLOWED_HOSTS", HOST)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_gridgov(*, demo: bool = True, cases: int = 0, quiet: bool = True) -> None:
    """Migrate, load the demo (`load_demo`: both counties, their people, ~44 cases with their
    history), add `cases` generated cases, count the rollups (beat keeps them current in a running
    county; the dashboards and the board read them), then VACUUM ANALYZE as autovacuum would
    (statistics for the planner, the visibility map for index-only scans)."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from cases import rollups

    call_command("migrate", verbosity=0)
    if demo:
        call_command("load_demo", stdout=io.StringIO() if quiet else None)
    if cases:
        add_cases(cases)
    rollups.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def add_cases(n: int) -> None:
    """`n` cases set-based, copied from the first demo case and spread over every grid and
    micro-grid: the node is g mod nodes, and status, color and settlement follow the lap
    (g / nodes) too, so that every node holds every status and color once it has 20 cases;
    reported over the last 365 days (the day moves with the lap as well, so that a node's cases
    fall on every day), 65% closed; each case carries its own node's county."""
    from django.db import connection
    from django.utils import timezone

    from grids.models import GridNode

    nodes = list(
        GridNode.objects.filter(tier__in=["grid", "micro_grid"])
        .order_by("tree_id", "lft")
        .values_list("pk", "tree_id")
    )
    columns = [
        c.name
        for c in connection.introspection.get_table_description(connection.cursor(), "cases_case")
        if c.name != "id"
    ]
    s = {  # the generated row's values; every other column is the template's
        "number": "'B-' || s.g",
        "tracking_code": "'B' || lpad(s.g::text, 10, '0')",
        "submission_id": "NULL",
        "title": "'基准事件 ' || s.g",
        "description": "'基准事件的描述：' || s.g",
        "node_id": "s.node",
        "owner_node_id": "s.node",
        "status": """(ARRAY['reported','rejected','accepted','dispatched','handling','handling',
            'resolved','closed','closed','closed','closed','closed','closed','closed','closed',
            'closed','closed','closed','closed','closed'])[1 + s.k]""",
        "color": "CASE WHEN s.k <= 1 THEN '' ELSE s.color END",
        "suggested_color": "''",
        "handler_id": "NULL",
        "handler_unit_id": "NULL",
        "merged_into_id": "NULL",
        "reporter_id": "NULL",
        "clear_by": "CASE WHEN s.k >= 2 THEN s.created + s.clear END",
        "report_by": "NULL",
        "overdue_since": "NULL",
        "warned_at": "NULL",
        "progress_overdue_since": "NULL",
        "extension_until": "NULL",
        "level_since": "s.created",
        "accepted_at": "CASE WHEN s.k >= 2 THEN s.created + interval '1 hour' END",
        "resolved_at": "CASE WHEN s.k >= 6 THEN s.created + s.clear * s.took END",
        "closed_at": "CASE WHEN s.k >= 7 THEN s.created + s.clear * s.took + interval '2h' END",
        "satisfaction": "CASE WHEN s.k >= 7 AND mod(s.lap, 3) = 0 THEN 1 + mod(s.ni + s.lap, 5) END",
        "rated_at": "CASE WHEN s.k >= 7 AND mod(s.lap, 3) = 0 "
        "THEN s.created + s.clear * s.took + interval '1 day' END",
        "rework_count": "CASE WHEN mod(s.g, 13) = 0 THEN 1 ELSE 0 END",
        "escalation_count": "CASE WHEN mod(s.g, 11) = 0 THEN 1 ELSE 0 END",
        "reopen_count": "0",
        "settled_tier": "CASE WHEN s.k >= 7 THEN (ARRAY['micro_grid','grid','grid','village',"
        "'town'])[1 + mod(2 * s.ni + s.lap, 5)] ELSE '' END",
        "created_at": "s.created",
        "updated_at": "s.created",
        "county_tree": "s.tree",
    }
    select = ", ".join(s.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_nodes (i int primary key, node_id bigint, tree_id int)"
        )
        cursor.executemany(
            "INSERT INTO bench_nodes VALUES (%s, %s, %s)",
            [(i, pk, tree) for i, (pk, tree) in enumerate(nodes)],
        )
        cursor.execute(
            f"""
            INSERT INTO cases_case ({", ".join(columns)})
            SELECT {select}
            FROM (SELECT * FROM cases_case ORDER BY id LIMIT 1) AS t CROSS JOIN (
                SELECT g, lap, n.i AS ni, mod(n.i + lap, 20) AS k, n.node_id AS node, n.tree_id AS tree,
                    (ARRAY['yellow','yellow','yellow','orange','red'])[1 + mod(2 * n.i + 3 * lap, 5)]
                        AS color,
                    (ARRAY[interval '1 day', interval '1 day', interval '1 day',
                           interval '7 days', interval '30 days'])[1 + mod(2 * n.i + 3 * lap, 5)]
                        AS clear,
                    CASE WHEN mod(g, 7) = 0 THEN 1.5 ELSE 0.5 END AS took,
                    %(now)s - mod(g + lap, 365) * interval '1 day' - mod(g, 17) * interval '1 hour'
                        AS created
                FROM (SELECT g, g / %(nodes)s AS lap FROM generate_series(1, %(n)s) AS g) AS gs
                JOIN bench_nodes n ON n.i = mod(g, %(nodes)s)
            ) AS s
            """,
            {"n": n, "nodes": len(nodes), "now": timezone.now()},
        )
        cursor.execute("DROP TABLE bench_nodes")


def load_bare(url: str, *, items: int = 1000) -> None:
    """Migrate the bare project's database and give it `items` rows to read."""
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "-v0"],
        cwd=BARE,
        env=_bare_env(url),
        check=True,
    )
    import psycopg2

    parsed = urlparse(url)
    with (
        psycopg2.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            dbname=parsed.path.lstrip("/"),
        ) as db,
        db.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO items_item (title, body, created_at) SELECT 'Item ' || g, "
            "repeat('A short body. ', 10), now() - g * interval '1 minute' "
            "FROM generate_series(1, %s) AS g",
            [items],
        )
        cursor.execute("ANALYZE items_item")


# ------------------------------------------------------------------ servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {k: os.environ[k] for k in keep if k in os.environ}


def _bare_env(url: str) -> dict[str, str]:
    return {
        **_base_env(),
        "DJANGO_SETTINGS_MODULE": "settings",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": url,
    }


def gridgov_env(url: str, **extra: str) -> dict[str, str]:
    """gridgov's production environment (docs/operations.md), on loopback."""
    return {
        **_base_env(),
        "DJANGO_SETTINGS_MODULE": "gridgov.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "BEHIND_TLS_PROXY": "1",
        "GRIDGOV_VAR_DIR": tempfile.gettempdir() + "/gridgov-bench-var",
        **extra,
    }


@dataclasses.dataclass
class Server:
    """One gunicorn, `-w 3` on 127.0.0.1:<port>; `stop()` ends it (and only it)."""

    name: str
    app: str
    chdir: Path
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu(self) -> dict[str, dict[int, float]]:
        """CPU seconds so far of each worker and of each PostgreSQL backend serving this
        project's database: {"app": {pid: s}, "db": {pid: s}}."""
        workers = [pid for pid, ppid in _processes() if ppid == self.process.pid]
        return {"app": _cpu_seconds(workers), "db": _cpu_seconds(_backends(self.database()))}

    def database(self) -> str:
        return urlparse(self.env["DATABASE_URL"]).path.lstrip("/")

    def start(self, ready_path: str = "/") -> Server:
        self.port = self.port or free_port()
        self.log = Path(tempfile.mkstemp(prefix=f"bench-{self.name}-", suffix=".log")[1])
        args = [str(GUNICORN), "-w", str(WORKERS), "-b", f"{HOST}:{self.port}"]
        args += ["--chdir", str(self.chdir), self.app]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                args, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                status, _body = fetch(self, "GET", ready_path)
                if status < 500:
                    return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer in 60 s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's master ends its workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process of this machine."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                out.append((int(entry), int(stat.rsplit(")", 1)[1].split()[1])))
    return out


def _cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each process (those gone already are left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _backends(database: str) -> list[int]:
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])
        pids = [row[0] for row in cursor.fetchall()]
    admin.close()
    return pids


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two snapshots (a process new since the first: all of it)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def fetch(
    server: Server, method: str, path: str, headers=None, body: str | bytes | None = None
) -> tuple[int, bytes]:
    """One request (status, body), to check a call before loading it."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    if isinstance(body, str):
        body = body.encode()
    try:
        connection.request(method, path, body=body, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Bench:
    """Owns what a benchmark makes: its databases and servers, ended on exit (also on Ctrl-C or
    SIGTERM), unless `keep` (then the databases stay for a look)."""

    def __init__(self, keep: bool = False):
        self.keep = keep
        self.servers: list[Server] = []
        self.databases: list[str] = []

    def __enter__(self) -> Bench:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not self.keep:
            for url in self.databases:
                drop_database(url)

    def gridgov_database(self, name: str, *, demo: bool = True, cases: int = 0) -> str:
        url = create_database(name)
        self.databases.append(url)
        _setup_gridgov(url)
        load_gridgov(demo=demo, cases=cases)
        return url

    def gridgov_copy(self, name: str, template: str) -> str:
        """A copy of a loaded database (`loaded_template`), dropped at the end like the others;
        this process becomes gridgov's Django on it."""
        url = create_database(name, template=template)
        self.databases.append(url)
        _setup_gridgov(url)
        return url

    def bare_database(self, name: str, *, items: int = 1000) -> str:
        url = create_database(name)
        self.databases.append(url)
        load_bare(url, items=items)
        return url

    def gridgov_server(self, url: str, *, static: bool = False, **env: str) -> Server:
        """gridgov under gunicorn; `static=True` collects the static files first (the pages
        name them through the manifest, as in production)."""
        extra = dict(env)
        if static:
            root = tempfile.mkdtemp(prefix="gridgov-bench-static-")
            self._cleanup_dir(root)
            subprocess.run(
                [str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env={**gridgov_env(url), "STATIC_ROOT": root},
                check=True,
            )
            extra["STATIC_ROOT"] = root
        server = Server("gridgov", "gridgov.wsgi:application", ROOT, gridgov_env(url, **extra))
        self.servers.append(server)
        return server.start("/api/v1/")

    def bare_server(self, url: str) -> Server:
        server = Server("bare", "wsgi:application", BARE, _bare_env(url))
        self.servers.append(server)
        return server.start("/page/")

    def _cleanup_dir(self, path: str) -> None:
        import atexit

        atexit.register(shutil.rmtree, path, True)


# ------------------------------------------------------------------ who is calling


def api_key_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def session_headers(user, server: Server) -> dict[str, str]:
    """A person signed in (a session in gridgov's database, as after the login page) with a
    CSRF token for forms and scripts: the Cookie, X-CSRFToken and a same-origin Referer (Django
    checks it on HTTPS). For a form body, put the token in `csrfmiddlewaretoken` as well."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Referer": f"https://{HOST}:{server.port}/",
    }


def csrf_of(headers: dict[str, str]) -> str:
    return headers["X-CSRFToken"]


def bare_calls(items: int = 1000) -> dict[str, Call]:
    """The bare project's requests: DRF's create and retrieve (over 40 of its rows in turn) and
    a plain server-rendered list (`/page/`: the ten newest rows, one query)."""

    def body(i: int) -> dict:
        return {"title": f"Item {i}", "body": "A short body of an item, a sentence or two."}

    return {
        "create": Call.json_post(
            ["/api/items/"], body, headers={"Idempotency-Key": "bench-{unique}"}
        ),
        "retrieve": Call("GET", [f"/api/items/{pk}/" for pk in range(1, min(items, 40) + 1)]),
        "list": Call("GET", ["/page/"]),
    }


# ------------------------------------------------------------------ load


@dataclasses.dataclass
class Call:
    """One kind of request. `paths` and `bodies` are taken in turn (each thread starting
    elsewhere); `{unique}` in a header or body is unique in the run."""

    method: str = "GET"
    paths: Sequence[str] = ("/",)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    bodies: Sequence[str] = ()
    expect: tuple[int, ...] = (200,)

    @classmethod
    def json_post(cls, paths, body: Callable[[int], dict], *, variants: int = 100, **kw) -> Call:
        """A JSON POST with `variants` bodies made by `body(i)`."""
        headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
        bodies = [json.dumps(body(i), ensure_ascii=False) for i in range(variants)]
        return cls("POST", paths, headers, bodies, **{"expect": (201,), **kw})

    def sample(self, i: int = 0) -> tuple[str, dict[str, str], str | None]:
        unique = f"check-{uuid.uuid4().hex}"
        path = self.paths[i % len(self.paths)]
        headers = {k: v.replace("{unique}", unique) for k, v in self.headers.items()}
        body = (
            self.bodies[i % len(self.bodies)].replace("{unique}", unique) if self.bodies else None
        )
        return path, headers, body


_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")


@dataclasses.dataclass
class Statements:
    total: int
    control: int  # BEGIN, COMMIT, SAVEPOINT, RELEASE, SET LOCAL: round trips, no rows
    sql: list[str] = dataclasses.field(default_factory=list, repr=False)

    def __str__(self) -> str:
        return f"{self.total} ({self.total - self.control} without transaction control)"


def statements(call: Call, *, warm: bool = False) -> Statements:
    """The SQL statements one request of `call` runs in gridgov, counted in this process (the
    same code and database as the server's) through Django's test client. `warm`: count the
    second of two requests, as a running server answers (caches filled: a dashboard's trend)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)

    def one(i: int):
        path, headers, body = call.sample(i)
        content_type = headers.pop("Content-Type", "application/octet-stream")
        response = client.generic(
            call.method, path, body or "", content_type, secure=True, headers=headers
        )
        if response.status_code not in call.expect:
            raise SystemExit(f"in process: {call.method} {path}: {response.status_code}")

    if warm:
        one(1)
    with CaptureQueriesContext(connection) as queries:
        one(0)
    sql = [q["sql"].lstrip() for q in queries.captured_queries]
    control = sum(1 for q in sql if q.upper().startswith(_CONTROL))
    return Statements(len(sql), control, sql)


@dataclasses.dataclass
class Result:
    requests: int
    seconds: float
    p50: float  # milliseconds
    p95: float
    p99: float
    statuses: dict[int, int]
    errors: int  # connection errors, timeouts
    # Stopped at the bound on requests: wrk still counts the whole time, so the rate is then
    # a lower bound (raise the bound or shorten the run).
    limited: bool = False
    # CPU per request of the gunicorn workers and of the PostgreSQL backends (milliseconds):
    # what a request costs whatever else the machine is doing, unlike req/s.
    app_cpu: float = 0.0
    db_cpu: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(s: str) -> str:
    return "'" + s.encode("unicode_escape").decode("ascii").replace("'", "\\'") + "'"


def _lua_bytes(s: str) -> str:
    """A Lua string literal of the UTF-8 bytes of `s` (decimal escapes: plain ASCII)."""
    out = []
    for b in s.encode():
        out.append(chr(b) if 32 <= b < 127 and chr(b) not in "\\'" else f"\\{b}")
    return "'" + "".join(out) + "'"


_LUA = r"""
local method = %(method)s
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local headers = {%(headers)s}
local nonce = %(nonce)s
local limit = %(limit)d
local counter = 0
local seen = 0
tid = 0
statuses = {}
stopped = 0
local threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local unique = nonce .. "-" .. tid .. "-" .. counter
  local i = counter + tid * 7
  local h = {}
  for k, v in pairs(headers) do h[k] = (string.gsub(v, "{unique}", unique)) end
  local body = nil
  if #bodies > 0 then body = (string.gsub(bodies[(i %% #bodies) + 1], "{unique}", unique)) end
  return wrk.format(method, paths[(i %% #paths) + 1], h, body)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  seen = seen + 1
  if limit > 0 and seen >= limit then
    stopped = 1
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local all = {}
  local limited = 0
  for _, thread in ipairs(threads) do
    limited = limited + thread:get("stopped")
    for status, n in pairs(thread:get("statuses")) do all[status] = (all[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(all) do table.insert(parts, '"' .. status .. '":' .. n) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%%d,"us":%%d,"p50":%%d,"p95":%%d,"p99":%%d,"errors":%%d,' ..
    '"limited":%%d,"statuses":{%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, limited,
    table.concat(parts, ",")))
end
"""


def _wrk(server: Server, call: Call, *, seconds, connections, threads, limit) -> Result:
    headers = {**PROXY_HEADERS, **call.headers}
    script = _LUA % {
        "method": _lua_string(call.method),
        "paths": ", ".join(_lua_bytes(p) for p in call.paths),
        "bodies": ", ".join(_lua_bytes(b) for b in call.bodies),
        "headers": ", ".join(f"[{_lua_string(k)}] = {_lua_bytes(v)}" for k, v in headers.items()),
        "nonce": _lua_string(uuid.uuid4().hex[:12]),
        "limit": max(1, limit // threads) if limit else 0,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        run = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "10s", "-s", f.name, server.base],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        )  # fmt: skip
    finally:
        os.unlink(f.name)
    line = next(x for x in run.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Result(
        requests=data["requests"],
        seconds=data["us"] / 1e6,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        statuses={int(k): v for k, v in data["statuses"].items()},
        errors=data["errors"],
        limited=data["limited"] > 0,
    )


def _python(server: Server, call: Call, *, seconds, connections, threads, limit) -> Result:
    """The same load from Python threads, one connection each (gunicorn's sync workers close
    every connection after the answer anyway)."""
    del threads
    nonce = uuid.uuid4().hex[:12]
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = [0]
    lock = threading.Lock()
    count = [0]

    def worker(tid: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            with lock:
                if limit and count[0] >= limit:
                    return
                count[0] += 1
            n += 1
            unique, i = f"{nonce}-{tid}-{n}", n + tid * 7
            headers = {**PROXY_HEADERS, **call.headers}
            headers = {k: v.replace("{unique}", unique) for k, v in headers.items()}
            body = (
                call.bodies[i % len(call.bodies)].replace("{unique}", unique).encode()
                if (call.bodies)
                else None
            )
            t = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
                connection.request(call.method, call.paths[i % len(call.paths)], body, headers)
                response = connection.getresponse()
                response.read()
                connection.close()
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)
                statuses[response.status] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(len(latencies), elapsed, cuts[49], cuts[94], cuts[98], dict(statuses), errors[0])


def load(server: Server, call: Call, *, seconds=10, connections=8, threads=2, limit=0) -> Result:
    """`call` for `seconds` (at most `limit` requests when given) over `connections`."""
    python = os.environ.get("BENCH_LOAD") == "python" or not shutil.which("wrk")
    runner = _python if python else _wrk
    before = server.cpu()
    result = runner(
        server, call, seconds=seconds, connections=connections, threads=threads, limit=limit
    )
    after = server.cpu()
    if result.requests:
        result.app_cpu = _spent(before["app"], after["app"]) * 1000 / result.requests
        result.db_cpu = _spent(before["db"], after["db"]) * 1000 / result.requests
    return result


@dataclasses.dataclass
class Pair:
    """The same request to both projects."""

    label: str
    bare: Server
    bare_call: Call
    gridgov: Server
    gridgov_call: Call


def check(server: Server, call: Call) -> None:
    """One request of the call answers as expected, else stop with what it said."""
    path, headers, body = call.sample()
    status, text = fetch(server, call.method, path, headers, body)
    if status not in call.expect:
        raise SystemExit(f"{server.name} {call.method} {path}: {status}\n{text[:2000].decode()}")


@dataclasses.dataclass
class Measured:
    """A pair's rounds: one result per round and side."""

    pair: Pair
    bare: list[Result] = dataclasses.field(default_factory=list)
    gridgov: list[Result] = dataclasses.field(default_factory=list)


def interleaved(
    pairs: Sequence[Pair],
    *,
    rounds: int = 3,
    seconds: int = 10,
    connections: int = 8,
    limit: int = 20_000,
    warmup: int = 2,
    say: Callable[[str], None] | None = None,
) -> list[Measured]:
    """Rounds of bare, gridgov, bare, gridgov, … for each pair, after one checked request and
    a short warm-up of each (the workers' first requests: imports, plans, caches)."""
    say = say or (lambda text: print(text, flush=True))
    for pair in pairs:
        check(pair.bare, pair.bare_call)
        check(pair.gridgov, pair.gridgov_call)
        if warmup:
            load(pair.bare, pair.bare_call, seconds=warmup, connections=connections)
            load(pair.gridgov, pair.gridgov_call, seconds=warmup, connections=connections)
    measured = [Measured(pair) for pair in pairs]
    for r in range(1, rounds + 1):
        for m in measured:
            for side, server, call in (
                ("bare", m.pair.bare, m.pair.bare_call),
                ("gridgov", m.pair.gridgov, m.pair.gridgov_call),
            ):
                result = load(server, call, seconds=seconds, connections=connections, limit=limit)
                getattr(m, side).append(result)
                unexpected = {s: n for s, n in result.statuses.items() if s not in call.expect}
                say(
                    f"round {r} {m.pair.label:<12} {side:<7} {result.rps:8.1f} req/s  "
                    f"p50 {result.p50:6.1f}  p95 {result.p95:6.1f}  p99 {result.p99:6.1f} ms  "
                    f"CPU/request app {result.app_cpu:5.2f} db {result.db_cpu:5.2f} ms  "
                    f"({result.requests} requests"
                    + (f", UNEXPECTED {unexpected}" if unexpected else "")
                    + (f", {result.errors} errors" if result.errors else "")
                    + (", stopped at the request bound: a lower bound" if result.limited else "")
                    + ")"
                )
    return measured


@dataclasses.dataclass
class Summary:
    """A pair's figures over the rounds: medians of req/s, of gridgov's latencies, of bare's
    p95 and of the CPU per request (app + database) of each side; the ratio is the median of
    each round's gridgov / bare, the two measured back to back."""

    label: str
    bare_rps: float
    gridgov_rps: float
    ratio: float
    p50: float
    p95: float
    p99: float
    bare_p95: float
    bare_cpu: float
    gridgov_cpu: float
    ok: bool  # every answer was the one expected, no connection errors, no bound reached

    @property
    def cpu_ratio(self) -> float:
        """bare's CPU per request / gridgov's: the throughput ratio of an otherwise idle box."""
        return self.bare_cpu / self.gridgov_cpu if self.gridgov_cpu else 0.0


def _clean(results: list[Result], call: Call) -> bool:
    return all(
        not r.errors and not r.limited and set(r.statuses) <= set(call.expect) for r in results
    )


def summarize(measured: Sequence[Measured]) -> list[Summary]:
    median = statistics.median
    return [
        Summary(
            m.pair.label,
            median(r.rps for r in m.bare),
            median(r.rps for r in m.gridgov),
            median(g.rps / b.rps if b.rps else 0.0 for b, g in zip(m.bare, m.gridgov, strict=True)),
            median(r.p50 for r in m.gridgov),
            median(r.p95 for r in m.gridgov),
            median(r.p99 for r in m.gridgov),
            median(r.p95 for r in m.bare),
            median(r.app_cpu + r.db_cpu for r in m.bare),
            median(r.app_cpu + r.db_cpu for r in m.gridgov),
            _clean(m.bare, m.pair.bare_call) and _clean(m.gridgov, m.pair.gridgov_call),
        )
        for m in measured
    ]


def report(
    rows: Sequence[Summary],
    *,
    ratio_goals=None,
    p95_goal: float | None = None,
    statements: dict[str, Statements] | None = None,
    statement_goals: dict[str, int] | None = None,
) -> bool:
    """Print the table; True when every goal given is met (the ratio goals by req/s; the
    statement goals on every statement of the request, transaction control included)."""
    ratio_goals, statements, statement_goals = (
        ratio_goals or {},
        statements or {},
        statement_goals or {},
    )
    met = True
    width = max(12, *(len(row.label) + 1 for row in rows))
    sql = f"{'SQL':>5}{'goal':>6}" if statements else ""
    print()
    print(
        f"{'request':<{width}}{'bare req/s':>11}{'gridgov req/s':>14}{'ratio':>7}{'goal':>6}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'bare p95':>9}{sql}"
        f"{'CPU ms bare':>12}{'gridgov':>8}{'ratio':>7}  verdict"
    )
    for row in rows:
        goal = ratio_goals.get(row.label)
        sql_goal = statement_goals.get(row.label)
        counted = statements.get(row.label)
        misses = []
        if not row.ok:
            misses.append("unexpected answers, errors or the request bound reached")
        if goal is not None and row.ratio < goal:
            misses.append(f"ratio {row.ratio:.0%} < {goal:.0%}")
        if p95_goal is not None and row.p95 > p95_goal:
            misses.append(f"p95 {row.p95:.0f} ms > {p95_goal:.0f} ms")
        if sql_goal is not None and counted is not None and counted.total > sql_goal:
            misses.append(f"{counted.total} SQL statements > {sql_goal}")
        met = met and not misses
        cells = ""
        if statements:
            cells = f"{(counted.total if counted else '—'):>5}{(sql_goal or '—'):>6}"
        print(
            f"{row.label:<{width}}{row.bare_rps:>11.1f}{row.gridgov_rps:>14.1f}{row.ratio:>7.0%}"
            f"{(f'{goal:.0%}' if goal else '—'):>6}{row.p50:>8.1f}{row.p95:>8.1f}{row.p99:>8.1f}"
            f"{row.bare_p95:>9.1f}{cells}{row.bare_cpu:>12.2f}{row.gridgov_cpu:>8.2f}"
            f"{row.cpu_ratio:>7.0%}  {'met' if not misses else 'NOT MET: ' + '; '.join(misses)}"
        )
    if p95_goal is not None:
        print(f"(goal for gridgov's p95: ≤ {p95_goal:.0f} ms)")
    if statements:
        print(
            "(SQL: statements of one gridgov request, transaction control included; goal: at most)"
        )
    print(
        "(CPU ms: gunicorn workers + PostgreSQL backends per request; its ratio is bare / gridgov)"
    )
    return met
