"""The phone's front page (/m/) says what is urgent: cases waiting for the person's signature
first with a one-tap sign, overdue cases in red with how long, and every date labeled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from cases import actions
from cases.models import Case, Status
from cases.workflow import available_actions
from tests.conftest import page_text
from tests.factories import T0, make_case

pytestmark = pytest.mark.django_db


def phone(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def due(case, delta: dt.timedelta) -> Case:
    """The case with its deadline moved to now + delta (the factories work at T0)."""
    Case.objects.filter(pk=case.pk).update(clear_by=timezone.now() + delta)
    return Case.objects.get(pk=case.pk)


def listed(response) -> list[int]:
    """The cases on today's list, in page order."""
    return [int(pk) for pk in re.findall(r'href="/m/cases/(\d+)/"', response.content.decode())]


def sign_buttons(response) -> list[int]:
    html = response.content.decode()
    return [int(pk) for pk in re.findall(r'action="/m/cases/(\d+)/act/" class="m-sign"', html)]


@pytest.fixture
def worked(cast, tree):
    """Grid A's worker: a case being handled, overdue; one dispatched to them, due later."""
    late = due(
        make_case(cast, tree.grid_a, "handling", title="排水沟堵塞", now=T0),
        -dt.timedelta(days=2, hours=3, minutes=10),
    )
    waiting = due(
        make_case(cast, tree.grid_a, "dispatched", title="路灯不亮", now=T0), dt.timedelta(days=5)
    )
    return late, waiting


def test_a_case_waiting_for_my_signature_comes_first_with_a_one_tap_sign(cast, worked):
    late, waiting = worked
    response = phone(cast.worker_a).get("/m/")
    assert listed(response) == [waiting.pk, late.pk]  # despite its later deadline
    assert sign_buttons(response) == [waiting.pk]
    html = response.content.decode()
    form = html[html.index(f'action="/m/cases/{waiting.pk}/act/"') :].split("</form>")[0]
    assert 'method="post"' in html[html.index(f'action="/m/cases/{waiting.pk}/act/"') - 30 :]
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="home"' in form and 'name="action" value="sign"' in form


def test_one_tap_signs_the_case_and_comes_back_to_the_list_with_a_message(cast, worked):
    _late, waiting = worked
    client = phone(cast.worker_a)
    response = client.post(f"/m/cases/{waiting.pk}/act/", {"action": "sign", "next": "home"})
    assert response.status_code == 302 and response.url == "/m/"
    waiting.refresh_from_db()
    assert waiting.status == Status.HANDLING and waiting.handler == cast.worker_a
    page = client.get("/m/")
    assert "Done: Sign for." in page_text(page)
    assert sign_buttons(page) == []


def test_a_second_tap_on_sign_comes_back_to_the_list_saying_it_was_not_done(cast, worked):
    _late, waiting = worked
    client = phone(cast.worker_a)
    client.post(f"/m/cases/{waiting.pk}/act/", {"action": "sign", "next": "home"})
    again = client.post(
        f"/m/cases/{waiting.pk}/act/", {"action": "sign", "next": "home"}, follow=True
    )
    assert again.redirect_chain == [("/m/", 302)]
    assert "Not done: this case no longer waits for that." in page_text(again)


def test_another_grids_worker_cannot_sign_from_their_list(cast, worked):
    _late, waiting = worked
    client = phone(cast.worker_b)
    response = client.post(f"/m/cases/{waiting.pk}/act/", {"action": "sign", "next": "home"})
    assert response.status_code == 404
    assert Case.objects.get(pk=waiting.pk).status == Status.DISPATCHED
    assert client.get(f"/m/cases/{waiting.pk}/act/").status_code == 405


def test_an_overdue_case_says_in_red_how_long_it_is_overdue(cast, worked):
    late, waiting = worked
    html = phone(cast.worker_a).get("/m/").content.decode()
    assert '<strong class="overdue">overdue by 2 days 3 hours</strong>' in html
    assert html.count('class="overdue"') == 1  # the one due in five days is not
    assert f'href="/m/cases/{late.pk}/"' in html.split('class="overdue"')[0].rsplit("<li", 1)[1]
    # In Chinese, in the one duration format of gridgov/durations.py.
    client = Client()
    client.force_login(cast.worker_a)
    assert "2天3小时" in page_text(client.get("/m/"))


def test_every_date_on_todays_list_says_what_it_is(cast, tree, worked):
    from grids.models import Household

    Household.objects.create(
        node=tree.grid_a,
        address="张家 1号",
        head_name="周大爷",
        category="key",
        next_visit_due=timezone.localdate() - dt.timedelta(days=1),
    )
    text = page_text(phone(cast.worker_a).get("/m/"))
    dates = list(re.finditer(r"\d{1,2}/\d{1,2}/\d{4}|\b\d{2}-\d{2}\b", text))
    assert len(dates) == 5  # two cases: deadline and reported; one household due a visit
    for match in dates:
        before = text[: match.start()]
        assert before.endswith(("due ", "reported ", "visit due ")), text[match.start() - 30 :]
    assert text.count("reported ") == 2 and text.count(" due ") >= 2


def test_the_sign_button_appears_exactly_when_the_case_page_offers_sign(cast, tree, units):
    """Dispatched to me, to my village as a whole, or to a unit; being handled: the list and
    the action table agree on each, for the grid worker and the village chief alike."""
    to_me = make_case(cast, tree.grid_a, "dispatched", now=T0)
    handling = make_case(cast, tree.grid_a, "handling", now=T0)
    to_unit = make_case(cast, tree.grid_a, "dispatched", unit=units.platform, now=T0)
    to_village = make_case(cast, tree.grid_a, "accepted", owner=tree.town1, now=T0)
    actions.case_dispatch(
        actor=cast.staff_town1, case_id=to_village.pk, village_id=tree.village1.pk, now=T0
    )
    for user in (cast.worker_a, cast.village_chief):
        response = phone(user).get("/m/")
        offered = {
            c.pk
            for c in Case.objects.filter(pk__in=listed(response))
            if "sign" in available_actions(user, c)
        }
        assert set(sign_buttons(response)) == offered, user.username
    assert sign_buttons(phone(cast.worker_a).get("/m/")) == [to_me.pk]
    assert to_village.pk in sign_buttons(phone(cast.village_chief).get("/m/"))
    mine = phone(cast.worker_a).get("/m/")
    assert {handling.pk, to_unit.pk} <= set(listed(mine))  # listed, not for them to sign
    assert not {handling.pk, to_unit.pk} & set(sign_buttons(mine))


def test_todays_list_costs_the_same_queries_however_many_cases(
    cast, tree, worked, django_assert_num_queries
):
    client = phone(cast.worker_a)
    # session, user, grants, posts (2), open cases, notices bell, today's patrol, households due,
    # the errands the worker carries for residents
    # links to villages (三陪同)
    with django_assert_num_queries(11):
        client.get("/m/")
    for i in range(4):
        due(make_case(cast, tree.grid_a, "handling", now=T0), -dt.timedelta(hours=i + 1))
        make_case(cast, tree.grid_a, "dispatched", now=T0)
    with django_assert_num_queries(11):
        response = client.get("/m/")
    assert len(listed(response)) == 10 and len(sign_buttons(response)) == 5
