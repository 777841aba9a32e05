"""What the system writes into the record (history notes, reasons, titles) is in the site's
language, whatever language the page that caused it was in: everyone reads the same record."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases import actions
from cases.actions import deadline_sweep
from cases.models import CaseEvent
from grids import actions as grid_actions
from grids.models import Household, RetiredCode
from staff import actions as staff_actions
from tests.factories import T0, make_node

pytestmark = pytest.mark.django_db


def zh(msgid: str, **values) -> str:
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % values if values else text


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def handling(cast, tree, report):
    """A yellow case of grid A, dispatched to and signed by its grid worker."""
    case = report()
    actions.case_accept(actor=cast.staff_town1, case_id=case.pk, color="yellow", now=T0)
    actions.case_dispatch(
        actor=cast.staff_town1, case_id=case.pk, handler_id=cast.worker_a.pk, now=T0
    )
    actions.case_sign(actor=cast.worker_a, case_id=case.pk, now=T0)
    case.refresh_from_db()
    return case


def test_a_mediation_that_settles_is_noted_in_chinese_from_an_english_page(cast, handling, english):
    actions.case_mediate(
        actor=cast.worker_a, case_id=handling.pk, outcome="success", agreement="两户各让一步"
    )
    event = CaseEvent.objects.get(case=handling, action="resolve")
    assert event.note == zh("Settled by mediation.") == "经调解化解。"


def test_the_escalation_after_failed_mediations_gives_its_reason_in_chinese(
    cast, tree, handling, english
):
    for _ in range(2):
        actions.case_mediate(
            actor=cast.worker_a, case_id=handling.pk, outcome="failure", agreement="未谈拢"
        )
    event = CaseEvent.objects.get(case=handling, action="escalate")
    assert event.note == zh("%(n)d failed mediations at %(level)s.", n=2, level=tree.grid_a.name)
    assert tree.grid_a.name in event.note and "failed" not in event.note


def test_settling_on_the_spot_names_the_worker_in_chinese(cast, tree, report, english):
    case = report()
    actions.case_settle_on_the_spot(
        actor=cast.worker_a, case_id=case.pk, owner_node_id=tree.grid_a.pk, result="当场说和"
    )
    note = zh("Settled on the spot (就地化解) by %(name)s.", name=cast.worker_a.first_name)
    assert "by" not in note
    for action in ("accept", "dispatch", "sign"):
        assert CaseEvent.objects.get(case=case, action=action).note == note


def test_the_sweep_notes_its_supervision_and_escalation_in_the_site_language(
    cast, handling, english
):
    deadline_sweep(now=handling.clear_by + dt.timedelta(hours=1))
    supervised = CaseEvent.objects.get(case=handling, action="supervise", automatic=True)
    assert supervised.note == zh("The deadline has passed.") != "overdue"
    deadline_sweep(now=handling.clear_by + dt.timedelta(days=1, hours=1))  # yellow: 1 day grace
    escalated = CaseEvent.objects.get(case=handling, action="escalate", automatic=True)
    assert escalated.note == zh("Still overdue at the end of the grace period.")


def test_a_visit_that_needs_action_titles_its_case_in_chinese(cast, tree, english):
    household = Household.objects.create(node=tree.grid_a, address="张三家 1号", head_name="张三")
    visit = staff_actions.visit_record(
        actor=cast.worker_a,
        household_id=household.pk,
        date=timezone.localdate(),
        how="home",
        needs="屋顶漏雨",
        needs_action=True,
    )
    assert visit.case.title == zh("Visit: %(household)s", household="张三") == "走访：张三"


def test_codes_retired_by_a_move_give_their_reason_in_the_site_language(tree, english):
    other = make_node(tree.town1, "village", "新村", code="610722107202")
    grid_actions.node_move(
        actor=None, node_id=tree.grid_a.pk, new_parent_id=other.pk, new_code="610722107202001"
    )
    retired = RetiredCode.objects.get(code="610722107201001")
    assert retired.reason == zh("Recoded when the place moved.")
