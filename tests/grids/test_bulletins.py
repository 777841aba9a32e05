"""Printable bulletins (公示牌): a place's board and a road segment's 街长公示栏 on A4 or A3, each
with a QR code made by segno for the place's public address, and the desk's print of every
board of a village or town, one page per grid, for those who may change the place."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from grids import actions as grid_actions
from grids.qr import qr_svg
from staff import actions as staff_actions
from tests.factories import UserFactory, make_node

CSS = Path(settings.BASE_DIR) / "static" / "gridgov" / "bulletin.css"


def _sheets(response) -> int:
    return len(re.findall(r'<article class="sheet[ "]', response.content.decode()))


@pytest.fixture
def segment(cast, tree):
    """A road segment of grid A, with a party-member chief who shows his phone and a merchant
    chief who does not."""
    segment = grid_actions.street_segment_create(
        actor=None,
        node_id=tree.grid_a.pk,
        code=f"{tree.grid_a.code}S01",
        road="博望路",
        name="东段",
        patrol_range="博望路东段两侧商铺及人行道",
        duties="落实门前三包\n劝导占道经营",
    )
    for username, name, title, phone, shown in (
        ("jz_party", "王建华", "党员街长", "13991615000", True),
        ("jz_shop", "梁凤兰", "商户街长", "13991615100", False),
    ):
        chief = UserFactory(username=username, first_name=name)
        staff_actions.assignment_grant(
            actor=None,
            user_id=chief.pk,
            node_id=tree.grid_a.pk,
            role="street_chief",
            title=title,
            duties="营业期间巡查门前" if title == "商户街长" else "",
            segment_id=segment.pk,
        )
        staff_actions.profile_update(
            actor=None, user_id=chief.pk, work_phone=phone, show_work_phone=shown
        )
    return segment


def test_a_grids_bulletin_carries_the_segno_qr_code_of_the_grids_public_address(client, cast, tree):
    response = client.get(f"/g/{tree.grid_a.code}/bulletin/")
    assert response.status_code == 200
    html = response.content.decode()
    expected = qr_svg(f"http://testserver/g/{tree.grid_a.code}/", title=tree.grid_a.name)
    assert expected.startswith("<svg") and 'class="qr"' in expected
    assert str(expected) in html  # segno, regenerated for the same address, draws the same code
    assert "王刚" in html and _sheets(response) == 1


def test_the_qr_code_points_at_the_public_base_address_when_one_is_set(
    client, cast, tree, settings
):
    settings.GRIDGOV_PUBLIC_BASE_URL = "https://grid.example.gov.cn"
    html = client.get(f"/g/{tree.grid_a.code}/bulletin/").content.decode()
    public = f"https://grid.example.gov.cn/g/{tree.grid_a.code}/"
    assert str(qr_svg(public, title=tree.grid_a.name)) in html
    assert public in html  # printed under the code too, for a phone that cannot scan


@pytest.mark.parametrize(
    ("asked", "printed"), [("a4", "a4"), ("a3", "a3"), ("", "a4"), ("A5", "a4"), ("\x00", "a4")]
)
def test_the_bulletin_prints_on_a4_or_a3_and_on_a4_for_anything_else(
    client, cast, tree, asked, printed
):
    response = client.get(f"/g/{tree.grid_a.code}/bulletin/", {"size": asked})
    assert response.status_code == 200
    assert f'class="print size-{printed}"' in response.content.decode()


def test_the_print_stylesheet_sizes_each_paper_and_uses_the_systems_chinese_fonts_only():
    css = CSS.read_text()
    assert "@page a4{size:A4 portrait" in css and "@page a3{size:A3 portrait" in css
    assert ".size-a3 .sheet{" in css and "page:a3" in css
    assert '"Noto Sans CJK SC"' in css
    assert "@font-face" not in css and "url(" not in css  # no web font, no other host


def test_a_road_segments_bulletin_names_its_chiefs_with_opted_in_phones_patrol_range_and_duties(
    client, cast, tree, segment
):
    response = client.get(f"/g/s/{segment.code}/bulletin/?size=a3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "王建华" in html and "梁凤兰" in html and "党员街长" in html and "商户街长" in html
    assert "13991615000" in html and "13991615100" not in html
    assert "博望路东段两侧商铺及人行道" in html
    assert "落实门前三包" in html and "劝导占道经营" in html and "营业期间巡查门前" in html
    assert "王刚" in html  # the grid's worker, whom the chiefs hand problems to
    expected = qr_svg(f"http://testserver/g/{tree.grid_a.code}/", title="博望路 东段")
    assert str(expected) in html and 'class="print size-a3"' in html


@pytest.mark.parametrize(
    "code", ["610722107201001S99", "610722107201001", "x", "610722107201001S1"]
)
def test_an_unknown_segment_code_is_404(client, cast, tree, code):
    assert client.get(f"/g/s/{code}/bulletin/").status_code == 404


def test_the_public_bulletins_take_a_fixed_number_of_queries(
    client, cast, tree, segment, django_assert_num_queries
):
    # The place; the places above it; the posts with their people, profiles and segments.
    with django_assert_num_queries(3):
        client.get(f"/g/{tree.grid_a.code}/bulletin/")
    # The segment with its place, then the same two.
    with django_assert_num_queries(3):
        client.get(f"/g/s/{segment.code}/bulletin/")


# ---------------------------------------------------------------- the desk: print them all


def test_a_town_admin_prints_every_grid_of_the_town_or_a_village_one_page_each(client, cast, tree):
    client.force_login(cast.town1_admin)
    town = client.get("/desk/bulletins/", {"node": tree.town1.pk, "size": "a3"})
    assert town.status_code == 200
    assert _sheets(town) == 2  # 梁家庵村第一网格 and 第二网格 (micro-grids are on their grid's)
    html = town.content.decode()
    assert "王刚" in html and "李娟" in html and 'class="print size-a3"' in html
    for grid in (tree.grid_a, tree.grid_b):
        assert str(qr_svg(f"http://testserver/g/{grid.code}/", title=grid.name)) in html
    village = client.get("/desk/bulletins/", {"node": tree.village1.pk})
    assert _sheets(village) == 2


def test_the_desk_prints_the_street_chiefs_bulletin_of_every_segment(client, cast, tree, segment):
    client.force_login(cast.town1_admin)
    grid_actions.street_segment_create(
        actor=None, node_id=tree.grid_b.pk, code=f"{tree.grid_b.code}S01", road="南街", name="西段"
    )
    response = client.get("/desk/bulletins/", {"node": tree.town1.pk, "what": "streets"})
    assert _sheets(response) == 2
    assert "博望路" in response.content.decode() and "南街" in response.content.decode()


def test_another_towns_place_is_404_for_a_town_admin_and_a_junk_id_too(client, cast, tree):
    client.force_login(cast.town1_admin)
    for node in (tree.town2.pk, tree.grid_c.pk, tree.county.pk, 999999, "abc", "-1", "", "1e9"):
        assert client.get("/desk/bulletins/", {"node": node}).status_code == 404, node


def test_a_county_admin_prints_any_town_of_the_county_but_not_another_county(client, cast, tree):
    far = make_node(
        make_node(
            make_node(None, "county", "牟定县", code="532323"), "town", "共和镇", code="532323101"
        ),
        "village",
        "腊湾村",
        code="532323101201",
    )
    client.force_login(cast.county_admin)
    assert _sheets(client.get("/desk/bulletins/", {"node": tree.town2.pk})) == 1
    assert client.get("/desk/bulletins/", {"node": far.pk}).status_code == 404


def test_only_those_who_may_change_the_place_print_and_others_are_refused(client, cast, tree):
    assert client.get("/desk/bulletins/").status_code == 302  # to the login page
    for person in (cast.staff_town1, cast.worker_a, cast.village_chief):
        client.force_login(person)
        assert client.get("/desk/bulletins/", {"node": tree.village1.pk}).status_code == 403


def test_without_a_place_the_desk_offers_the_towns_and_villages_one_may_print(client, cast, tree):
    client.force_login(cast.town1_admin)
    response = client.get("/desk/bulletins/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"?node={tree.village1.pk}&amp;size=a4" in html
    assert tree.village2.name not in html and tree.town2.name not in html
    # The town admin's grant is on the town: whose bulletins they print, but not above it.
    assert f"?node={tree.county.pk}&" not in html


def test_the_desk_menu_offers_printing_to_town_admins_only(client, cast):
    from gridgov.menu import desk_links

    assert "desk_bulletins" in {link["name"] for link in desk_links(cast.town1_admin)}
    assert "desk_bulletins" not in {link["name"] for link in desk_links(cast.staff_town1)}


def test_printing_a_town_takes_a_fixed_number_of_queries(
    client, cast, tree, django_assert_num_queries
):
    client.force_login(cast.town1_admin)
    for n in range(3):  # more grids, more posts: the same queries
        make_node(tree.village1, "grid", f"梁家庵村第{n + 3}网格", code=f"61072210720100{n + 3}")
    # session, user, grants; the place; its grids; the places above them; their posts.
    with django_assert_num_queries(7):
        response = client.get("/desk/bulletins/", {"node": tree.town1.pk})
    assert _sheets(response) == 5
