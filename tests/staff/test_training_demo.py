"""Training in the demo (staff.demo): a plan per role, two sessions with their attendance (王刚
signed in by the code, another worker marked by hand, 周道远 at the county's), 王刚's 法律明白人
certificate, 周道远's evaluation of him; a second load adds nothing."""

import pytest
from django.urls import reverse

from gridgov import demo
from staff.models import Attendance, Certificate, Evaluation, TrainingPlan, TrainingSession
from tests.conftest import demo_kept, page_text

MODELS = (TrainingPlan, TrainingSession, Attendance, Certificate, Evaluation)


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with demo_kept(django_db_blocker):
        first = demo.load_case_data()
        yield first, _counts()


def test_the_demo_has_plans_sessions_attendance_and_a_certificate(_loaded_once, db, client):
    first, _counts_after = _loaded_once
    assert first["training_plans"] == 3 and first["training_sessions"] == 2
    assert set(TrainingPlan.objects.values_list("role", flat=True)) == {"instructor", "grid_worker"}
    assert set(Attendance.objects.values_list("how", flat=True)) == {"qr", "hand"}
    wanggang = Attendance.objects.get(how="qr").user
    assert wanggang.username == "wanggang"
    assert Certificate.objects.get().user == wanggang
    assert Evaluation.objects.get().result.subject == wanggang
    client.force_login(wanggang)
    text = page_text(client.get(reverse("training_mine")))
    assert "网格员政策法规与矛盾纠纷排查化解" in text


def test_loading_the_demo_twice_adds_no_training_data(_loaded_once, db):
    _first, after_first = _loaded_once
    second = demo.load_case_data()
    assert _counts() == after_first
    assert (second["training_plans"], second["training_sessions"]) == (0, 0)
