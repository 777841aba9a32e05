"""Group robots reach only the robots' hosts, and the delivery list shows what failed in words."""

import io
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from gridgov import channels, notify
from gridgov.models import Delivery, Notice, WebhookEndpoint, robot_url_allowed
from tests.factories import T0

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
ADD = "/admin/gridgov/webhookendpoint/add/"


class FakeOpener:
    """Stands in for the HTTP client: records each call, answers like a robot or raises."""

    def __init__(self, error=None):
        self.error = error
        self.calls = []

    def open(self, request, timeout=None):
        self.calls.append((request.full_url, timeout))
        if self.error is not None:
            raise self.error
        return io.BytesIO(b'{"errcode": 0, "errmsg": "ok"}')


@pytest.fixture
def opener(monkeypatch):
    def install(error=None):
        fake = FakeOpener(error)
        monkeypatch.setattr(channels, "_opener", fake)
        return fake

    return install


def _add_robot(client, user, town, url):
    client.force_login(user)
    return client.post(
        ADD, {"town": town.pk, "name": "综治群", "url": url, "style": "wecom", "active": "on"}
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379/", "https://evil.example/", "http://qyapi.weixin.qq.com/x"]
)
def test_the_admin_form_refuses_an_address_that_is_no_robot(client, cast, tree, url):
    response = _add_robot(client, cast.town1_admin, tree.town1, url)
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_form_accepts_a_wecom_robot(client, cast, tree):
    response = _add_robot(client, cast.town1_admin, tree.town1, WECOM)
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == WECOM


@pytest.mark.parametrize(
    "url",
    [
        WECOM,
        "https://qyapi.weixin.qq.com:443/cgi-bin/webhook/send?key=x",
        "https://oapi.dingtalk.com/robot/send?access_token=t",
        "HTTPS://QYAPI.WEIXIN.QQ.COM/cgi-bin/webhook/send?key=x",
    ],
)
def test_the_robots_own_https_addresses_are_allowed(url):
    assert robot_url_allowed(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        "https://qyapi.weixin.qq.com:6379/",
        "https://qyapi.weixin.qq.com@127.0.0.1/",
        "https://user:pw@qyapi.weixin.qq.com/",
        "https://qyapi.weixin.qq.com.evil.example/",
        "https://qyapi.weixin.qq.com\\@127.0.0.1/",
        "https://[::1]/",
        "https://qyapi.weixin.qq.com:99999/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "",
    ],
)
def test_anything_else_is_refused(url):
    assert not robot_url_allowed(url)


def test_the_operator_may_allow_a_countys_own_gateway(settings):
    gateway = "http://10.2.0.8:8080/robot?key=x"
    assert not robot_url_allowed(gateway)
    settings.GRIDGOV_ROBOT_EXTRA_HOSTS = ["http://10.2.0.8:8080", "robot.county.gov.cn"]
    assert robot_url_allowed(gateway)
    assert robot_url_allowed("https://robot.county.gov.cn/send")
    assert not robot_url_allowed("http://robot.county.gov.cn/send")  # a bare host means https
    assert not robot_url_allowed("http://10.2.0.8:6379/")


def test_a_robot_stored_with_an_inside_address_is_never_called(cast, tree, report, opener):
    http = opener()
    WebhookEndpoint.objects.create(town=tree.town1, name="旧群", url="http://127.0.0.1:6379/")
    report()
    notify.deliver_pending(now=T0)
    assert http.calls == []
    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        "failed",
        1,
        "invalid address",
    )
    notify.deliver_pending(now=T0)  # the town's administrators hear of it in the app
    assert Notice.objects.filter(user=cast.town1_admin, text__contains="旧群").exists()


def test_a_robot_is_posted_to_with_the_five_second_limit(cast, tree, report, opener):
    http = opener()
    WebhookEndpoint.objects.create(town=tree.town1, name="群", url=WECOM)
    report()
    notify.deliver_pending(now=T0)
    assert http.calls == [(WECOM, 5)]
    assert Delivery.objects.get(channel="webhook").state == "sent"


def test_mail_is_sent_with_the_five_second_limit(monkeypatch):
    asked = []
    real = channels.get_connection
    monkeypatch.setattr(channels, "get_connection", lambda **kw: asked.append(kw) or real(**kw))
    channels.send_email(subject="事件", text="事件", to="wanggang@example.gov.cn")
    assert asked == [{"timeout": 5}]


def test_an_error_that_names_an_inside_address_is_stored_as_its_category(
    client, cast, tree, report, opener
):
    secret = "Connection refused to 10.0.0.5:6379 secret"
    opener(urllib.error.URLError(ConnectionRefusedError(111, secret)))
    WebhookEndpoint.objects.create(town=tree.town1, name="群", url=WECOM)
    report()
    notify.deliver_pending(now=T0)
    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.state, delivery.last_error) == ("pending", "refused")
    client.force_login(cast.town1_admin)
    page = client.get("/admin/gridgov/delivery/").content.decode()
    assert "10.0.0.5" not in page and "secret" not in page
    assert str(channels.ERROR_LABELS["refused"]) in page


@pytest.mark.parametrize(
    "error, category",
    [
        (ConnectionRefusedError(111, "Connection refused to 10.0.0.5:6379 secret"), "refused"),
        (OSError(111, "Connection refused to 10.0.0.5:6379 secret"), "refused"),
        (OSError("no route to 10.0.0.5"), "network error"),
        (TimeoutError("timed out reading 10.0.0.5"), "timeout"),
        (urllib.error.URLError(TimeoutError("10.0.0.5")), "timeout"),
        (
            urllib.error.HTTPError(WECOM, 502, "Bad Gateway at 10.0.0.5", {}, None),
            "HTTP status 502",
        ),
        (ConnectionResetError(104, "reset by 10.0.0.5"), "connection lost"),
        (urllib.error.URLError("no host given"), "network error"),
        (ValueError("unknown url type: 10.0.0.5"), "invalid address"),
        (KeyError("10.0.0.5"), "error"),
    ],
)
def test_an_exception_becomes_a_short_category_without_its_text(error, category):
    assert channels.error_category(error) == category


def test_the_delivery_list_never_shows_a_stored_raw_text():
    assert channels.error_label("HTTP status 500").count("500") == 1
    assert "10.0.0.5" not in channels.error_label("URLError: refused to 10.0.0.5:6379")
    assert channels.error_label("") == ""


class Redirecting:
    """A local endpoint that answers 302 to another local server, which counts its hits."""

    def __init__(self):
        self.hits = []
        hits = self.hits

        class Target(BaseHTTPRequestHandler):
            def do_POST(self):
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.target = HTTPServer(("127.0.0.1", 0), Target)
        target_url = f"http://127.0.0.1:{self.target.server_port}/inside"

        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self):
                self.send_response(302)
                self.send_header("Location", target_url)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.redirect = HTTPServer(("127.0.0.1", 0), Redirect)
        self.url = f"http://127.0.0.1:{self.redirect.server_port}/send"
        self.origin = f"http://127.0.0.1:{self.redirect.server_port}"
        for server in (self.target, self.redirect):
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def close(self):
        for server in (self.target, self.redirect):
            server.shutdown()
            server.server_close()


def test_a_redirect_from_a_robot_is_not_followed(cast, tree, report, settings):
    servers = Redirecting()
    try:
        settings.GRIDGOV_ROBOT_EXTRA_HOSTS = [servers.origin]
        WebhookEndpoint.objects.create(town=tree.town1, name="群", url=servers.url)
        report()
        notify.deliver_pending(now=T0)
    finally:
        servers.close()
    assert servers.hits == []
    assert Delivery.objects.get(channel="webhook").last_error == "HTTP status 302"


def test_a_raw_error_stored_before_never_reaches_the_admin_pages(
    client, cast, tree, report, opener
):
    opener(TimeoutError())
    WebhookEndpoint.objects.create(town=tree.town1, name="群", url=WECOM)
    report()
    notify.deliver_pending(now=T0)
    delivery = Delivery.objects.get(channel="webhook")
    Delivery.objects.filter(pk=delivery.pk).update(
        last_error="URLError: <urlopen error [Errno 111] Connection refused to 10.0.0.5:6379>"
    )
    client.force_login(cast.town1_admin)
    for url in ("/admin/gridgov/delivery/", f"/admin/gridgov/delivery/{delivery.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "10.0.0.5" not in response.content.decode()
        assert channels.error_label("URLError") in response.content.decode()
