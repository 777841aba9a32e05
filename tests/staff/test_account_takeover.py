"""A town admin cannot take over an account above or beside them: not by placing the person
in their town first, not through the password page, not through the actions."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from staff import access, actions
from staff.models import Assignment
from tests.conftest import page_text
from tests.factories import PASSWORD, UserFactory, grant, make_case

NODES = "/admin/grids/gridnode/"


def _node_form(node, **rows):
    """The admin change form of `node`, unchanged, plus new assignment rows."""
    data = {
        "parent": node.parent_id,
        "name": node.name,
        "kind": node.kind,
        "households": str(node.households),
        "population": str(node.population),
        "difficulty": node.difficulty,
        "centre_lat": "",
        "centre_lng": "",
        "boundary": "",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
    }
    existing = list(Assignment.objects.filter(node=node).order_by("pk"))
    data["assignments-INITIAL_FORMS"] = str(len(existing))
    for i, a in enumerate(existing):
        data.update(
            {
                f"assignments-{i}-id": a.pk,
                f"assignments-{i}-node": node.pk,
                f"assignments-{i}-user": a.user_id,
                f"assignments-{i}-role": a.role,
                f"assignments-{i}-starts": a.starts.isoformat(),
                f"assignments-{i}-ends": a.ends.isoformat() if a.ends else "",
                f"assignments-{i}-note": a.note,
            }
        )
    for j, (user, role, ends) in enumerate(rows.values(), start=len(existing)):
        data.update(
            {
                f"assignments-{j}-node": node.pk,
                f"assignments-{j}-user": user.pk,
                f"assignments-{j}-role": role,
                f"assignments-{j}-starts": "2026-01-01",
                f"assignments-{j}-ends": ends,
                f"assignments-{j}-note": "",
            }
        )
    data["assignments-TOTAL_FORMS"] = str(len(existing) + len(rows))
    return data


def test_a_town_admin_cannot_take_over_the_county_admin(client, cast, tree):
    victim = cast.county_admin
    client.force_login(cast.town1_admin)
    # Step 1: place the county admin in a village of the town with an ended volunteer grant.
    response = client.post(
        f"{NODES}{tree.village1.pk}/change/",
        _node_form(tree.village1, row=(victim, "volunteer", "2026-01-31")),
    )
    assert response.status_code == 200, response.status_code
    assert response.context["inline_admin_formsets"][0].formset.errors[-1], page_text(response)
    assert not Assignment.objects.filter(user=victim, node=tree.village1).exists()
    # Step 2: the password page and the person's page do not open, a POST changes nothing.
    password_url = f"/admin/auth/user/{victim.pk}/password/"
    assert client.get(password_url).status_code == 404
    assert client.get(f"/admin/auth/user/{victim.pk}/change/").status_code == 404
    response = client.post(
        password_url, {"password1": "x-Takeover-2026", "password2": "x-Takeover-2026"}
    )
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)


def test_an_ended_grant_in_the_town_does_not_make_a_county_person_manageable(cast, tree):
    # Even if such a grant got in some other way (an old import), the county admin stays out.
    Assignment.objects.create(
        user=cast.county_admin,
        node=tree.village1,
        role="volunteer",
        starts="2025-06-01",
        ends="2026-01-31",
    )
    assert not access.may_manage(cast.town1_admin, cast.county_admin)
    with pytest.raises(Http404):
        actions.assignment_grant(
            actor=cast.town1_admin,
            user_id=cast.county_admin.pk,
            node_id=tree.grid_a.pk,
            role="informant",
        )


def test_a_town_admin_manages_only_people_wholly_inside_and_below_them(cast, tree):
    admin = cast.town1_admin
    assert access.may_manage(admin, cast.worker_a)
    assert access.may_manage(admin, cast.village_chief)
    assert access.may_manage(admin, UserFactory())  # just created, not placed yet
    # A town-level colleague, another town, the county, a superuser.
    for person in (cast.staff_town1, cast.staff_town2, cast.county_admin):
        assert not access.may_manage(admin, person)
    assert not access.may_manage(admin, UserFactory(is_superuser=True))
    # Someone who also works in the other town.
    both = UserFactory()
    grant(both, tree.grid_a, "informant")
    grant(both, tree.grid_c, "informant")
    assert not access.may_manage(admin, both)
    # Someone who once held a town-level post.
    former = UserFactory()
    Assignment.objects.create(
        user=former, node=tree.town1, role="leader", starts="2025-01-01", ends="2025-12-31"
    )
    grant(former, tree.grid_a, "informant")
    assert not access.may_manage(admin, former)


def test_a_town_admin_grants_only_below_their_own_level(cast, tree):
    newcomer = UserFactory()
    admin = cast.town1_admin
    for role, node in (("admin", tree.town1), ("center_staff", tree.town1), ("leader", tree.town1)):
        with pytest.raises(PermissionDenied):
            actions.assignment_grant(actor=admin, user_id=newcomer.pk, node_id=node.pk, role=role)
    actions.assignment_grant(
        actor=admin, user_id=newcomer.pk, node_id=tree.village1.pk, role="grid_chief"
    )
    # The county admin may make a town admin.
    other = UserFactory()
    actions.assignment_grant(
        actor=cast.county_admin, user_id=other.pk, node_id=tree.town1.pk, role="admin"
    )
    assert not access.may_manage(admin, other)


def test_a_town_admin_cannot_change_a_grant_of_someone_they_do_not_manage(cast, tree):
    peer = Assignment.objects.get(user=cast.staff_town1)
    with pytest.raises((Http404, PermissionDenied)):
        actions.assignment_end(actor=cast.town1_admin, assignment_id=peer.pk)
    with pytest.raises((Http404, PermissionDenied)):
        actions.assignment_update(
            actor=cast.town1_admin,
            assignment_id=peer.pk,
            role="volunteer",
            starts=peer.starts,
            ends=None,
        )
    peer.refresh_from_db()
    assert peer.role == "center_staff" and peer.ends is None


def test_the_node_page_offers_a_town_admin_only_people_they_manage(client, cast, tree):
    client.force_login(cast.town1_admin)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "staff", "model_name": "assignment", "field_name": "user", "term": ""},
    )
    names = {row["text"] for row in response.json()["results"]}
    assert "worker_a" in names
    assert not names & {"county_admin", "staff_town2", "staff_town1"}


def test_a_town_admin_cannot_give_a_town_level_role_on_their_own_town_page(client, cast, tree):
    newcomer = UserFactory(username="newcomer")
    client.force_login(cast.town1_admin)
    response = client.post(
        f"{NODES}{tree.town1.pk}/change/",
        _node_form(tree.town1, row=(newcomer, "center_staff", "")),
    )
    assert response.status_code == 200
    assert not Assignment.objects.filter(user=newcomer).exists()


def test_a_future_or_former_grant_elsewhere_keeps_the_person_out_of_a_town_admins_reach(cast, tree):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    future = UserFactory()
    Assignment.objects.create(
        user=future, node=tree.grid_c, role="grid_worker", starts=today + dt.timedelta(days=3)
    )
    former = UserFactory()
    Assignment.objects.create(
        user=former, node=tree.grid_c, role="grid_worker", starts="2025-01-01", ends="2025-12-31"
    )
    mixed = UserFactory()
    grant(mixed, tree.grid_a, "informant")
    Assignment.objects.create(
        user=mixed, node=tree.grid_c, role="informant", starts=today + dt.timedelta(days=3)
    )
    for person in (future, former, mixed):
        assert not access.may_manage(cast.town1_admin, person)
        assert access.may_manage(cast.county_admin, person)


def test_the_admin_list_cannot_be_filtered_by_personal_data(client, cast, tree):
    make_case(
        cast,
        tree.grid_a,
        reporter=None,
        title="噪音",
        description="夜间噪音",
        source="hotline",
        reporter_name="张三",
        reporter_phone="13891625521",
    )
    client.force_login(cast.town1_admin)
    for url in (
        "/admin/cases/case/?reporter_phone__startswith=1389",
        "/admin/cases/case/?reporter_phone=13891625521",
        "/admin/grids/resident/?phone__startswith=139",
        "/admin/grids/resident/?id_number__startswith=6107",
    ):
        response = client.get(url)
        assert response.status_code in (400, 302), url  # refused, never a filtered list
        assert "噪音" not in response.content.decode()
    assert client.get("/admin/cases/case/?status__exact=reported").status_code == 200


def test_a_superuser_opens_any_persons_page(client, cast):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(f"/admin/auth/user/{cast.worker_a.pk}/change/").status_code == 200


def test_no_town_or_county_admin_takes_over_a_province_official(client, cast, tree):
    # A province official holds a ProvincePost, no Assignment: still far above any county.
    from grids.models import Province
    from staff.models import ProvincePost

    province = Province.objects.create(code="61", name="陕西省")
    tree.county.province = province
    tree.county.save()
    official = UserFactory(username="sheng", first_name="省平台")
    ProvincePost.objects.create(user=official, province=province)
    for admin in (cast.town1_admin, cast.county_admin):
        assert not access.may_manage(admin, official)
        client.force_login(admin)
        url = f"/admin/auth/user/{official.pk}/password/"
        answer = client.post(url, {"password1": "x-Takeover-2026", "password2": "x-Takeover-2026"})
        assert answer.status_code == 404
        assert client.get(f"/admin/auth/user/{official.pk}/change/").status_code == 404
    official.refresh_from_db()
    assert official.check_password(PASSWORD)
