"""Training on the pages: signing in by a session's QR code on the phone (once; a forged or
expired code refused, never a server error; someone from elsewhere 404), the desk's place page
(who is overdue, a new session, a certificate), the session's attendance list (by hand, and a
fixed number of queries however many attended), and scope (404 outside)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staff.actions.training import signin_code
from staff.models import Assignment, Attendance, Certificate, TrainingPlan, TrainingSession
from tests.conftest import page_text
from tests.factories import UserFactory, grant


def _session(node, starts=None, topic="法律明白人培训") -> TrainingSession:
    starts = starts or timezone.now() - dt.timedelta(minutes=10)
    return TrainingSession.objects.create(
        node=node,
        topic=topic,
        trainer="李律师",
        starts=starts,
        ends=starts + dt.timedelta(hours=2),
        place="村委会会议室",
        created_at=starts,
    )


def _signin(session) -> str:
    return reverse("training_signin", args=[signin_code(session)])


@pytest.fixture
def commander(tree):
    person = UserFactory(username="commander_1", first_name="村指挥员")
    grant(person, tree.village1, "commander")
    return person


def test_a_worker_signs_in_by_the_sessions_code_once(client, cast, tree):
    session = _session(tree.village1)
    client.force_login(cast.worker_a)
    page = client.get(_signin(session))
    assert page.status_code == 200 and "法律明白人培训" in page_text(page)
    assert client.post(_signin(session)).status_code == 302
    again = client.post(_signin(session))
    assert again.status_code == 400
    assert Attendance.objects.filter(session=session, user=cast.worker_a).count() == 1
    assert "法律明白人培训" in page_text(client.get(reverse("training_mine")))


def test_a_forged_or_expired_code_is_refused_without_a_server_error(client, cast, tree):
    session = _session(tree.village1)
    client.force_login(cast.worker_a)
    code = signin_code(session)
    for forged in (code[:-3] + "abc", "x", "a:b:c", code.replace(":", "", 1), "0" * 200):
        url = reverse("training_signin", args=[forged])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    old = _session(tree.village1, starts=timezone.now() - dt.timedelta(days=2), topic="旧培训")
    assert client.get(_signin(old)).status_code == 400
    assert client.post(_signin(old)).status_code == 400
    assert not Attendance.objects.exists()


def test_someone_serving_elsewhere_cannot_open_the_sign_in(client, cast, tree):
    session = _session(tree.grid_a)
    client.force_login(cast.worker_b)  # the neighbouring grid
    assert client.get(_signin(session)).status_code == 404
    assert client.post(_signin(session)).status_code == 404
    client.force_login(cast.staff_town2)
    assert client.get(_signin(session)).status_code == 404
    client.force_login(cast.staff_town1)  # sees it, but signs in nowhere on a phone
    assert client.post(_signin(session)).status_code == 403
    assert not Attendance.objects.exists()


def test_the_town_sees_who_is_overdue_and_the_other_town_does_not(client, cast, tree):
    TrainingPlan.objects.create(
        node=tree.town1, role="grid_worker", every_months=6, name="半年培训"
    )
    Assignment.objects.update(starts=dt.date(2020, 1, 1))
    client.force_login(cast.staff_town1)
    page = client.get(reverse("training_node", args=[tree.town1.pk]))
    assert page.status_code == 200
    text = page_text(page)
    assert "王刚" in text and "李娟" in text and "overdue" in page.content.decode()
    client.force_login(cast.staff_town2)
    assert client.get(reverse("training_node", args=[tree.town1.pk])).status_code == 404
    assert client.get(reverse("training_node", args=[tree.grid_a.pk])).status_code == 404


def test_a_village_sees_its_own_people_only(client, cast, tree, commander):
    session = _session(tree.town1, topic="全镇网格员培训")
    client.force_login(commander)
    assert client.get(reverse("training_node", args=[tree.village1.pk])).status_code == 200
    assert client.get(reverse("training_node", args=[tree.town1.pk])).status_code == 404
    assert client.get(reverse("training_node", args=[tree.village2.pk])).status_code == 404
    # The town's session is the town's page.
    assert client.get(reverse("training_session", args=[session.pk])).status_code == 404


def test_the_desk_records_a_session_and_refuses_bad_input(client, cast, tree, commander):
    client.force_login(commander)
    url = reverse("training_node", args=[tree.village1.pk])
    form = {
        "do": "session",
        "topic": "矛盾纠纷排查化解",
        "trainer": "镇司法所",
        "place": "村活动室",
        "day": "2026-12-20",
        "starts": "09:00",
        "ends": "11:30",
    }
    for bad in ({"day": "20-12-2026"}, {"starts": "9点"}, {"ends": "08:00"}, {"topic": " "}):
        assert client.post(url, {**form, **bad}).status_code == 400
    assert client.post(url, form).status_code == 302
    session = TrainingSession.objects.get()
    assert (session.node, session.created_by) == (tree.village1, commander)
    # A worker may not hold one (no desk); the other village's commander is outside.
    other = UserFactory(username="commander_2")
    grant(other, tree.village2, "commander")
    client.force_login(other)
    assert client.post(url, form).status_code == 404


def test_the_desk_records_a_certificate(client, cast, tree, commander):
    client.force_login(commander)
    url = reverse("training_node", args=[tree.village1.pk])
    form = {"do": "certificate", "user": cast.worker_a.pk, "kind": "legal", "issued": "2026-03-01"}
    assert client.post(url, {**form, "issued": "nope"}).status_code == 400
    assert client.post(url, {**form, "user": cast.staff_town2.pk}).status_code == 400
    assert client.post(url, {**form, "expires": "2029-02-28"}).status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.user == cast.worker_a and certificate.expires == dt.date(2029, 2, 28)
    assert "法律明白人" in page_text(client.get(url))


def test_attendance_is_marked_by_hand_and_taken_back(client, cast, tree, commander):
    session = _session(tree.village1)
    client.force_login(commander)
    url = reverse("training_session", args=[session.pk])
    assert client.post(url, {"do": "mark", "user": cast.worker_b.pk}).status_code == 302
    assert client.post(url, {"do": "mark", "user": cast.worker_b.pk}).status_code == 400
    assert client.post(url, {"do": "mark", "user": "abc"}).status_code == 400
    mark = Attendance.objects.get()
    assert (mark.user, mark.how, mark.marked_by) == (cast.worker_b, "hand", commander)
    assert "李娟" in page_text(client.get(url))
    assert client.post(url, {"do": "remove", "attendance": mark.pk}).status_code == 302
    assert not Attendance.objects.exists()


def _attendance_queries(client, session) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("training_session", args=[session.pk])).status_code == 200
    return len(queries)


def test_the_attendance_list_takes_the_same_queries_for_few_or_many(client, cast, tree):
    few, many = _session(tree.town1, topic="少"), _session(tree.town1, topic="多")
    people = []
    for i in range(12):
        person = UserFactory(username=f"trainee_{i}")
        grant(person, tree.grid_b if i % 2 else tree.grid_a, "grid_worker")
        people.append(person)
    for session, attendees in ((few, people[:2]), (many, people)):
        for person in attendees:
            Attendance.objects.create(
                session=session,
                user=person,
                how="qr",
                day=timezone.localdate(session.starts),
                created_at=session.starts,
            )
    client.force_login(cast.staff_town1)
    _attendance_queries(client, few)  # the session and the person's grants warm up alike
    assert _attendance_queries(client, few) == _attendance_queries(client, many)


def test_the_place_page_takes_the_same_queries_for_few_or_many(client, cast, tree):
    TrainingPlan.objects.create(
        node=tree.town1, role="grid_worker", every_months=6, name="半年培训"
    )
    client.force_login(cast.staff_town1)
    url = reverse("training_node", args=[tree.town1.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    before = count()
    for i in range(10):
        person = UserFactory(username=f"more_{i}")
        grant(person, tree.grid_b, "grid_worker")
        session = _session(tree.village1, topic=f"第{i}期")
        Attendance.objects.create(
            session=session,
            user=person,
            how="qr",
            day=timezone.localdate(),
            created_at=timezone.now(),
        )
        Certificate.objects.create(
            user=person, node=tree.grid_b, kind="legal", issued=dt.date(2026, 1, 1),
            created_at=timezone.now(),
        )  # fmt: skip
    assert count() == before
