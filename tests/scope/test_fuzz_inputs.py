"""Every GET parameter and POST field of every page in the route table, filled with what a
careless user or an attacker types: never a server error, and a refused request writes
nothing.

The fields come from the page itself (its forms, as a browser would send them), plus the
query parameters list and filter pages read; so a new page or field is fuzzed without
editing this file.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scope.forms import flat, forms_of
from tests.scope.routes import ADMIN_OTHER, PUBLIC, all_routes
from tests.scope.test_route_sweep import _kwargs

# What people type by mistake or on purpose: NUL and other control characters (PostgreSQL
# refuses NUL in text), digits that are not ASCII, numbers that are not finite, numbers too
# big for a column, text far too long, spreadsheet formulas, markup, impossible dates.
NASTY = [
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "²",
    "٣",
    "NaN",
    "-Infinity",
    "1e999",
    "-1",
    "99999999999999999999999",
    "0x1F",
    '=HYPERLINK("http://x.invalid","y")',
    "<script>alert(1)</script>",
    "2026-13-45",
    "x" * 30_000,
    " ",
]
# Tried on every field alone; the whole list is tried on all fields at once.
EACH_FIELD = ["a\x00b", "²", "NaN", "-1", "99999999999999999999999", "x" * 30_000, "2026-13-45"]
QUERY_PARAMETERS = [
    "q", "node", "page", "p", "o", "e", "status", "color", "source", "category", "village",
    "grid", "level", "from", "to", "due_from", "due_to", "period", "tier", "kind", "term",
    "field_name", "app_label", "model_name", "next", "overdue",
]  # fmt: skip
# Pages fuzzed as the first of these who may open them (anonymous for public pages).
TRY_AS = ["worker_a", "staff_town1", "town1_admin", "county_admin", "village_chief"]
# Pages whose POST is not a form to fill: they end the session or delete what the rest uses.
NO_POST = {"logout", "admin:logout"}
# Forms every page carries (the language switch, logging out): fuzzed on their own pages.
_NOT_FORMS = {"/i18n/setlang/", "/logout/", "/admin/logout/"}
OUR_APPS = {"grids", "staff", "cases", "gridgov", "services", "auth"}
ROUTES = [r for r in all_routes() if r.name not in ADMIN_OTHER - {"admin:app_list"}]


def _counts() -> tuple[int, ...]:
    """The number of rows of every table of ours, in one statement (a model by model count
    costs more than many of the requests it watches)."""
    if not _COUNT_SQL:
        quote = connection.ops.quote_name
        tables = sorted(
            {
                m._meta.db_table
                for m in apps.get_models(include_auto_created=True)
                if m._meta.app_label in OUR_APPS and m._meta.managed and not m._meta.proxy
            }
        )
        _COUNT_SQL.append(
            "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
        )
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL[0])
        return tuple(cursor.fetchone())


_COUNT_SQL: list[str] = []


def _link_parameters(html: str, path: str) -> set[str]:
    """Query parameters the page's links back to itself carry (filters, pages, sort orders).
    A link to another page (a dashboard's drill-downs) is that page's to read: it is fuzzed
    there."""
    names = set()
    for target, query in re.findall(r'href="([^"?]*)\?([^"#]*)', html):
        if target in ("", path):
            names |= set(parse_qs(unquote(query.replace("&amp;", "&")), keep_blank_values=True))
    return names


def _fuzzed(name: str) -> bool:
    """A field worth trying alone: the first row of a formset stands for every row."""
    if name == "csrfmiddlewaretoken" or name.endswith(("MIN_NUM_FORMS", "MAX_NUM_FORMS")):
        return False
    row = re.search(r"-(\d+)-", name)
    return row is None or row.group(1) == "0"


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_no_input_makes_a_server_error_or_a_half_save(client, db, kept_world, route):
    cast, world, shared = kept_world.cast, kept_world.world, kept_world.shared
    client.raise_request_exception = False
    kwargs = _kwargs(route, world.grid_a, shared)
    url = reverse(route.name, kwargs=kwargs)
    people = ["anonymous"] if route.name in PUBLIC else [*TRY_AS, "superuser"]
    for who in people:
        # Some admin pages (Django's own login records, retired codes) are superusers' only.
        user = _superuser() if who == "superuser" else getattr(cast, who)
        if user is not None:
            client.force_login(user)
        page = client.get(url)
        if page.status_code == 200:
            break
    else:
        pytest.skip(f"{route.name}: no page to read fields from (POST only, or a redirect)")
    forms = forms_of(page.content.decode()) if "html" in page.get("Content-Type", "") else []
    problems: list[str] = []

    counted = [_counts()]  # the rows after the last request: the next one's "before"
    sent = [0]

    def send(method: str, data: dict, target: str = url) -> None:
        response = client.get(url, data) if method == "GET" else client.post(target, data)
        status = response.status_code
        sent[0] += 1
        before, after = counted[0], _counts()
        counted[0] = after
        if status >= 500:
            problems.append(f"{who} {method} {target} {_show(data)}: {status}")
        elif status >= 400 and after != before:
            problems.append(f"{who} {method} {target} {_show(data)}: {status} but wrote something")
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # a fuzzed form logged the person out: carry on as them

    # GET: the page's own query parameters (its forms and links) alone; every parameter that
    # any list page reads, all at once.
    html = page.content.decode() if forms else ""
    own = {n for f in forms if f.method == "get" for n in f.names} | _link_parameters(
        html, url.split("?")[0]
    )
    for name in sorted(n for n in own if _fuzzed(n)):
        for value in EACH_FIELD:
            send("GET", {name: value})
    for value in NASTY:
        send("GET", dict.fromkeys(sorted(own | set(QUERY_PARAMETERS)), value))

    # POST: each field of each form of the page, the others as the page filled them.
    # POST: each form of the page, to where it posts. Pages of our own, whose views read
    # fields one by one, get each field alone, the others as the page filled them; Django
    # admin forms validate every field whatever the others hold, so there every field takes
    # each value at once.
    post_forms = [] if route.name in NO_POST or route.name.endswith("_delete") else [
        f for f in forms
        if f.method == "post" and (f.action not in _NOT_FORMS or route.name == "login")
    ]  # fmt: skip
    for form in post_forms:
        target = form.action if form.action.startswith("/") else url
        fields = [n for n in form.names if form.kinds.get(n) != "file"]
        if route.name.startswith("admin:"):
            for value in EACH_FIELD:
                send(
                    "POST",
                    flat({**form.fields, **{n: [value] for n in fields if _fuzzed(n)}}),
                    target,
                )
        else:
            for name in filter(_fuzzed, fields):
                for value in EACH_FIELD:
                    send("POST", flat({**form.fields, name: [value]}), target)
        if fields:
            _mixtures(lambda method, data, t=target: send(method, data, t), form.fields, fields)
    print(f"fuzzed {route.name} as {who}: {sent[0]} requests")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _mixtures(send, defaults: dict, fields: list[str]) -> None:
    """Every field at once, drawn by hypothesis from the nasty values and any text."""
    text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))

    @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({n: text for n in fields if n != "csrfmiddlewaretoken"}))
    def mixture(values):
        send("POST", flat({**defaults, **{k: [v] for k, v in values.items()}}))

    mixture()


def _show(data: dict) -> str:
    return repr(
        {k: (v[:30] + "…" if isinstance(v, str) and len(v) > 30 else v) for k, v in data.items()}
    )[:300]
