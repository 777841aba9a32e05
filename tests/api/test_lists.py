"""Every list of the API is cursor-paged, and its number of queries is pinned: the same for a
page of 5 rows and a page of 20, so it does not grow with the page."""

import pytest

from cases.models import Category, ResponsibilityItem, Unit
from gridgov.models import Notice, OutboxMessage
from tests.api.conftest import Api
from tests.factories import called_case, make_case, make_node

pytestmark = pytest.mark.django_db

# The queries of one page, as an API client: the client found by its key, its use counted,
# its grants read, then the page (the calls also read which departments the caller works for).
LISTS = {
    "/api/v1/nodes/": 4,
    "/api/v1/categories/": 4,
    "/api/v1/responsibilities/": 4,
    "/api/v1/units/": 4,
    "/api/v1/cases/": 4,
    "/api/v1/calls/": 5,
    "/api/v1/notices/": 4,
}


@pytest.fixture
def many(cast, tree, units, town_system):
    """More than 20 rows of every list, all visible to the town's system."""
    for i in range(22):  # first: new nodes move the tree's spans that grants read
        make_node(tree.village1, "grid", f"新网格{i}", code=f"610722107201{i + 100:03d}")
    for i in range(22):
        Category.objects.create(name=f"类别{i}", group="other")
        ResponsibilityItem.objects.create(
            matter=f"事项{i}", domain="综治", owner="town", lead_unit="镇"
        )
        Unit.objects.create(name=f"平台{i}", kind="platform", node=tree.town1)
        case = make_case(cast, tree.grid_a, "accepted")
        message = OutboxMessage.objects.create(kind="case_reported", case=case, payload={})
        Notice.objects.create(user=town_system.user, message=message, case=case, text="x")
    for _ in range(21):
        called_case(cast, tree.grid_a, units.civil, units.hardship)
    return town_system


def test_a_page_costs_the_same_queries_whatever_its_size(many, django_assert_num_queries):
    api = Api(many.key)
    for url, queries in LISTS.items():
        for size in (5, 20):
            with django_assert_num_queries(queries):
                response = api.get(url, {"page_size": size})
            assert response.status_code == 200, url
            assert len(response.json()["results"]) == size, url


def test_the_next_links_walk_each_whole_list_once(many):
    api = Api(many.key)
    for url in LISTS:
        seen, page = [], api.get(url, {"page_size": 7}).json()
        while True:
            seen += [row["id"] for row in page["results"]]
            if not page["next"]:
                break
            page = api.get(page["next"]).json()
        assert len(seen) == len(set(seen)) > 20, url


def test_a_persons_page_costs_the_same_queries_whatever_its_size(
    many, cast, django_assert_num_queries
):
    api = Api(user=cast.staff_town1)
    for size in (5, 20):
        # the session, the person, their grants, the page
        with django_assert_num_queries(4):
            response = api.get("/api/v1/cases/", {"page_size": size})
        assert len(response.json()["results"]) == size


def test_a_page_is_at_most_200_rows(many):
    response = Api(many.key).get("/api/v1/cases/", {"page_size": 100000})
    assert response.status_code == 200 and len(response.json()["results"]) <= 200
