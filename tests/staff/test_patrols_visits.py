"""Patrols, household visits, the phone's "today" list and the daily flags."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from cases.models import Attachment, Case
from cases.queries import dashboard as figures
from gridgov.models import OutboxMessage
from grids.models import Household, Resident
from staff import actions, rhythms
from staff.models import Patrol, Visit
from tests.cases.test_mobile_report import gps_exif, jpeg
from tests.conftest import page_text
from tests.factories import UserFactory, grant, make_node

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def household(node, category="general", due=None, name="张三", tags=None):
    h = Household.objects.create(
        node=node, address=f"{name}家 1号", head_name=name, category=category, next_visit_due=due
    )
    if tags:
        Resident.objects.create(household=h, name=name, tags=tags)
    return h


def visit_post(client, h, **fields):
    data = {"date": TODAY.isoformat(), "how": "home", "findings": "一切正常", "needs": ""}
    data.update(fields)
    return client.post(f"/m/visits/{h.pk}/new/", data)


# ---------------------------------------------------------------- patrols


def test_a_worker_starts_todays_patrol_with_the_phones_location(client, cast, tree):
    client.force_login(cast.worker_a)
    assert client.get("/m/patrol/").status_code == 200
    response = client.post(
        "/m/patrol/", {"do": "start", "node": tree.grid_a.pk, "lat": "33.15", "lng": "107.33"}
    )
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert (patrol.user, patrol.node, patrol.date) == (cast.worker_a, tree.grid_a, TODAY)
    assert str(patrol.start_latitude) == "33.150000"
    assert f"/m/report/?patrol={patrol.pk}" in client.get("/m/patrol/").content.decode()


def test_without_location_the_patrol_starts_all_the_same_and_only_once_a_day(client, cast, tree):
    client.force_login(cast.worker_a)
    for _ in range(2):
        client.post("/m/patrol/", {"do": "start", "node": tree.grid_a.pk, "lat": "", "lng": "x"})
    patrol = Patrol.objects.get()
    assert patrol.start_latitude is None


def test_finishing_a_patrol_keeps_the_notes(client, cast, tree):
    client.force_login(cast.worker_a)
    patrol = actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    response = client.post("/m/patrol/", {"do": "finish", "patrol": patrol.pk, "notes": "无异常"})
    assert response.status_code == 302
    patrol.refresh_from_db()
    assert patrol.finished_at is not None and patrol.notes == "无异常"
    assert not Case.objects.exists()


def finish_as_case(client, patrol, **fields):
    data = {"do": "finish", "patrol": patrol.pk, "notes": "村道巡查", "finding": "路灯损坏三盏"}
    return client.post("/m/patrol/", {**data, "is_case": "1", **fields})


def test_a_finding_ticked_as_a_case_becomes_a_patrol_case_in_one_step(
    client, cast, tree, units, media
):
    client.force_login(cast.worker_a)
    patrol = actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    response = finish_as_case(
        client, patrol, category=units.neighbours.pk, photos=[jpeg(exif=gps_exif())]
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/m/cases/{case.pk}/"
    assert (case.source, case.node, case.reporter) == ("patrol", tree.grid_a, cast.worker_a)
    # Reported as the report form reports: its category, a title from it, the photo re-encoded.
    assert case.category == units.neighbours and case.title == "邻里纠纷：路灯损坏三盏"
    (photo,) = Attachment.objects.filter(case=case, is_photo=True)
    with Image.open(photo.file) as image:
        assert image.format == "JPEG" and not image.getexif()
    patrol.refresh_from_db()
    assert patrol.finished_at is not None and patrol.notes == "村道巡查\n路灯损坏三盏"


def test_the_patrol_under_way_asks_for_a_category_grouped_and_photos(client, cast, tree, units):
    client.force_login(cast.worker_a)
    actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    html = client.get("/m/patrol/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    for category in (units.land, units.hardship):  # each in its group, as on the report form
        inside = rf'<optgroup label="[^"]+">(?:(?!</optgroup>).)*<option value="{category.pk}">'
        assert re.search(inside, html, flags=re.S), category.name
    assert '<input type="file" name="photos" accept="image/*" multiple>' in html


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"finding": ""}, "finding"),
        ({"category": ""}, "category"),
        ({"category": "999999"}, "category"),
        ({"photos": "bad"}, "photos"),
    ],
)
def test_a_patrol_case_missing_its_finding_or_category_or_with_a_bad_photo_saves_nothing(
    client, cast, tree, units, media, fields, field
):
    client.force_login(cast.worker_a)
    patrol = actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    data = {"category": units.neighbours.pk, **fields}
    if data.get("photos") == "bad":
        data["photos"] = [SimpleUploadedFile("scene.jpg", b"not a photo", "image/jpeg")]
    response = finish_as_case(client, patrol, **data)
    assert response.status_code == 400
    assert response.context["errors"].get(field), response.context["errors"]
    html = response.content.decode()
    assert 'class="errorlist"' in html and "村道巡查" in html  # the notes come back to the form
    patrol.refresh_from_db()
    assert patrol.finished_at is None and not Case.objects.exists()


def test_photos_without_a_case_are_refused_rather_than_dropped(client, cast, tree, media):
    client.force_login(cast.worker_a)
    patrol = actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    response = client.post(
        "/m/patrol/", {"do": "finish", "patrol": patrol.pk, "notes": "无异常", "photos": [jpeg()]}
    )
    assert response.status_code == 400 and response.context["errors"]["photos"]
    patrol.refresh_from_db()
    assert patrol.finished_at is None


def test_another_grids_patrols_are_out_of_reach(client, cast, tree):
    client.force_login(cast.worker_a)
    assert client.post("/m/patrol/", {"do": "start", "node": tree.grid_b.pk}).status_code == 404
    theirs = actions.patrol_start(actor=cast.worker_b, node_id=tree.grid_b.pk)
    response = client.post("/m/patrol/", {"do": "finish", "patrol": theirs.pk, "notes": "x"})
    assert response.status_code == 404
    assert client.post("/m/patrol/", {"do": "finish", "patrol": "abc"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.finished_at is None
    assert "梁家庵村第二网格" not in page_text(client.get("/m/patrol/"))


def test_an_informant_may_not_record_a_patrol(client, cast, tree):
    client.force_login(cast.informant_a)
    assert client.post("/m/patrol/", {"do": "start", "node": tree.grid_a.pk}).status_code == 403
    assert not Patrol.objects.exists()


# ---------------------------------------------------------------- visits


def test_the_due_list_is_the_workers_own_households_most_overdue_first(client, cast, tree):
    later = household(tree.grid_a, "key", TODAY - dt.timedelta(days=1), name="晚")
    first = household(tree.micro_a1, "monitored", TODAY - dt.timedelta(days=9), name="早")
    household(tree.grid_a, "key", TODAY + dt.timedelta(days=3), name="未到期")
    household(tree.grid_b, "key", TODAY - dt.timedelta(days=20), name="别的网格")
    client.force_login(cast.worker_a)
    text = page_text(client.get("/m/visits/"))
    assert text.index(first.head_name) < text.index(later.head_name)
    assert "未到期" not in text and "别的网格" not in text


@pytest.mark.parametrize(
    "category, tags, interval",
    [
        ("key", None, dt.timedelta(days=7)),
        ("monitored", None, "month"),
        ("general", ["elderly_alone"], "month"),
        ("general", ["party_member"], None),
    ],
)
def test_a_visit_moves_the_next_visit_by_the_households_interval(
    client, cast, tree, category, tags, interval
):
    h = household(tree.grid_a, category, TODAY - dt.timedelta(days=2), tags=tags)
    client.force_login(cast.worker_a)
    day = dt.date(2026, 1, 31)
    assert visit_post(client, h, date=day.isoformat()).status_code == 302
    h.refresh_from_db()
    expected = {
        None: None,
        "month": dt.date(2026, 2, 28),  # 31 January + one month: the month's last day
        dt.timedelta(days=7): day + dt.timedelta(days=7),
    }[interval]
    assert h.next_visit_due == expected
    visit = Visit.objects.get()
    assert (visit.household, visit.user, visit.how, visit.due) == (
        h,
        cast.worker_a,
        "home",
        TODAY - dt.timedelta(days=2),
    )


def test_the_same_submission_twice_makes_one_visit(client, cast, tree):
    h = household(tree.grid_a, "key", TODAY)
    client.force_login(cast.worker_a)
    form = client.get(f"/m/visits/{h.pk}/new/").content.decode()
    token = form.split('name="submission_id" value="')[1].split('"')[0]
    assert len(token) == 32
    for _ in range(2):
        assert visit_post(client, h, submission_id=token).status_code == 302
    assert Visit.objects.count() == 1
    h.refresh_from_db()
    assert h.next_visit_due == TODAY + dt.timedelta(days=7)  # moved once, not twice


def test_needs_action_makes_a_case_with_the_visit(client, cast, tree):
    h = household(tree.grid_a, "key", TODAY)
    client.force_login(cast.worker_a)
    response = visit_post(client, h, needs="屋顶漏雨需维修", needs_action="1")
    case = Case.objects.get()
    assert response.url == f"/m/cases/{case.pk}/"
    assert Visit.objects.get().case == case and "屋顶漏雨" in case.description
    assert case.source == "visit"  # found on a household visit, not on a patrol


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"how": ""}, "how"),
        ({"date": ""}, "date"),
        ({"date": "2026-13-45"}, "date"),
        ({"date": (TODAY + dt.timedelta(days=1)).isoformat()}, "future"),
        ({"needs_action": "1", "findings": "", "needs": ""}, "needs"),
    ],
)
def test_bad_visit_input_is_refused_with_a_clear_error_and_nothing_saved(
    client, cast, tree, fields, field
):
    h = household(tree.grid_a, "key", TODAY)
    client.force_login(cast.worker_a)
    response = visit_post(client, h, **fields)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not Visit.objects.exists() and not Case.objects.exists()
    h.refresh_from_db()
    assert h.next_visit_due == TODAY


def test_another_grids_household_is_404(client, cast, tree):
    h = household(tree.grid_b, "key", TODAY)
    client.force_login(cast.worker_a)
    assert client.get(f"/m/visits/{h.pk}/new/").status_code == 404
    assert visit_post(client, h).status_code == 404
    assert client.get("/m/visits/999999/new/").status_code == 404
    assert not Visit.objects.exists()


def test_an_informant_may_not_record_a_visit(client, cast, tree):
    h = household(tree.grid_a, "key", TODAY)
    client.force_login(cast.informant_a)
    assert visit_post(client, h).status_code == 403


# ---------------------------------------------------------------- today's list on /m/


def test_the_phone_home_shows_todays_patrol_and_the_households_due(client, cast, tree):
    household(tree.grid_a, "key", TODAY - dt.timedelta(days=3), name="周大爷")
    client.force_login(cast.worker_a)
    text = page_text(client.get("/m/"))
    assert "梁家庵村第一网格" in text and "周大爷" in text
    actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    assert "/m/patrol/" in client.get("/m/").content.decode()


def test_the_phone_homes_query_count_is_pinned(client, cast, tree, django_assert_num_queries):
    client.force_login(cast.worker_a)

    def grow(n):
        for i in range(n):
            household(tree.grid_a, "key", TODAY - dt.timedelta(days=i + 1), name=f"户{i}")

    grow(4)
    # session, user, grants, posts (2), open cases, notices bell, + the patrol grids with
    # today's patrol (one query), the first households due with their count (one query) and
    # the grid worker's open errands and their links to villages (a query each)
    with django_assert_num_queries(11):
        assert client.get("/m/").status_code == 200
    grow(40)
    actions.patrol_start(actor=cast.worker_a, node_id=tree.grid_a.pk)
    with django_assert_num_queries(11):
        response = client.get("/m/")
    assert "44" in page_text(response)  # the count, with only the first few listed


# ---------------------------------------------------------------- daily flags


def test_daily_flags_run_twice_give_one_notice_each(cast, tree):
    overdue = household(tree.grid_a, "key", TODAY - dt.timedelta(days=1))
    household(tree.grid_a, "key", TODAY + dt.timedelta(days=2))  # not yet due
    tomorrow = timezone.now() + dt.timedelta(days=1)  # so "yesterday" is today
    actions.patrol_start(actor=cast.worker_b, node_id=tree.grid_b.pk)
    first = rhythms.daily_flags(tomorrow)
    again = rhythms.daily_flags(tomorrow)
    keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert keys == {
        f"missed_patrol:{cast.worker_a.pk}:{tree.grid_a.pk}:{TODAY.isoformat()}",
        f"visit_overdue:{overdue.pk}:{overdue.next_visit_due.isoformat()}",
    }
    assert (first.missed_patrols, first.overdue_visits) == (1, 1)
    assert (again.missed_patrols, again.overdue_visits) == (0, 0)
    call_command("flag_daily", now=tomorrow.isoformat())
    assert OutboxMessage.objects.count() == 2


def test_daily_flags_query_count_does_not_grow_with_grids_or_households(
    cast, tree, django_assert_num_queries
):
    tomorrow = timezone.now() + dt.timedelta(days=1)

    def grow(n):
        start = Household.objects.count()
        for i in range(start, start + n):
            grid = make_node(tree.village1, "grid", f"扩展网格{i}", code=f"610722107201{100 + i}")
            grant(UserFactory(), grid, "grid_worker")
            household(grid, "key", TODAY - dt.timedelta(days=i % 3), name=f"户{i}")

    grow(2)
    # a savepoint, one INSERT … SELECT per flag, the training plans (none here: no statement
    # for them), the savepoint's release
    with django_assert_num_queries(5):
        first = rhythms.daily_flags(tomorrow)
    OutboxMessage.objects.all().delete()
    grow(30)
    with django_assert_num_queries(5):
        second = rhythms.daily_flags(tomorrow)
    assert (first.missed_patrols, first.overdue_visits) == (4, 2)  # grids A and B too
    assert (second.missed_patrols, second.overdue_visits) == (34, 32)


def test_daily_flags_a_second_run_adds_nothing_and_keeps_the_first_notices(cast, tree):
    household(tree.grid_a, "key", TODAY - dt.timedelta(days=3))
    household(tree.micro_a1, "monitored", TODAY - dt.timedelta(days=1), name="李四")
    actions.patrol_start(actor=cast.worker_b, node_id=tree.grid_b.pk)
    morning = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(7)))
    first = rhythms.daily_flags(morning)
    queued = list(OutboxMessage.objects.order_by("pk").values())
    again = rhythms.daily_flags(morning + dt.timedelta(hours=9))  # a retried task, same day
    assert first.as_dict() == {"missed_patrols": 1, "overdue_visits": 2, "training_overdue": 0}
    assert again.as_dict() == {"missed_patrols": 0, "overdue_visits": 0, "training_overdue": 0}
    assert list(OutboxMessage.objects.order_by("pk").values()) == queued
    patrol, *visits = queued
    assert (patrol["kind"], patrol["payload"]) == (
        "missed_patrol",
        {"user": cast.worker_a.pk, "node": tree.grid_a.pk, "date": TODAY.isoformat()},
    )
    assert [(m["kind"], m["payload"]["node"]) for m in visits] == [
        ("visit_overdue", tree.grid_a.pk),
        ("visit_overdue", tree.micro_a1.pk),
    ]


# ---------------------------------------------------------------- desk dashboard compliance


def test_the_dashboard_compliance_figures_for_a_hand_made_month(cast, tree):
    november = figures.Period("month", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    today = dt.date(2026, 11, 10)  # ten days of the period so far

    def patrol(user, node, day, finished=True):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        Patrol.objects.create(
            user=user, node=node, date=day, started_at=at, finished_at=at if finished else None
        )

    patrol(cast.worker_a, tree.grid_a, dt.date(2026, 11, 1))
    patrol(cast.worker_a, tree.grid_a, dt.date(2026, 11, 2))
    patrol(cast.village_chief, tree.micro_a1, dt.date(2026, 11, 2))  # same day: counts once
    patrol(cast.worker_a, tree.grid_a, dt.date(2026, 11, 5))
    patrol(cast.worker_a, tree.grid_a, dt.date(2026, 11, 6), finished=False)  # not finished
    patrol(cast.worker_a, tree.grid_a, dt.date(2026, 10, 31))  # before the period

    def visited(h, due, day):
        Visit.objects.create(household=h, user=cast.worker_a, date=day, how="home", due=due)

    d = dt.date
    visited(household(tree.grid_a, "key", name="甲"), d(2026, 11, 3), d(2026, 11, 2))  # on time
    visited(household(tree.micro_a1, "key", name="乙"), d(2026, 11, 4), d(2026, 11, 6))  # late
    household(tree.grid_a, "key", d(2026, 11, 8), name="丙")  # passed, not visited
    household(tree.grid_a, "key", d(2026, 11, 12), name="丁")  # not due yet
    visited(household(tree.grid_a, "key", name="戊"), d(2026, 10, 25), d(2026, 10, 25))  # October
    visited(household(tree.grid_a, "key", name="己"), None, d(2026, 11, 3))  # first visit

    ranking = {s.node.pk: s for s in figures.grid_ranking(tree.town1, november, today)}
    a, b = ranking[tree.grid_a.pk], ranking[tree.grid_b.pk]
    assert (a.patrol_days, a.patrol_days_total, a.patrol_rate) == (3, 10, 0.3)
    assert (a.visits_on_time, a.visits_due, a.visit_rate) == (1, 3, 0.3333)
    assert (b.patrol_rate, b.visit_rate) == (0.0, None)
    future = figures.Period("month", dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert figures.grid_ranking(tree.town1, future, today)[0].patrol_rate is None
