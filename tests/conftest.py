"""The shared cast (CONVENTIONS.md): one county, two towns, sibling grids, and their people;
the county's units, and cases reported through the actions. Every test folder uses these
fixtures from here: none defines or imports its own copy."""

import contextlib
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.factories import T0, UserFactory, grant, make_case, make_node


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher costs ~0.3 s a user by design; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    # Each test gets its own in-process cache: a shared Redis would be cleared by parallel
    # workers under each other's feet (and holds the Celery broker's queues).
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gridgov-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    return build_tree()


def build_tree() -> SimpleNamespace:
    from grids.actions import tree_bulk_create
    from grids.actions.tree import NodeRow
    from grids.models import GridNode

    county = make_node(None, "county", "城固县", code="610722")
    # One bulk insert (validated like node by node, lft/rght rebuilt in code order): the tree
    # is built before nearly every test, and one node_create at a time costs ten statements.
    rows = [
        NodeRow("610722", "沙河营镇", "town", "610722107"),
        NodeRow("610722107", "梁家庵村", "village", "610722107201"),
        NodeRow(
            "610722107201",
            "梁家庵村第一网格",
            "grid",
            "610722107201001",
            {"households": 158, "difficulty": "A"},
        ),
        NodeRow(
            "610722107201",
            "梁家庵村第二网格",
            "grid",
            "610722107201002",
            {"households": 160, "difficulty": "B"},
        ),
        NodeRow(
            "610722107201001", "一组微网格", "micro_grid", "610722107201001001", {"households": 8}
        ),
        NodeRow("610722", "博望街道", "town", "610722001"),
        NodeRow("610722001", "西原公村", "village", "610722001203"),
        NodeRow(
            "610722001203",
            "西原公村第一网格",
            "grid",
            "610722001203001",
            {"households": 120, "difficulty": "C"},
        ),
    ]
    tree_bulk_create(actor=None, root_id=county.pk, rows=rows)
    nodes = GridNode.objects.in_bulk([r.code for r in rows], field_name="code")
    town1, village1, grid_a, grid_b, micro_a1, town2, village2, grid_c = (
        nodes[r.code] for r in rows
    )
    county.refresh_from_db()
    return SimpleNamespace(
        county=county,
        town1=town1,
        village1=village1,
        grid_a=grid_a,
        grid_b=grid_b,
        micro_a1=micro_a1,
        town2=town2,
        village2=village2,
        grid_c=grid_c,
    )


@pytest.fixture
def cast(tree):
    """Each person holds one grant; names say where and what."""
    return build_cast(tree)


def build_cast(tree) -> SimpleNamespace:
    def person(username, name, node, role):
        user = UserFactory(username=username, first_name=name)
        grant(user, node, role)
        return user

    return SimpleNamespace(
        worker_a=person("worker_a", "王刚", tree.grid_a, "grid_worker"),
        worker_b=person("worker_b", "李娟", tree.grid_b, "grid_worker"),
        informant_a=person("informant_a", "赵信", tree.grid_a, "informant"),
        village_chief=person("village_chief", "梁书记", tree.village1, "grid_chief"),
        staff_town1=person("staff_town1", "陈主任", tree.town1, "center_staff"),
        staff_town2=person("staff_town2", "周干事", tree.town2, "center_staff"),
        town1_admin=person("town1_admin", "沙河营镇管理员", tree.town1, "admin"),
        county_admin=person("county_admin", "县管理员", tree.county, "admin"),
        anonymous=None,
    )


@pytest.fixture
def units(tree):
    """The county's departments, an outpost and a platform in town 1, and their people."""
    from cases.models import Category, ResponsibilityItem, Unit

    natural = Unit.objects.create(name="县自然资源局", kind="department", node=tree.county)
    civil = Unit.objects.create(name="县民政局", kind="department", node=tree.county)
    land_outpost = Unit.objects.create(
        name="沙河营自然资源所", kind="outpost", node=tree.town1, parent=natural
    )
    platform = Unit.objects.create(
        name="沙河营综合执法平台", kind="platform", platform="enforcement", node=tree.town1
    )
    town_item = ResponsibilityItem.objects.create(
        matter="邻里纠纷调解", domain="综治", owner="town", lead_unit="镇综治中心"
    )
    land_item = ResponsibilityItem.objects.create(
        matter="违法占用耕地",
        domain="自然资源",
        owner="department",
        department=natural,
        lead_unit="县自然资源局",
        section="执法监察大队",
    )
    welfare_item = ResponsibilityItem.objects.create(
        matter="特困人员供养",
        domain="民政",
        owner="department",
        department=civil,
        lead_unit="县民政局",
    )
    neighbours = Category.objects.create(name="邻里纠纷", group="dispute", responsibility=town_item)
    land = Category.objects.create(
        name="土地纠纷", group="dispute", responsibility=land_item, suggested_color="orange"
    )
    hardship = Category.objects.create(
        name="生活困难", group="must_attend", responsibility=welfare_item
    )
    fire = Category.objects.create(
        name="火灾险情", group="must_attend", responsibility=town_item, emergency=True
    )

    def member(username, unit, role, node):
        user = UserFactory(username=username)
        grant(user, node, role)
        user.assignments.update(unit=unit)
        return user

    return SimpleNamespace(
        natural=natural,
        civil=civil,
        land_outpost=land_outpost,
        platform=platform,
        neighbours=neighbours,
        land=land,
        hardship=hardship,
        fire=fire,
        natural_staff=member("natural_staff", natural, "department", tree.county),
        civil_staff=member("civil_staff", civil, "department", tree.county),
        outpost_staff=member("outpost_staff", land_outpost, "outpost", tree.town1),
        platform_staff=member("platform_staff", platform, "center_staff", tree.town1),
    )


@pytest.fixture(scope="module")
def kept_world(django_db_setup, django_db_blocker):
    """The shared cast with one of everything on each grid (tests/scope/world.py), built once per
    test module and worker: the sweeps over every route and admin page need the same large world
    for each of their hundreds of tests, and building it took as long as the test itself.

    It is written inside a transaction that stays open while the module's tests run; each test's
    own transaction is a savepoint in it, so whatever a test writes is rolled back to this world,
    and the world itself is rolled back after the module's last test. Tests using it must not
    need `transaction=True` (a flush would take the world with it)."""
    from django.db import transaction
    from django.test import override_settings

    from tests.scope.world import build_world, shared_objects

    outer = transaction.atomic()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer.__enter__()
        try:
            tree = build_tree()
            kept = SimpleNamespace(tree=tree, cast=build_cast(tree))
            kept.world = build_world(tree)
            kept.shared = shared_objects()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield kept
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@contextlib.contextmanager
def demo_kept(django_db_blocker):
    """The demo loaded (`load_demo`) for a test module's tests that only read it: written in a
    transaction that stays open while they run, each test's own transaction a savepoint in
    it, and rolled back at the end (a load takes a second or two). Use it in a module-scoped
    fixture: `with demo_kept(django_db_blocker): yield ...`."""
    from django.db import transaction
    from django.test import override_settings

    from gridgov.demo import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def county_staff(tree):
    user = UserFactory(username="county_center", first_name="县综治中心")
    grant(user, tree.county, "center_staff")
    return user


@pytest.fixture
def report(cast, tree):
    """report(node=…, **fields) → a new reported case, by the worker of grid A by default, at T0
    (tests/factories.py's make_case takes a case further)."""

    def make(node=None, actor="worker_a", now=T0, **fields):
        return make_case(cast, node or tree.grid_a, reporter=actor, now=now, **fields)

    return make


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and stored files go to this test's own tmp_path (returned)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    import os

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    for item in items:
        if "postgres" in item.keywords and not database_url.startswith("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "redis" in item.keywords and not redis_url:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


def page_text(response) -> str:
    """What a person reads on the page: tags dropped, white space folded."""
    import re

    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" › ", " › ")
