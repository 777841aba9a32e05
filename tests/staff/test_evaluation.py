"""The yearly two-way evaluation (双向评价, seed 002): who may evaluate whom; a grid worker's
result is the village's to see and decide on; an instructor's goes to the town, which forwards
it, and the county decides; each decision is recorded once, with who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from staff import actions
from staff.models import EvaluationResult
from staff.queries.evaluation import pairings, results_at
from tests.conftest import page_text
from tests.factories import UserFactory, grant

NOW = timezone.make_aware(dt.datetime(2026, 12, 10, 10))


@pytest.fixture(autouse=True)
def _english():
    """The refusals below are matched by their English words."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def people(cast, tree):
    instructor = UserFactory(username="instructor_a", first_name="周指导")
    grant(instructor, tree.grid_a, "instructor")
    commander = UserFactory(username="commander_1", first_name="村指挥员")
    grant(commander, tree.village1, "commander")
    county_staff = UserFactory(username="county_center", first_name="县委组织部")
    grant(county_staff, tree.county, "center_staff")
    return instructor, commander, county_staff


def _give(actor, side, subject, grade="excellent", comment=""):
    return actions.evaluation_give(
        actor=actor, side=side, subject_id=subject.pk, grade=grade, comment=comment, now=NOW
    )


def test_an_instructor_evaluates_the_workers_of_their_grid_only(cast, tree, people):
    instructor, _commander, _county = people
    paired = {(p.side, p.subject.pk) for p in pairings(instructor)}
    assert paired == {("instructor", cast.worker_a.pk)}
    evaluation = _give(instructor, "instructor", cast.worker_a, comment="工作扎实")
    assert evaluation.result.village == tree.village1
    assert evaluation.result.role == "grid_worker"
    with pytest.raises(PermissionDenied):
        _give(instructor, "instructor", cast.worker_b)
    with pytest.raises(Exception, match="already evaluated"):
        _give(instructor, "instructor", cast.worker_a)


def test_a_worker_and_the_village_evaluate_their_instructor(cast, tree, people):
    instructor, commander, _county = people
    _give(cast.worker_a, "worker", instructor, grade="competent")
    _give(cast.village_chief, "village", instructor)
    _give(commander, "village", instructor)
    result = EvaluationResult.objects.get(subject=instructor)
    assert result.evaluations.count() == 3 and result.role == "instructor"
    with pytest.raises(PermissionDenied):  # worker_b's grid has no instructor
        _give(cast.worker_b, "worker", instructor)
    with pytest.raises(PermissionDenied):  # a worker is not "the village"
        _give(cast.worker_a, "village", instructor)
    with pytest.raises(PermissionDenied):  # the town does not evaluate here
        _give(cast.staff_town1, "village", instructor)


def test_a_low_grade_needs_a_reason(cast, people):
    instructor, _commander, _county = people
    with pytest.raises(Exception, match="Say why"):
        _give(instructor, "instructor", cast.worker_a, grade="incompetent")


def test_a_workers_result_is_decided_by_the_village(cast, tree, people):
    instructor, commander, county = people
    result = _give(
        instructor, "instructor", cast.worker_a, grade="basic", comment="走访不够"
    ).result
    with pytest.raises(PermissionDenied):
        actions.evaluation_decide(actor=cast.staff_town1, result_id=result.pk, decision="keep")
    with pytest.raises(Exception, match="Say why"):
        actions.evaluation_decide(actor=commander, result_id=result.pk, decision="adjust")
    decided = actions.evaluation_decide(
        actor=commander, result_id=result.pk, decision="adjust", note="调整到第二网格", now=NOW
    )
    assert (decided.decision, decided.decided_by, decided.decided_at) == ("adjust", commander, NOW)
    with pytest.raises(Exception, match="already recorded"):
        actions.evaluation_decide(actor=cast.village_chief, result_id=result.pk, decision="keep")
    with pytest.raises(Exception, match="already with the level"):
        _give(instructor, "instructor", cast.worker_a)


def test_an_instructors_result_goes_to_the_town_then_the_county_decides(cast, tree, people):
    instructor, commander, county = people
    result = _give(commander, "village", instructor).result
    with pytest.raises(PermissionDenied):  # the village gave it; it does not see the result
        actions.evaluation_forward(actor=commander, result_id=result.pk)
    with pytest.raises(Exception, match="not forwarded"):
        actions.evaluation_decide(actor=county, result_id=result.pk, decision="keep")
    with pytest.raises(Http404):  # staff of the other town: outside
        actions.evaluation_forward(actor=cast.staff_town2, result_id=result.pk)
    actions.evaluation_forward(actor=cast.staff_town1, result_id=result.pk, now=NOW)
    with pytest.raises(PermissionDenied):  # the town forwards; the county decides
        actions.evaluation_decide(actor=cast.staff_town1, result_id=result.pk, decision="keep")
    decided = actions.evaluation_decide(actor=county, result_id=result.pk, decision="keep", now=NOW)
    assert decided.decision == "keep" and decided.forwarded_by == cast.staff_town1


def test_results_are_seen_at_the_right_level_only(cast, tree, people):
    instructor, commander, county = people
    _give(instructor, "instructor", cast.worker_a)
    _give(commander, "village", instructor)
    village = results_at(commander, tree.village1, 2026)
    assert [v.result.subject for v in village["grid_worker"]] == [cast.worker_a]
    assert "instructor" not in village  # the village's instructors' results are not its own
    town = results_at(cast.staff_town1, tree.town1, 2026)
    assert [v.result.subject for v in town["instructor"]] == [instructor]
    assert results_at(cast.staff_town2, tree.town2, 2026) == {"grid_worker": [], "instructor": []}


def test_the_desk_page_shows_each_level_its_results_and_404s_outside(client, cast, tree, people):
    instructor, commander, county = people
    worker_result = _give(instructor, "instructor", cast.worker_a, comment="工作扎实").result
    instructor_result = _give(commander, "village", instructor, comment="指导到位").result
    client.force_login(commander)
    url = reverse("evaluation_node", args=[tree.village1.pk]) + "?year=2026"
    page = client.get(url).content.decode()
    # The village sees its workers' results; of the instructor's, only what it gave itself.
    assert f'id="result-{worker_result.pk}"' in page and "工作扎实" in page
    assert f'id="result-{instructor_result.pk}"' not in page
    client.force_login(cast.staff_town1)
    page = client.get(reverse("evaluation_node", args=[tree.town1.pk]) + "?year=2026")
    text = page_text(page)
    assert "工作扎实" in text and "指导到位" in text
    assert f'id="result-{instructor_result.pk}"' in page.content.decode()
    client.force_login(cast.staff_town2)
    assert client.get(reverse("evaluation_node", args=[tree.village1.pk])).status_code == 404
    client.force_login(commander)
    assert client.get(reverse("evaluation_node", args=[tree.village2.pk])).status_code == 404


def test_the_decision_is_recorded_from_the_desk(client, cast, tree, people):
    instructor, commander, county = people
    result = _give(instructor, "instructor", cast.worker_a).result
    client.force_login(commander)
    url = reverse("evaluation_node", args=[tree.village1.pk])
    bad = client.post(url, {"do": "decide", "result": result.pk, "decision": "nonsense"})
    assert bad.status_code == 400
    done = client.post(url, {"do": "decide", "result": "x", "decision": "keep"})
    assert done.status_code == 404
    ok = client.post(url, {"do": "decide", "result": result.pk, "decision": "keep"})
    assert ok.status_code == 302
    result.refresh_from_db()
    assert result.decision == "keep" and result.decided_by == commander


def test_a_worker_evaluates_their_instructor_on_the_phone(client, cast, tree, people):
    instructor, _commander, _county = people
    client.force_login(cast.worker_a)
    page = client.get(reverse("evaluation_mine"))
    assert "周指导" in page_text(page)
    sent = client.post(
        reverse("evaluation_mine"),
        {"do": "give", "side": "worker", "subject": instructor.pk, "grade": "excellent"},
    )
    assert sent.status_code == 302
    assert EvaluationResult.objects.get(subject=instructor).evaluations.count() == 1
    forged = client.post(
        reverse("evaluation_mine"),
        {"do": "give", "side": "worker", "subject": cast.worker_b.pk, "grade": "excellent"},
    )
    assert forged.status_code == 403
