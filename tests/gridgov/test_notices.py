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

    message = OutboxMessage.objects.create(
        kind="visit_overdue", payload={"node": tree.grid_a.pk, "due": "2026-11-20"}
    )
    Notice.objects.create(user=cast.worker_a, message=message, text="stored text")
    _end_posts(cast.worker_a)
    client.force_login(cast.worker_a)
    assert f"{tree.grid_a.name}有一户应于2026-11-20走访" in page_text(client.get("/notices/"))


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


QUERIES = 6  # session, user, notices with their cases, node names, grants, bell


def _open_link(notice) -> str:
    return f'href="/notices/{notice.pk}/"'


def test_each_notice_links_to_its_case_and_opening_it_marks_it_read(client, cast, tree):
    from gridgov.models import Notice

    case = _dispatched_to_worker_a(cast, tree)
    notice = Notice.objects.get(user=cast.worker_a, case=case)
    client.force_login(cast.worker_a)
    assert _open_link(notice) in client.get("/notices/").content.decode()
    response = client.get(f"/notices/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/m/cases/{case.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_desk_staff_are_led_to_the_desk_case_page_within_the_desk_layout(client, cast, tree):
    from gridgov.models import Notice

    case = make_case(cast, tree.grid_a, "reported", now=T0)
    notify.deliver_pending(now=T0)
    notice = Notice.objects.get(user=cast.staff_town1, case=case)
    client.force_login(cast.staff_town1)
    page = client.get("/notices/").content.decode()
    assert 'class="side"' in page and 'href="/desk/verify/"' in page  # the side menu stays
    assert client.get(f"/notices/{notice.pk}/")["Location"] == f"/desk/cases/{case.pk}/"


def test_someone_elses_notice_is_404_and_stays_unread(client, cast, tree):
    from gridgov.models import Notice

    case = _dispatched_to_worker_a(cast, tree)
    notice = Notice.objects.get(user=cast.worker_a, case=case)
    client.force_login(cast.worker_b)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get("/notices/99999999/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_marks_only_the_persons_own_notices(client, cast, tree):
    from gridgov.models import Notice

    case = make_case(cast, tree.grid_a, "dispatched", now=T0)
    notify.deliver_pending(now=T0)
    client.force_login(cast.worker_a)
    client.cookies["django_language"] = "en"
    assert "Mark all as read" in page_text(client.get("/notices/"))
    client.post("/notices/")
    assert not Notice.objects.filter(user=cast.worker_a, read_at__isnull=True).exists()
    assert Notice.objects.filter(case=case, read_at__isnull=True).exclude(user=cast.worker_a)


def test_a_notice_is_written_in_the_readers_language_when_read(client, cast, tree):
    case = _dispatched_to_worker_a(cast, tree, title="水渠堵塞")
    client.force_login(cast.worker_a)
    chinese = page_text(client.get("/notices/"))
    assert f"事件 {case.number} 已派给您办理：水渠堵塞" in chinese
    client.cookies["django_language"] = "en"
    english = page_text(client.get("/notices/"))
    assert f"Case {case.number} is dispatched to you: 水渠堵塞" in english
    assert "已派给您" not in english


def test_an_escalation_notice_says_where_the_case_went_to_both_levels(cast, tree):
    from cases import actions
    from gridgov.models import Notice

    case = make_case(cast, tree.grid_a, "handling", now=T0)
    actions.case_escalate(actor=cast.worker_a, case_id=case.pk, reason="调解不成", now=T0)
    notify.deliver_pending(now=T0)
    notices = Notice.objects.filter(case=case, message__kind="case_escalated")
    told = {n.user.username for n in notices}
    assert {"worker_a", "village_chief"} <= told  # the level it left and the one it reached
    text = notify.text_for(notices[0].message)
    assert tree.grid_a.name in text and tree.village1.name in text


def test_a_household_visit_notice_leads_to_the_household(client, cast, tree):
    from gridgov import outbox
    from tests.factories import key_household

    household = key_household(tree.grid_a)

    outbox.enqueue(
        kind="visit_overdue",
        household=household.pk,
        node=household.node_id,
        due="2026-11-20",
    )
    notify.deliver_pending(now=T0)
    notice = cast.worker_a.notices.get()
    client.force_login(cast.worker_a)
    response = client.get(f"/notices/{notice.pk}/")
    assert response["Location"] == f"/m/ledger/{household.pk}/"


def test_a_finished_periods_report_is_announced_once_and_leads_to_the_reports(client, cast, tree):
    import datetime as dt

    from cases import actions

    week = dt.date(2026, 11, 16)
    for _run in range(2):  # rebuilt: still one notice
        actions.generate_report(node_id=tree.town1.pk, kind="weekly", period_start=week)
    notify.deliver_pending(now=T0)
    notice = cast.staff_town1.notices.get()
    assert notify.text_for(notice.message) == "沙河营镇的周报已生成。"
    client.force_login(cast.staff_town1)
    assert client.get(f"/notices/{notice.pk}/")["Location"] == "/desk/reports/"
    assert not cast.worker_a.notices.exists()  # a report is the desk's news


def test_a_report_of_a_period_still_running_is_not_announced(cast, tree):
    from django.utils import timezone

    from cases import actions

    actions.generate_report(node_id=tree.town1.pk, kind="weekly", period_start=timezone.localdate())
    notify.deliver_pending()
    assert not cast.staff_town1.notices.exists()
