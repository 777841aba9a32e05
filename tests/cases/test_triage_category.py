"""研判 sets the category: accepting offers it, pre-filled with the reporter's choice, and the town
can file a case under another category later, each change kept in the history."""

import re

import pytest
from django.test import Client

from cases.models import Case
from cases.workflow import available_actions
from tests.factories import T0, make_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_accept_form_offers_the_category_prefilled_with_the_reporters_choice(
    cast, report, units
):
    case = report(category_id=units.neighbours.pk)
    html = client_for(cast.staff_town1).get(f"/desk/intake/{case.pk}/").content.decode()
    chosen = re.search(r'<select name="accept-category"[^>]*>(.*?)</select>', html, re.S)
    assert chosen, "the accept form offers the category"
    assert re.search(rf'<option value="{units.neighbours.pk}" selected>邻里纠纷</option>', html)
    assert '<optgroup label="' in chosen.group(1)  # grouped like the phone's report form


def test_accepting_a_hotline_case_files_it_under_a_category_with_history(cast, tree, units):
    case = make_case(
        cast,
        tree.grid_a,
        "reported",
        reporter=None,
        source="hotline",
        reporter_name="梁大爷",
        now=T0,
    )
    assert case.category_id is None
    response = client_for(cast.staff_town1).post(
        f"/desk/intake/{case.pk}/",
        {"do": "accept", "accept-color": "orange", "accept-category": units.land.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.category_id) == ("accepted", units.land.pk)
    event = case.events.get(action="recategorize")
    assert (event.actor, event.note) == (cast.staff_town1, "— → 土地纠纷")


def test_the_town_changes_the_category_later_from_the_case_page(cast, tree, units):
    case = make_case(cast, tree.grid_a, "dispatched", category_id=units.neighbours.pk, now=T0)
    staff = client_for(cast.staff_town1)
    assert 'value="recategorize"' in staff.get(f"/desk/cases/{case.pk}/").content.decode()
    response = staff.post(
        f"/desk/cases/{case.pk}/act/",
        {"action": "recategorize", "category": units.land.pk, "text": "实为占地纠纷"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.category_id == units.land.pk
    note = case.events.get(action="recategorize").note
    assert note == "邻里纠纷 → 土地纠纷\n实为占地纠纷"
    history = staff.get(f"/desk/cases/{case.pk}/").content.decode()
    assert "更改类别" in history and "邻里纠纷 → 土地纠纷" in history


def test_a_grid_worker_cannot_change_the_category(cast, tree, units):
    case = make_case(cast, tree.grid_a, "handling", category_id=units.neighbours.pk, now=T0)
    assert "recategorize" not in available_actions(cast.worker_a, case)
    response = client_for(cast.worker_a).post(
        f"/m/cases/{case.pk}/act/", {"action": "recategorize", "category": units.land.pk}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).category_id == units.neighbours.pk


@pytest.mark.parametrize("category", ["999999", "abc", ""])
def test_an_unknown_category_is_a_form_error_and_changes_nothing(cast, tree, units, category):
    case = make_case(cast, tree.grid_a, "accepted", category_id=units.neighbours.pk, now=T0)
    response = client_for(cast.staff_town1).post(
        f"/desk/cases/{case.pk}/act/", {"action": "recategorize", "category": category}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.category_id == units.neighbours.pk
    assert not case.events.filter(action="recategorize").exists()
