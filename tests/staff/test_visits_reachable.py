"""A household visit is reachable from the household's own page, a household visited on a
schedule is due at once, and a saved visit is confirmed on today's list."""

import pytest
from django.test import Client
from django.utils import timezone

from grids import actions as grid_actions
from staff.models import Visit
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def household(tree, category="key"):
    return grid_actions.household_create(
        actor=None,
        node_id=tree.grid_a.pk,
        address="梁家庵村一组3号",
        head_name="周大爷",
        category=category,
    )


@pytest.mark.parametrize(
    ("category", "due"), [("key", True), ("monitored", True), ("general", False)]
)
def test_a_new_household_visited_on_a_schedule_is_due_at_once(tree, category, due):
    h = household(tree, category)
    assert h.next_visit_due == (timezone.localdate() if due else None)


def test_the_household_page_leads_to_recording_a_visit_for_those_who_visit(cast, tree):
    h = household(tree)
    link = f'href="/m/visits/{h.pk}/new/"'
    assert link in client_for(cast.worker_a).get(f"/m/ledger/{h.pk}/").content.decode()
    informant_page = client_for(cast.informant_a).get(f"/m/ledger/{h.pk}/")
    assert informant_page.status_code == 200 and link not in informant_page.content.decode()


def test_a_saved_visit_is_confirmed_on_todays_list(cast, tree):
    h = household(tree)
    worker = client_for(cast.worker_a)
    response = worker.post(
        f"/m/visits/{h.pk}/new/",
        {
            "date": timezone.localdate().isoformat(),
            "how": "home",
            "findings": "身体良好",
            "submission_id": "v-1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/m/"
    assert "已记录对周大爷的走访。" in page_text(response)
    assert Visit.objects.get().household == h
