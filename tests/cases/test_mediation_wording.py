"""The mediation form says what a success does: it resolves the case (cases.actions.ladder)."""

import re

import pytest
from django.test import Client

from cases.models import Case, Status
from tests.factories import T0, make_case

pytestmark = pytest.mark.django_db

SUCCESS = "Mediation succeeded (resolves the case)"


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def outcome_options(html: str) -> dict[str, str]:
    form = html[html.index('id="id_mediate_outcome"') :].split("</select>")[0]
    return dict(re.findall(r'<option value="(\w*)"[^>]*>([^<]*)</option>', form))


@pytest.mark.parametrize(
    "door, who", [("/m/cases/{}/", "worker_a"), ("/desk/cases/{}/", "staff_town1")]
)
def test_the_success_choice_says_it_resolves_the_case_at_either_door(cast, tree, door, who):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    html = client_for(getattr(cast, who)).get(door.format(case.pk)).content.decode()
    assert outcome_options(html) == {"": "—", "success": SUCCESS, "failure": "Not settled"}


def test_a_mediation_recorded_as_succeeded_resolves_the_case(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    response = client_for(cast.worker_a).post(
        f"/m/cases/{case.pk}/act/",
        {"action": "mediate", "outcome": "success", "text": "双方同意各让一步"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.RESOLVED
