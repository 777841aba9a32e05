"""Notices: the outbox is written with the change, delivered by a task, never lost."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from cases import actions
from gridgov import notify
from gridgov.models import Delivery, Notice, OutboxMessage, WebhookEndpoint
from tests.factories import T0, make_case


class Robot:
    """A local group-robot endpoint: records what it gets, answers with the given statuses."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.received.append(json.loads(self.rfile.read(length)))
                status = robot.statuses.pop(0) if robot.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    made = []

    def make(*statuses):
        r = Robot(statuses)
        made.append(r)
        # Allowed as the operator would allow a county's own gateway.
        settings.GRIDGOV_ROBOT_EXTRA_HOSTS = [f"http://127.0.0.1:{r.server.server_port}"]
        return r

    yield make
    for r in made:
        r.close()


def test_a_report_notifies_the_town_center_in_the_app(cast, report):
    case = report()
    assert OutboxMessage.objects.filter(case=case, sent_at__isnull=True).count() == 1
    notify.deliver_pending(now=T0)
    notice = Notice.objects.get(user=cast.staff_town1)
    assert case.number in notice.text and "新" in notice.text
    assert not Notice.objects.filter(user=cast.staff_town2).exists()
    assert OutboxMessage.objects.get(case=case).sent_at is not None
    notify.deliver_pending(now=T0)  # nothing twice
    assert Notice.objects.filter(user=cast.staff_town1).count() == 1


def test_dispatch_notifies_the_handler_and_email_goes_out(cast, tree):
    cast.worker_a.email = "wanggang@example.gov.cn"
    cast.worker_a.save()
    case = make_case(cast, tree.grid_a, "dispatched", now=T0)
    notify.deliver_pending(now=T0)
    assert Notice.objects.filter(user=cast.worker_a, text__contains=case.number).exists()
    assert [m.to for m in mail.outbox] == [["wanggang@example.gov.cn"]]


def test_the_bell_shows_the_unread_count_and_the_page_marks_read(client, cast, report):
    report()
    notify.deliver_pending(now=T0)
    client.force_login(cast.staff_town1)
    page = client.get("/desk/").content.decode()
    assert '<span class="count">1</span>' in page
    assert client.post("/notices/").status_code == 302
    assert '<span class="count">' not in client.get("/desk/").content.decode()


def test_webhook_gets_the_expected_json(cast, tree, report, robot):
    hook = robot()
    WebhookEndpoint.objects.create(
        town=tree.town1, name="沙河营镇综治群", url=hook.url, style="wecom"
    )
    case = report()
    notify.deliver_pending(now=T0)
    assert len(hook.received) == 1
    body = hook.received[0]
    assert body["msgtype"] == "markdown" and case.number in body["markdown"]["content"]
    assert Delivery.objects.get(channel="webhook").state == "sent"


def test_dingtalk_style_carries_a_title(cast, tree, report, robot):
    hook = robot()
    WebhookEndpoint.objects.create(town=tree.town1, name="钉钉群", url=hook.url, style="dingtalk")
    report()
    notify.deliver_pending(now=T0)
    assert set(hook.received[0]["markdown"]) == {"title", "text"}


def test_a_500_from_the_robot_is_retried_with_backoff(cast, tree, report, robot):
    hook = robot(500, 200)
    WebhookEndpoint.objects.create(town=tree.town1, name="群", url=hook.url)
    report()
    notify.deliver_pending(now=T0)
    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert "500" in delivery.last_error
    notify.deliver_pending(now=T0 + dt.timedelta(seconds=30))  # not yet: backing off
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1
    notify.deliver_pending(now=T0 + dt.timedelta(minutes=2))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert len(hook.received) == 2


def test_a_permanent_failure_is_recorded_and_reported_not_retried_forever(
    cast, tree, report, settings
):
    settings.GRIDGOV_ROBOT_EXTRA_HOSTS = ["http://127.0.0.1:9"]  # nothing listens there
    WebhookEndpoint.objects.create(
        town=tree.town1, name="坏掉的群", url="http://127.0.0.1:9/nowhere"
    )
    report()
    now = T0
    for _ in range(notify.MAX_ATTEMPTS + 3):
        notify.deliver_pending(now=now)
        now += dt.timedelta(hours=2)
    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.state, delivery.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert delivery.last_error == "refused"
    # The town's administrators hear of it in the app.
    assert Notice.objects.filter(user=cast.town1_admin, text__contains="坏掉的群").exists()


def test_redis_down_loses_nothing_and_the_request_never_touches_the_broker(
    client, cast, tree, settings, monkeypatch
):
    from kombu import Connection

    from gridgov.celery import app

    touched = []
    monkeypatch.setattr(
        Connection,
        "ensure_connection",
        lambda *a, **k: touched.append(a) or (_ for _ in ()).throw(OSError("refused")),
    )
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # a closed port
    try:
        case = actions.case_report(
            actor=cast.worker_a,
            node_id=tree.grid_a.pk,
            title="井盖缺失",
            description="村口井盖丢了",
            source="patrol",
            now=T0,
        )
        assert touched == []
        message = OutboxMessage.objects.get(case=case)
        assert message.sent_at is None  # waiting, not lost
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    # The broker is back: the next beat tick runs the delivery task and the notice goes out.
    from gridgov.tasks import deliver_notices

    deliver_notices.apply()
    message.refresh_from_db()
    assert message.sent_at is not None
    assert Notice.objects.filter(message=message, user=cast.staff_town1).exists()


def test_a_town_admin_manages_only_their_towns_robots(client, cast, tree):
    mine = WebhookEndpoint.objects.create(
        town=tree.town1, name="沙河营群", url="http://127.0.0.1:9/a"
    )
    theirs = WebhookEndpoint.objects.create(
        town=tree.town2, name="博望群", url="http://127.0.0.1:9/b"
    )
    client.force_login(cast.town1_admin)
    page = client.get("/admin/gridgov/webhookendpoint/").content.decode()
    assert mine.name in page and theirs.name not in page
    assert client.get(f"/admin/gridgov/webhookendpoint/{theirs.pk}/change/").status_code == 404
    response = client.post(
        "/admin/gridgov/webhookendpoint/add/",
        {
            "town": tree.town2.pk,
            "name": "越权",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=c",
            "style": "wecom",
            "active": "on",
        },
    )
    assert response.status_code == 200 and not WebhookEndpoint.objects.filter(name="越权").exists()


def test_a_missed_patrol_reaches_the_worker_and_the_grid_chief(cast, tree):
    from gridgov import outbox

    outbox.enqueue(
        kind="missed_patrol",
        dedupe_key="missed_patrol:test",
        user=cast.worker_a.pk,
        node=tree.grid_a.pk,
        date="2026-11-30",
    )
    notify.deliver_pending(now=T0)
    told = set(Notice.objects.values_list("user__username", flat=True))
    assert told == {"worker_a", "village_chief"}
    texts = set(Notice.objects.values_list("text", flat=True))
    assert texts == {f"{tree.grid_a.name}2026-11-30没有巡查记录。"}


class WorkerKilled(BaseException):
    """A worker process dying in the middle of its batch (not an error the code may catch)."""


def _kill_on_send(monkeypatch):
    def die(delivery, now):
        raise WorkerKilled

    monkeypatch.setattr(notify, "_attempt", die)


def test_deliveries_of_a_killed_worker_are_taken_again_after_two_minutes(cast, report, monkeypatch):
    cast.staff_town1.email = "zhongxin@example.gov.cn"
    cast.staff_town1.save()
    report()
    with monkeypatch.context() as m:
        _kill_on_send(m)
        with pytest.raises(WorkerKilled):
            notify.deliver_pending(now=T0)
    delivery = Delivery.objects.get(channel="email")
    assert delivery.state == "pending" and delivery.next_attempt_at == T0 + notify.LEASE
    notify.deliver_pending(now=T0 + dt.timedelta(seconds=90))  # still leased: left alone
    assert mail.outbox == []
    notify.deliver_pending(now=T0 + dt.timedelta(minutes=2, seconds=1))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1


def test_a_worker_near_the_end_of_its_lease_hands_the_rest_back(cast, tree, monkeypatch):
    for user in (cast.staff_town1, cast.worker_a):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    make_case(cast, tree.grid_a, "dispatched", now=T0)
    clock = iter([0.0, 1.0, 10_000.0])  # the run starts, one delivery, then the lease runs out
    monkeypatch.setattr(notify, "monotonic", lambda: next(clock))
    notify.deliver_pending(now=T0)
    states = sorted(Delivery.objects.values_list("state", "next_attempt_at"))
    assert states[0][0] == "pending" and states[0][1] == T0  # handed back, due at once
    assert [s for s, _at in states].count("sent") == 1 and len(mail.outbox) == 1
