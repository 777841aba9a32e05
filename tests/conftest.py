"""The shared cast (CONVENTIONS.md): one county, two towns, sibling grids, and their people."""

from types import SimpleNamespace

import pytest
from django.db import connection

from tests.factories import UserFactory, grant, make_node


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
    county = make_node(None, "county", "城固县", code="610722")
    town1 = make_node(county, "town", "沙河营镇", code="610722107")
    village1 = make_node(town1, "village", "梁家庵村", code="610722107201")
    grid_a = make_node(
        village1, "grid", "梁家庵村第一网格", code="610722107201001", households=158, difficulty="A"
    )
    grid_b = make_node(
        village1, "grid", "梁家庵村第二网格", code="610722107201002", households=160, difficulty="B"
    )
    micro_a1 = make_node(
        grid_a, "micro_grid", "一组微网格", code="610722107201001001", households=8
    )
    town2 = make_node(county, "town", "博望街道", code="610722001")
    village2 = make_node(town2, "village", "西原公村", code="610722001203")
    grid_c = make_node(
        village2, "grid", "西原公村第一网格", code="610722001203001", households=120, difficulty="C"
    )
    for n in (county, town1, village1, grid_a, grid_b, micro_a1, town2, village2, grid_c):
        n.refresh_from_db()  # lft/rght moved as later nodes were inserted
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
