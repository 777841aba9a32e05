"""The desk's side menu shows each person the pages that open for them, and only those; the
admin links to the desk for those who also have the desk door."""

import re

import pytest
from django.urls import reverse

from gridgov.menu import DESK_MENU, desk_links
from tests.factories import UserFactory, grant

PEOPLE = [
    "worker_a",
    "informant_a",
    "village_chief",
    "staff_town1",
    "town1_admin",
    "county_admin",
    "town1_leader",
    "superuser",
]


@pytest.fixture
def person(cast, tree):
    def get(who):
        if who == "town1_leader":  # a desk role that neither accepts cases nor keeps the ledger
            user = UserFactory(username="town1_leader", first_name="沙河营镇长")
            grant(user, tree.town1, "leader")
            return user
        if who == "superuser":
            return UserFactory(username="root", is_superuser=True, is_staff=True)
        return getattr(cast, who)

    return get


def _menu(html: str) -> list[str]:
    (side,) = re.findall(r'<aside class="side">(.*?)</aside>', html, re.S)
    return re.findall(r'href="([^"]+)"', side)


@pytest.mark.parametrize("who", PEOPLE)
def test_every_link_shown_opens_and_every_link_hidden_is_refused(client, person, who):
    user = person(who)
    client.force_login(user)
    shown = {link["url"] for link in desk_links(user)}
    # The reports page opens for anyone signed in, so every person sees the menu there.
    page = client.get(reverse("report_list"))
    assert page.status_code == 200
    assert _menu(page.content.decode()) == [
        reverse(link.url_name) for link in DESK_MENU if reverse(link.url_name) in shown
    ]
    for link in DESK_MENU:
        url = reverse(link.url_name)
        status = client.get(url).status_code
        if url in shown:
            assert status == 200, f"{who} is shown {url} but it answers {status}"
        else:
            assert status == 403, f"{who} is not shown {url} but it answers {status}"


def test_a_town_admin_is_not_shown_the_intake_queue_nor_a_leader_the_ledger_import(person):
    admin_links = {link["name"] for link in desk_links(person("town1_admin"))}
    leader_links = {link["name"] for link in desk_links(person("town1_leader"))}
    assert "intake_queue" not in admin_links and "ledger_import" in admin_links
    assert "ledger_import" not in leader_links and "intake_queue" in leader_links


def test_the_menu_labels_are_translated(client, cast):
    client.force_login(cast.staff_town1)
    menu = client.get(reverse("desk_home")).content.decode()
    menu = menu[menu.index('<aside class="side">') : menu.index("</aside>")]
    assert "待受理事件" in menu and "Intake queue" not in menu


@pytest.mark.parametrize("who", ["county_admin", "town1_admin", "superuser"])
def test_the_admin_links_to_the_desk(client, person, who):
    client.force_login(person(who))
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("desk_home")}"' in html


def test_the_admin_desk_link_follows_the_desk_door(person):
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template(
        '{% load gridgov_menu %}{% menu_link_opens "desk_home" as ok %}{{ ok|yesno:"y,n" }}'
    )
    request = RequestFactory().get("/admin/")
    for who, expected in (("worker_a", "n"), ("village_chief", "n"), ("county_admin", "y")):
        request.user = person(who)
        assert template.render(Context({"request": request})) == expected, who


def test_people_of_the_same_standing_share_one_menu_and_a_new_grant_changes_it(cast, tree):
    from staff import access

    other_worker = UserFactory(username="worker_x")
    grant(other_worker, tree.grid_c, "grid_worker")
    assert access.standing(other_worker) == access.standing(cast.worker_a)
    assert desk_links(other_worker) == desk_links(cast.worker_a)
    signed_in = [link.url_name for link in DESK_MENU if not link.actions]
    assert [link["name"] for link in desk_links(cast.worker_a)] == signed_in  # no desk pages
    grant(other_worker, tree.town2, "center_staff")
    access.forget_grants(other_worker)
    names = {link["name"] for link in desk_links(other_worker)}
    assert {"desk_home", "intake_queue", "case_list"} <= names
    assert [link["name"] for link in desk_links(cast.worker_a)] == signed_in


def test_a_county_grant_and_a_town_grant_of_one_role_are_different_standings(cast, tree):
    # County-wide actions (the province and appraisal pages) need the grant on the county.
    from staff import access

    town_admin = UserFactory(username="admin_x")
    grant(town_admin, tree.town2, "admin")
    assert access.standing(town_admin) == access.standing(cast.town1_admin)
    assert access.standing(town_admin) != access.standing(cast.county_admin)
    county_only = {link["name"] for link in desk_links(cast.county_admin)} - {
        link["name"] for link in desk_links(town_admin)
    }
    assert county_only == {
        link.url_name
        for link in DESK_MENU
        if all(access.can_anywhere(cast.county_admin, a) for a in link.actions)
        and not all(access.can_anywhere(town_admin, a) for a in link.actions)
    }


def test_an_inactive_person_keeps_no_menu_of_their_roles(cast):
    assert len(desk_links(cast.staff_town1)) > 1
    cast.staff_town1.is_active = False
    signed_in = [link.url_name for link in DESK_MENU if not link.actions]
    assert [link["name"] for link in desk_links(cast.staff_town1)] == signed_in
