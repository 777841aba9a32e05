"""The province summary (/desk/province/): province staff see every county of their province with
the time the figures are as of, open each county's dashboard, and nothing else: no case, no
county of another province, no summary of another province."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases import rollups
from grids.models import Province
from staff.models import ProvincePost
from tests.conftest import page_text
from tests.factories import UserFactory, make_case, make_node

PAGE = "/desk/province/"


@pytest.fixture
def shaanxi(tree):
    p = Province.objects.create(code="61", name="陕西省")
    tree.county.province = p
    tree.county.save()
    other = make_node(None, "county", "洋县", code="610723")
    make_node(other, "town", "龙亭镇", code="610723100")
    other.province = p
    other.save()
    return p


@pytest.fixture
def official(shaanxi):
    user = UserFactory(username="sheng", first_name="省平台")
    ProvincePost.objects.create(user=user, province=shaanxi)
    return user


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_province_staff_see_each_county_with_the_time_the_figures_are_as_of(official, cast, tree):
    make_case(cast, tree.grid_a, "handling")
    rollups.refresh()
    response = login(official).get(PAGE)
    assert response.status_code == 200
    text = page_text(response)
    assert "城固县" in text and "洋县" in text
    assert "as of" in text or "截至" in text
    assert f"/desk/dashboard/?node={tree.county.pk}" in response.content.decode()


def test_province_staff_land_on_the_summary_after_login(official):
    response = login(official).get("/")
    assert response.status_code == 302 and response["Location"] == PAGE


def test_province_staff_open_a_countys_dashboard_of_their_province_only(official, tree):
    c = login(official)
    assert c.get(f"/desk/dashboard/?node={tree.county.pk}").status_code == 200
    elsewhere = make_node(None, "county", "佛坪县", code="610730")
    assert c.get(f"/desk/dashboard/?node={elsewhere.pk}").status_code == 404


def test_province_staff_read_figures_not_cases(official, cast, tree):
    case = make_case(cast, tree.grid_a, "accepted")
    c = login(official)
    # Cases are outside what they may see at all: not found, like a case that does not exist.
    assert c.get(f"/desk/cases/{case.pk}/").status_code == 404
    assert c.get("/desk/cases/").status_code == 403
    assert c.get("/desk/board/").status_code == 403
    assert c.get("/m/").status_code == 403


def test_another_provinces_summary_is_not_found(official):
    other = Province.objects.create(code="62", name="甘肃省")
    c = login(official)
    assert c.get(f"{PAGE}?province={other.pk}").status_code == 404
    assert c.get(f"{PAGE}?province=abc").status_code == 404
    assert c.get(f"{PAGE}?province=99999999999999999999").status_code == 404


def test_a_post_that_has_ended_opens_nothing(shaanxi, tree):
    user = UserFactory(username="former")
    ProvincePost.objects.create(
        user=user, province=shaanxi, starts=dt.date(2025, 1, 1), ends=dt.date(2025, 12, 31)
    )
    c = login(user)
    assert c.get(PAGE).status_code == 403
    assert c.get(f"/desk/dashboard/?node={tree.county.pk}").status_code in (403, 404)


def test_people_without_a_province_post_are_refused(cast, shaanxi):
    assert login(cast.staff_town1).get(PAGE).status_code == 403
    assert login(cast.county_admin).get(PAGE).status_code == 403
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_bad_period_input_is_a_message_not_an_error(official):
    response = login(official).get(f"{PAGE}?period=range&start=2026-13-40&end=x")
    assert response.status_code == 200


def test_the_summary_takes_the_same_queries_for_more_counties_and_cases(
    official, shaanxi, cast, tree
):
    rollups.refresh()
    c = login(official)
    with CaptureQueriesContext(connection) as small:
        assert c.get(PAGE).status_code == 200
    for code in ("610724", "610725", "610726"):
        county = make_node(None, "county", f"县{code}", code=code)
        make_node(county, "town", f"镇{code}", code=f"{code}100")
        county.province = shaanxi
        county.save()
    for _ in range(3):
        make_case(cast, tree.grid_a, "handling")
        make_case(cast, tree.grid_b, "closed")
    rollups.refresh()
    with CaptureQueriesContext(connection) as large:
        assert c.get(PAGE).status_code == 200
    assert len(large) == len(small)
    assert len(small) == 11  # the page, and six for the summary: month and day rows of each kind


def test_a_superuser_is_told_when_no_province_is_set_up(db):
    root = UserFactory(username="root", is_superuser=True)
    response = login(root).get(PAGE)
    assert response.status_code == 200
    assert "Provinces" in page_text(response) or "省" in page_text(response)


def test_only_a_superuser_gives_a_province_post(shaanxi, cast):
    from django.core.exceptions import PermissionDenied

    from staff import actions

    post = ProvincePost(user=UserFactory(username="new_sheng"), province=shaanxi)
    with pytest.raises(PermissionDenied):
        actions.province_post_save(actor=cast.county_admin, post=post)
    assert not ProvincePost.objects.filter(user__username="new_sheng").exists()
    root = UserFactory(username="root", is_superuser=True)
    actions.province_post_save(actor=root, post=post)
    assert login(post.user).get(PAGE).status_code == 200
