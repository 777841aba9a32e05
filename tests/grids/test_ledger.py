"""The household ledger on the phone: scoped lists, forms, masked personal data, logged reveals."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from grids import actions
from grids.actions import ledger as ledger_actions
from grids.models import Household, Organization, Resident, RevealLog
from grids.privacy import mask_id_number, mask_phone
from tests.conftest import page_text
from tests.factories import FULL_ID, PHONE, id_number, key_household


@pytest.fixture
def household(tree):
    return key_household(tree.grid_a, members=3, contact=PHONE)


def make_households(node, n):
    for i in range(n):
        h = actions.household_create(
            actor=None, node_id=node.pk, address=f"{i}号", head_name=f"户主{i}", members=2
        )
        actions.resident_create(actor=None, household_id=h.pk, name=f"人{i}", phone=PHONE)


def test_masks_keep_the_region_and_the_last_four_only():
    assert mask_id_number(FULL_ID) == "610722********" + FULL_ID[-4:]
    assert mask_phone(PHONE) == "138****5678"


def test_worker_lists_the_households_of_their_grid_only(client, cast, tree, household):
    actions.household_create(actor=None, node_id=tree.grid_b.pk, address="B1", head_name="李四")
    client.force_login(cast.worker_a)
    text = page_text(client.get(reverse("ledger_list")))
    assert "张三" in text and "李四" not in text


def test_search_finds_by_address_or_head(client, cast, tree, household):
    actions.household_create(
        actor=None, node_id=tree.grid_a.pk, address="二组5号", head_name="王五"
    )
    client.force_login(cast.worker_a)
    text = page_text(client.get(reverse("ledger_list"), {"q": "王五"}))
    assert "王五" in text and "张三" not in text


@pytest.mark.parametrize(
    "name", ["ledger_household", "ledger_household_edit", "ledger_resident_add"]
)
def test_another_grids_household_is_404(client, cast, household, name):
    client.force_login(cast.worker_b)
    assert client.get(reverse(name, args=[household.pk])).status_code == 404


def test_another_grids_resident_is_404(client, cast, household):
    resident = household.residents.get()
    client.force_login(cast.worker_b)
    assert client.get(reverse("ledger_resident_edit", args=[resident.pk])).status_code == 404
    response = client.post(
        reverse("ledger_resident_reveal", args=[resident.pk]), {"field": "phone", "reason": "x"}
    )
    assert response.status_code == 404
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("who", ["worker_a", "informant_a", "village_chief", "staff_town1"])
def test_full_id_and_phone_never_appear_in_the_pages(client, cast, household, who):
    client.force_login(getattr(cast, who))
    resident = household.residents.get()
    urls = [reverse("ledger_list"), reverse("ledger_household", args=[household.pk])]
    if who != "informant_a":
        urls += [
            reverse("ledger_household_edit", args=[household.pk]),
            reverse("ledger_resident_edit", args=[resident.pk]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        source = response.content.decode()
        assert FULL_ID not in source and PHONE not in source, url
    detail = client.get(reverse("ledger_household", args=[household.pk])).content.decode()
    assert mask_id_number(FULL_ID) in detail and "138****5678" in detail


def test_reveal_asks_a_reason_and_logs_who_what_and_why(client, cast, household):
    resident = household.residents.get()
    client.force_login(cast.worker_a)
    url = reverse("ledger_resident_reveal", args=[resident.pk])
    form = client.get(url, {"field": "id_number"})
    assert FULL_ID not in form.content.decode()
    no_reason = client.post(url, {"field": "id_number", "reason": ""})
    assert FULL_ID not in no_reason.content.decode() and not RevealLog.objects.exists()
    response = client.post(url, {"field": "id_number", "reason": "入户核实低保"})
    assert FULL_ID in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    log = RevealLog.objects.get()
    assert (log.user, log.resident, log.field, log.reason) == (
        cast.worker_a,
        resident,
        "id_number",
        "入户核实低保",
    )


@pytest.mark.parametrize("who", ["informant_a", "staff_town1"])
def test_roles_without_the_right_get_403_on_reveal(client, cast, household, who):
    resident = household.residents.get()
    client.force_login(getattr(cast, who))
    url = reverse("ledger_resident_reveal", args=[resident.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"field": "phone", "reason": "想看"})
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_special_group_tags_show_only_to_roles_that_need_them(client, cast, household):
    url = reverse("ledger_household", args=[household.pk])
    client.force_login(cast.worker_a)
    assert 'class="badge rtag"' in client.get(url).content.decode()
    client.force_login(cast.informant_a)
    source = client.get(url).content.decode()
    assert 'class="badge rtag"' not in source and "张三" in source


def test_informant_may_read_but_not_change_the_ledger(client, cast, household):
    client.force_login(cast.informant_a)
    assert client.get(reverse("ledger_household_edit", args=[household.pk])).status_code == 403
    assert client.get(reverse("ledger_household_add")).status_code == 403


def test_worker_adds_a_household(client, cast, tree):
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_household_add"),
        {
            "node": tree.grid_a.pk,
            "address": "三组1号",
            "head_name": "赵六",
            "category": "monitored",
            "members": 4,
        },
    )
    h = Household.objects.get()
    assert response.status_code == 302 and (h.node, h.category) == (tree.grid_a, "monitored")


def test_worker_cannot_add_a_household_to_another_grid(client, cast, tree):
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_household_add"),
        {
            "node": tree.grid_b.pk,
            "address": "x",
            "head_name": "y",
            "category": "general",
            "members": 1,
        },
    )
    assert response.status_code == 200 and not Household.objects.exists()


def test_household_form_errors_save_nothing(client, cast, tree):
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_household_add"),
        {
            "node": tree.grid_a.pk,
            "address": "",
            "head_name": "赵六",
            "category": "general",
            "members": 1,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and response.context["form"].errors["address"]
    assert not Household.objects.exists()


def test_household_edit_keeps_the_contact_when_left_blank(client, cast, household):
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_household_edit", args=[household.pk]),
        {
            "address": household.address,
            "head_name": "张三",
            "category": "general",
            "members": 5,
            "contact": "",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.members, household.category, household.contact) == (5, "general", PHONE)


def test_worker_adds_a_resident_with_a_valid_id_number(client, cast, household):
    client.force_login(cast.worker_a)
    other = id_number("61072220100202002")
    response = client.post(
        reverse("ledger_resident_add", args=[household.pk]),
        {
            "name": "张小",
            "id_number": other,
            "phone": "13900001111",
            "relation": "子",
            "tags": ["left_behind_child"],
        },
    )
    assert response.status_code == 302
    r = household.residents.get(name="张小")
    assert (r.id_number, r.tags) == (other, ["left_behind_child"])


def test_bad_id_number_is_a_field_error_and_nothing_is_saved(client, cast, household):
    client.force_login(cast.worker_a)
    bad = FULL_ID[:17] + ("0" if FULL_ID[17] != "0" else "1")
    response = client.post(
        reverse("ledger_resident_add", args=[household.pk]),
        {"name": "张小", "id_number": bad, "phone": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert response.context["form"].errors["id_number"]
    assert household.residents.count() == 1


def test_resident_edit_keeps_personal_fields_left_blank(client, cast, household):
    resident = household.residents.get()
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_resident_edit", args=[resident.pk]),
        {"name": "张三丰", "id_number": "", "phone": "", "relation": "本人", "tags": []},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.id_number, resident.phone, resident.tags) == (
        "张三丰",
        FULL_ID,
        PHONE,
        [],
    )


def test_an_informant_cannot_set_tags_through_the_action(cast, household):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.resident_create(
            actor=cast.informant_a, household_id=household.pk, name="x", tags=["disabled"]
        )
    assert Resident.objects.count() == 1


def test_organizations_register_lists_and_adds(client, cast, tree):
    Organization.objects.create(node=tree.grid_b, name="B合作社", kind="economic")
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_organizations"),
        {"node": tree.grid_a.pk, "name": "梁家庵合作社", "kind": "economic"},
    )
    assert response.status_code == 302
    text = page_text(client.get(reverse("ledger_organizations")))
    assert "梁家庵合作社" in text and "B合作社" not in text


def test_informant_cannot_add_organizations(client, cast, tree):
    client.force_login(cast.informant_a)
    response = client.post(
        reverse("ledger_organizations"), {"node": tree.grid_a.pk, "name": "x", "kind": "social"}
    )
    assert response.status_code == 403 and not Organization.objects.exists()


def test_ledger_list_query_count_is_pinned(client, cast, tree, django_assert_num_queries):
    client.force_login(cast.worker_a)
    make_households(tree.grid_a, 3)
    client.get(reverse("ledger_list"))  # session and grants warm
    with django_assert_num_queries(5) as few:
        client.get(reverse("ledger_list"))
    make_households(tree.grid_a, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("ledger_list")).status_code == 200


def test_household_page_query_count_does_not_grow_with_residents(
    client, cast, household, django_assert_max_num_queries
):
    client.force_login(cast.worker_a)
    url = reverse("ledger_household", args=[household.pk])
    client.get(url)
    for i in range(20):
        actions.resident_create(actor=None, household_id=household.pk, name=f"人{i}", phone=PHONE)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_admin_lists_are_scoped_and_masked(client, cast, tree, household):
    resident = household.residents.get()
    actions.resident_reveal(
        actor=cast.worker_a, resident_id=resident.pk, field="phone", reason="回访"
    )
    other = actions.household_create(
        actor=None, node_id=tree.grid_c.pk, address="C1", head_name="孙七"
    )
    client.force_login(cast.town1_admin)
    for model in ("household", "resident", "organization", "reveallog"):
        response = client.get(reverse(f"admin:grids_{model}_changelist"))
        assert response.status_code == 200, model
        source = response.content.decode()
        assert FULL_ID not in source and PHONE not in source, model
    assert (
        mask_id_number(FULL_ID)
        in client.get(reverse("admin:grids_resident_changelist")).content.decode()
    )
    for url in (
        reverse("admin:grids_resident_change", args=[resident.pk]),
        reverse("admin:grids_household_change", args=[household.pk]),
        reverse("admin:grids_reveallog_change", args=[RevealLog.objects.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert FULL_ID not in response.content.decode() and PHONE not in response.content.decode()
    assert "孙七" not in client.get(reverse("admin:grids_household_changelist")).content.decode()
    assert client.get(reverse("admin:grids_household_change", args=[other.pk])).status_code == 404


# ---------------------------------------------------------------- one ID number, one resident


def other_household(node):
    return actions.household_create(
        actor=None, node_id=node.pk, address="二组1号", head_name="李四"
    )


def test_a_new_resident_cannot_take_an_id_number_already_in_the_ledger(cast, tree, household):
    elsewhere = other_household(tree.grid_b)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        actions.resident_create(
            actor=cast.village_chief, household_id=elsewhere.pk, name="李四", id_number=FULL_ID
        )
    assert exc.value.message_dict["id_number"] == [
        f"This ID number is already in the ledger of {tree.grid_a.name}."
    ]
    assert not elsewhere.residents.exists()


def test_the_holder_is_not_named_to_someone_who_may_not_see_that_ledger(cast, tree, household):
    elsewhere = other_household(tree.grid_b)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        actions.resident_create(
            actor=cast.worker_b, household_id=elsewhere.pk, name="李四", id_number=FULL_ID.lower()
        )
    assert exc.value.message_dict["id_number"] == [
        "This ID number is already registered elsewhere."
    ]


def test_an_update_may_keep_its_own_id_number_but_not_take_another(tree, household):
    mine = household.residents.get()
    actions.resident_update(actor=None, resident_id=mine.pk, id_number=FULL_ID, name="张叁")
    other = actions.resident_create(
        actor=None, household_id=other_household(tree.grid_c).pk, name="李四"
    )
    with pytest.raises(ValidationError) as exc:
        actions.resident_update(actor=None, resident_id=other.pk, id_number=FULL_ID)
    assert "id_number" in exc.value.message_dict
    other.refresh_from_db()
    assert other.id_number == ""


def test_a_taken_id_number_is_a_field_error_on_the_phone(client, cast, household):
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("ledger_resident_add", args=[household.pk]),
        {"name": "张小", "id_number": FULL_ID, "phone": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["id_number"]
    assert household.residents.count() == 1


def test_an_id_number_taken_in_the_same_moment_is_a_field_error_not_a_crash(household, monkeypatch):
    from django.core.exceptions import ValidationError

    taken = id_number("61072219800101555")
    actions.resident_create(actor=None, household_id=household.pk, name="甲", id_number=taken)
    # The other save lands between this one's check and its insert.
    monkeypatch.setattr(ledger_actions, "_refuse_taken_id_number", lambda *args, **kwargs: None)
    monkeypatch.setattr(Resident, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as exc:
        actions.resident_create(actor=None, household_id=household.pk, name="乙", id_number=taken)
    assert "id_number" in exc.value.message_dict
    assert Resident.objects.filter(id_number=taken).count() == 1
