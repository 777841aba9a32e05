"""The notices page names a case only to someone who may still see it."""

import datetime as dt

from django.utils import timezone

from gridgov import notify
from staff.models import Assignment
from tests.conftest import page_text
from tests.factories import T0, make_case


def _dispatched_to_worker_a(cast, tree, title="东头两户排水沟纠纷"):
    case = make_case(cast, tree.grid_a, "dispatched", title=title, now=T0)
    notify.deliver_pending(now=T0)
    return case


def _end_posts(user):
    today = timezone.localdate()
    Assignment.objects.filter(user=user).update(
        starts=today - dt.timedelta(days=30), ends=today - dt.timedelta(days=1)
    )


def test_a_person_whose_posts_ended_no_longer_sees_case_titles_in_old_notices(client, cast, tree):
    case = _dispatched_to_worker_a(cast, tree)
    client.force_login(cast.worker_a)
    assert case.title in page_text(client.get("/notices/"))
    _end_posts(cast.worker_a)
    client.cookies["django_language"] = "en"
    page = page_text(client.get("/notices/"))
    assert case.title not in page and case.number not in page
    assert "A notice about a case you no longer follow." in page


def test_someone_still_in_the_case_scope_keeps_seeing_its_title(client, cast, tree):
    case = _dispatched_to_worker_a(cast, tree)
    _end_posts(cast.worker_a)
    client.force_login(cast.staff_town1)
    assert case.title in page_text(client.get("/notices/"))


def test_notices_without_a_case_are_shown_as_they_are(client, cast, tree):
    from gridgov.models import Notice, OutboxMessage

    message = OutboxMessage.objects.create(kind="visit_overdue")
    Notice.objects.create(user=cast.worker_a, message=message, text="入户走访已逾期。")
    _end_posts(cast.worker_a)
    client.force_login(cast.worker_a)
    assert "入户走访已逾期。" in page_text(client.get("/notices/"))


def test_the_notices_page_reads_the_same_queries_for_five_times_the_notices(
    client, cast, tree, django_assert_num_queries
):
    for i in range(2):
        _dispatched_to_worker_a(cast, tree, title=f"纠纷{i}")
    client.force_login(cast.worker_a)
    client.get("/notices/")  # the session and the user are read; the count below is the page's
    with django_assert_num_queries(QUERIES):
        client.get("/notices/")
    for i in range(8):
        _dispatched_to_worker_a(cast, tree, title=f"更多纠纷{i}")
    with django_assert_num_queries(QUERIES):
        page = page_text(client.get("/notices/"))
    assert "更多纠纷7" in page


QUERIES = 5
