"""Volunteers: teams, their activities (sign-up, check-in, hours), and residents' help orders
through their table (群众点单、社区派单、志愿者接单): each step allowed and refused, who may take it
(a volunteer of the team, the one who took it), the sweep's supervision of orders left waiting,
a village's staff seeing only their village's orders, and the public pages showing nothing
personal."""

import datetime as dt
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cases.public import guards
from gridgov.errors import DomainError
from gridgov.models import OutboxMessage
from services import actions, orders
from services.models import (
    Activity,
    HelpOrder,
    HelpOrderEvent,
    OrderStatus,
    Volunteer,
)
from tests.conftest import page_text
from tests.factories import T0, UserFactory, grant

S = OrderStatus
LATER = T0 + dt.timedelta(hours=2)


def _order(cast, tree, status=S.PLACED, *, team=None, volunteer=None):
    order = actions.help_order_place(
        actor=cast.worker_a, kind="care_visit", node_id=tree.grid_a.pk,
        resident_name="孙奶奶", resident_phone="13600001234", description="独居，想有人陪着说说话",
        now=T0,
    )  # fmt: skip
    staff = cast.staff_town1
    if status == S.PLACED:
        return order
    if status == S.CANCELLED:
        actions.help_order_cancel(actor=staff, order_id=order.pk, reason="已由家属照料", now=T0)
        return order
    actions.help_order_dispatch(actor=staff, order_id=order.pk, team_id=team.care.pk, now=T0)
    if status == S.DISPATCHED:
        return order
    actions.help_order_take(actor=team.helper, order_id=order.pk, now=T0)
    if status == S.TAKEN:
        return order
    actions.help_order_finish(
        actor=team.helper, order_id=order.pk, note="陪老人聊天、打扫卫生", hours="2", now=T0
    )
    if status == S.DONE:
        return order
    actions.help_order_confirm(actor=None, order_id=order.pk, rating=5, now=T0)
    return order


# Who takes each action and with what, where the table allows it.
def _take(name, order, cast, team):
    who = {
        "dispatch": cast.staff_town1,
        "take": team.helper,
        "finish": team.helper,
        "hand_back": team.helper,
        "confirm": cast.worker_a,
        "cancel": cast.staff_town1,
    }[name]
    values = {
        "dispatch": {"team": team.care.pk},
        "finish": {"text": "陪同就医", "hours": "1.5"},
        "confirm": {"rating": 4},
        "cancel": {"text": "重复下单"},
        "hand_back": {"text": "临时外出，无法上门"},
    }.get(name, {})
    return actions.perform_on_order(name, actor=who, order_id=order.pk, values=values, now=LATER)


CASES = [(name, status) for name in orders.ACTIONS for status in S.values]


@pytest.mark.parametrize(("name", "status"), CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_each_order_action_is_taken_only_from_the_statuses_the_table_allows(
    cast, tree, team, name, status
):
    order = _order(cast, tree, status, team=team)
    before = HelpOrderEvent.objects.filter(order=order).count()
    action = orders.ACTIONS[name]
    if status not in action.sources:
        with pytest.raises(DomainError):
            _take(name, order, cast, team)
        order.refresh_from_db()
        assert order.status == status
        assert HelpOrderEvent.objects.filter(order=order).count() == before
        return
    _take(name, order, cast, team)
    order.refresh_from_db()
    assert order.status == action.target
    assert HelpOrderEvent.objects.filter(order=order).last().action == name


def test_only_a_volunteer_of_the_team_takes_it_and_only_the_taker_finishes(cast, tree, team):
    order = _order(cast, tree, S.DISPATCHED, team=team)
    with pytest.raises(PermissionDenied):  # a dispatcher is no volunteer
        actions.help_order_take(actor=cast.staff_town1, order_id=order.pk)
    from django.http import Http404

    with pytest.raises(Http404):  # another town's volunteer does not see it
        actions.help_order_take(actor=team.stranger, order_id=order.pk)
    actions.help_order_take(actor=team.leader, order_id=order.pk)
    with pytest.raises(PermissionDenied):  # the team's other volunteer did not take it
        actions.help_order_finish(actor=team.helper, order_id=order.pk, note="x", hours=1)
    with pytest.raises(DomainError):
        actions.help_order_finish(actor=team.leader, order_id=order.pk, note="陪护", hours="99")
    actions.help_order_finish(actor=team.leader, order_id=order.pk, note="陪护", hours="3")
    order.refresh_from_db()
    assert (order.status, order.volunteer.user, str(order.hours)) == (S.DONE, team.leader, "3.0")


def test_an_order_goes_to_a_team_serving_where_the_resident_lives(cast, tree, team):
    order = _order(cast, tree)
    with pytest.raises(DomainError):
        actions.help_order_dispatch(
            actor=cast.staff_town1, order_id=order.pk, team_id=team.other.pk
        )
    stranger = Volunteer.objects.get(user=team.stranger)
    with pytest.raises(DomainError):
        actions.help_order_dispatch(
            actor=cast.staff_town1, order_id=order.pk, team_id=team.care.pk,
            volunteer_id=stranger.pk,
        )  # fmt: skip


def test_orders_left_undispatched_or_untaken_are_supervised_once(cast, tree, team):
    waiting = _order(cast, tree)
    untaken = _order(cast, tree, S.DISPATCHED, team=team)
    late = T0 + dt.timedelta(days=3)
    assert actions.orders_sweep(now=late) == 2
    assert actions.orders_sweep(now=late) == 0
    assert set(
        HelpOrderEvent.objects.filter(action="overdue").values_list("order_id", flat=True)
    ) == {
        waiting.pk,
        untaken.pk,
    }
    assert OutboxMessage.objects.filter(kind="help_order_overdue").count() == 2
    # Dispatched now, it gets its own time to be taken, and a second notice if it runs out.
    actions.help_order_dispatch(
        actor=cast.staff_town1, order_id=waiting.pk, team_id=team.care.pk, now=late
    )
    assert actions.orders_sweep(now=late + dt.timedelta(days=3)) == 1
    assert OutboxMessage.objects.filter(kind="help_order_overdue").count() == 3


def test_a_volunteer_signs_up_and_the_leader_checks_in_the_hours(cast, tree, team):
    starts = T0 + dt.timedelta(days=1)
    activity = Activity.objects.create(
        team=team.care, title="重阳节敬老", place="梁家庵村活动室", starts=starts,
        ends=starts + dt.timedelta(hours=3), capacity=1,
    )  # fmt: skip
    signup = actions.activity_sign_up(actor=team.helper, activity_id=activity.pk, now=T0)
    with pytest.raises(DomainError):  # full
        actions.activity_sign_up(actor=team.leader, activity_id=activity.pk, now=T0)
    from django.http import Http404

    with pytest.raises(Http404):
        actions.activity_sign_up(actor=team.stranger, activity_id=activity.pk, now=T0)
    with pytest.raises(PermissionDenied):  # not the leader, not one who keeps teams
        actions.activity_check_in(actor=team.helper, signup_id=signup.pk, hours=3)
    actions.activity_check_in(actor=team.leader, signup_id=signup.pk, hours="2.5")
    signup.refresh_from_db()
    assert signup.checked_in_at is not None and str(signup.hours) == "2.5"


def test_the_figures_count_orders_and_hours_per_team(client, cast, tree, team):
    _order(cast, tree)
    _order(cast, tree, S.DISPATCHED, team=team)
    _order(cast, tree, S.CONFIRMED, team=team)
    client.force_login(cast.staff_town1)
    page = client.get(reverse("services_figures"), {"from": "2026-11-01", "to": "2026-11-30"})
    o = page.context["orders"]
    assert (o.placed, o.dispatched, o.taken, o.done) == (3, 2, 1, 1)
    assert [(t["name"], float(t["hours"])) for t in o.teams] == [("梁家庵村关爱志愿服务队", 2.0)]
    listed = client.get(reverse("help_orders"), {"team": team.care.pk}).context["page"]
    assert listed.paginator.count == 2
    html = page.content.decode()
    import re

    links = re.findall(r'href="(/desk/help/\?reached=[^"]+)"', html)
    counts = [
        client.get(link.replace("&amp;", "&")).context["page"].paginator.count for link in links
    ]
    assert counts == [o.dispatched, o.taken, o.done]


def test_a_villages_dispatcher_sees_only_the_villages_orders(client, cast, tree, team):
    inside = _order(cast, tree)
    far = actions.help_order_place(
        actor=None, kind="legal", node_id=tree.grid_c.pk, resident_name="李四", now=T0
    )
    commander = UserFactory(username="village_commander")
    grant(commander, tree.village1, "commander")
    client.force_login(commander)
    assert [o.pk for o in client.get(reverse("help_orders")).context["page"]] == [inside.pk]
    assert client.get(reverse("help_order", args=[far.pk])).status_code == 404
    assert (
        client.post(reverse("help_order_act", args=[far.pk]), {"action": "cancel"}).status_code
        == 404
    )


def test_the_desk_dispatches_and_the_volunteer_takes_and_finishes_on_the_phone(
    client, cast, tree, team
):
    order = _order(cast, tree)
    client.force_login(cast.staff_town1)
    response = client.post(
        reverse("help_order_act", args=[order.pk]), {"action": "dispatch", "team": team.care.pk}
    )
    assert response.status_code == 302
    client.force_login(team.helper)
    tasks = client.get(reverse("volunteer_tasks")).context
    assert [o.pk for o in tasks["waiting"]] == [order.pk]
    act = reverse("volunteer_task_act", args=[order.pk])
    assert client.post(act, {"action": "take"}).status_code == 302
    assert client.post(act, {"action": "finish", "text": "", "hours": "1"}).status_code == 400
    assert client.post(act, {"action": "finish", "text": "陪聊", "hours": "1"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.DONE


def _old_token() -> str:
    return guards.form_token(now=time.time() - 60)


def test_a_resident_orders_from_the_menu_and_confirms_by_the_code_seeing_nothing_personal(
    client, cast, tree, team
):
    url = reverse("public_help", kwargs={"code": tree.grid_a.code})
    text = page_text(client.get(url))
    assert "照料探访" in text and "法律咨询" not in text  # only what the teams here offer
    response = client.post(
        url,
        {
            "kind": "company",
            "resident_name": "孙奶奶",
            "resident_phone": "13600001234",
            "description": "想有人陪着说说话",
            "started": _old_token(),
        },
    )
    order = HelpOrder.objects.get()
    assert response["Location"] == reverse(
        "public_help_track", kwargs={"help_code": order.tracking_code}
    )
    actions.help_order_dispatch(actor=cast.staff_town1, order_id=order.pk, team_id=team.care.pk)
    actions.help_order_take(actor=team.helper, order_id=order.pk)
    actions.help_order_finish(actor=team.helper, order_id=order.pk, note="内部备注不公开", hours=1)
    page = page_text(client.get(response["Location"]))
    for private in ("孙奶奶", "13600001234", "张志愿", "内部备注不公开"):
        assert private not in page
    confirm = reverse("public_help_confirm", kwargs={"help_code": order.tracking_code})
    assert client.post(confirm, {"rating": "9"}).status_code == 400
    assert client.post(confirm, {"rating": "5"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.rating) == (S.CONFIRMED, 5)


def test_an_order_sent_too_fast_or_for_help_not_offered_saves_nothing(client, tree, team):
    url = reverse("public_help", kwargs={"code": tree.grid_a.code})
    base = {"resident_name": "孙奶奶", "resident_phone": "13600001234"}
    assert (
        client.post(url, {**base, "kind": "company", "started": guards.form_token()}).status_code
        == 400
    )
    assert client.post(url, {**base, "kind": "legal", "started": _old_token()}).status_code == 400
    assert not HelpOrder.objects.exists()


def test_a_grid_worker_places_an_order_for_a_resident_on_the_phone(client, cast, tree, team):
    client.force_login(cast.worker_a)
    response = client.post(
        reverse("help_order_new"),
        {"kind": "care_visit", "place": tree.grid_a.pk, "resident_name": "孙奶奶"},
    )
    assert response.status_code == 302
    assert HelpOrder.objects.get().placed_by == cast.worker_a


def test_the_order_and_volunteer_lists_take_the_same_queries_however_many(client, cast, tree, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q)

    _order(cast, tree, S.DISPATCHED, team=team)
    _order(cast, tree, S.TAKEN, team=team)
    urls = [(cast.staff_town1, reverse("help_orders")), (team.helper, reverse("volunteer_tasks"))]
    before = [counted(u, url) for u, url in urls]
    for _i in range(6):
        _order(cast, tree, S.DISPATCHED, team=team)
        _order(cast, tree, S.TAKEN, team=team)
    assert [counted(u, url) for u, url in urls] == before == [6, 8]


def test_the_taker_hands_an_order_back_with_a_reason_and_it_waits_to_be_dispatched_again(
    client, cast, tree, team
):
    order = _order(cast, tree, S.TAKEN, team=team)
    with pytest.raises(PermissionDenied):  # the team's leader did not take it
        actions.help_order_hand_back(actor=team.leader, order_id=order.pk, reason="换人")
    with pytest.raises(DomainError):
        actions.help_order_hand_back(actor=team.helper, order_id=order.pk, reason="  ")
    client.force_login(team.helper)
    page = page_text(client.get(reverse("volunteer_task", args=[order.pk])))
    assert "Hand it back" in page or "退单" in page
    act = reverse("volunteer_task_act", args=[order.pk])
    assert client.post(act, {"action": "hand_back", "text": "临时外出"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.team, order.volunteer, order.taken_at) == (
        S.PLACED,
        None,
        None,
        None,
    )
    assert order.dispatch_by > timezone.now() and order.overdue_since is None  # a new day to go
    history = list(
        HelpOrderEvent.objects.filter(order=order).values_list("action", "actor", "note")
    )
    assert history[-2:] == [("take", team.helper.pk, ""), ("hand_back", team.helper.pk, "临时外出")]
    # Dispatched again, to anyone of a serving team, it goes on as any order.
    actions.help_order_dispatch(actor=cast.staff_town1, order_id=order.pk, team_id=team.care.pk)
    actions.help_order_take(actor=team.leader, order_id=order.pk)
    order.refresh_from_db()
    assert (order.status, order.volunteer.user) == (S.TAKEN, team.leader)


def test_an_activitys_sign_ups_and_the_tracking_pages_take_the_same_queries_however_many(
    client, cast, tree, team, make_request
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    starts = T0 + dt.timedelta(days=400)  # still to come when the test runs
    activity = Activity.objects.create(
        team=team.care, title="义诊", place="村卫生室", starts=starts,
        ends=starts + dt.timedelta(hours=2), capacity=30,
    )  # fmt: skip
    actions.activity_sign_up(actor=team.helper, activity_id=activity.pk, now=T0)
    order = _order(cast, tree, S.DISPATCHED, team=team)
    request, longer = make_request("done"), make_request("incomplete")
    pages = [
        (team.leader, reverse("volunteer_activity", args=[activity.pk])),
        (None, reverse("public_help_track", kwargs={"help_code": order.tracking_code})),
        (None, reverse("public_service_track", kwargs={"request_code": request.tracking_code})),
    ]

    def counted():
        out = []
        for user, url in pages:
            client.logout()
            if user:
                client.force_login(user)
            with CaptureQueriesContext(connection) as q:
                assert client.get(url).status_code == 200
            out.append(len(q))
        return out

    before = counted()
    for i in range(8):
        member = UserFactory(username=f"care_{i}")
        grant(member, tree.village1, "volunteer")
        Volunteer.objects.create(user=member, team=team.care, joined=dt.date(2026, 1, 1))
        actions.activity_sign_up(actor=member, activity_id=activity.pk, now=T0)
    # More steps: the order handed back and dispatched again; a request done after a notice
    # and a second visit, against one done straight away.
    actions.help_order_take(actor=team.helper, order_id=order.pk, now=T0)
    actions.help_order_hand_back(actor=team.helper, order_id=order.pk, reason="外出", now=T0)
    actions.help_order_dispatch(actor=cast.staff_town1, order_id=order.pk, team_id=team.care.pk)
    staff = cast.staff_town1
    later = T0 + dt.timedelta(days=1)
    actions.service_request_complete(
        actor=staff, request_id=longer.pk, materials=[0, 1, 2], came="in_person", now=later
    )
    actions.service_request_hand(actor=staff, request_id=longer.pk, now=later)
    actions.service_request_done(actor=staff, request_id=longer.pk, result="已办", now=later)
    pages[2] = (
        None,
        reverse("public_service_track", kwargs={"request_code": longer.tracking_code}),
    )
    # the session, the user, the grants, the activity with its team, its sign-ups, the bell;
    # an order and its steps; a request and its steps
    assert counted() == before == [6, 2, 2]


def test_an_order_handed_back_and_late_again_is_told_to_the_dispatchers_again(cast, tree, team):
    order = actions.help_order_place(
        actor=cast.worker_a,
        kind="care_visit",
        node_id=tree.grid_a.pk,
        resident_name="孙奶奶",
        resident_phone="13600001234",
        now=T0,
    )
    late = T0 + dt.timedelta(days=5)
    assert actions.orders_sweep(now=late) == 1  # placed, not dispatched in time
    actions.help_order_dispatch(
        actor=cast.staff_town1, order_id=order.pk, team_id=team.care.pk, now=late
    )
    actions.help_order_take(actor=team.helper, order_id=order.pk, now=late)
    actions.help_order_hand_back(actor=team.helper, order_id=order.pk, reason="临时外出", now=late)
    later = late + dt.timedelta(days=5)
    assert actions.orders_sweep(now=later) == 1  # placed again, not dispatched again
    assert HelpOrderEvent.objects.filter(order=order, action="overdue").count() == 2
    assert OutboxMessage.objects.filter(kind="help_order_overdue").count() == 2
