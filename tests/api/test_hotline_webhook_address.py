"""A hotline's webhook is reached by the address its name has when the message goes out: a
name that leads inside the server's network (loopback, a private address) is refused unless
the operator listed it, so an admin who may type the address cannot reach inside services."""

import datetime as dt
import socket
import threading

import pytest
from django.utils import timezone

from cases.models import Case
from gridgov import notify
from gridgov.models import Delivery
from tests.api.conftest import Api
from tests.cases.hotline import make_hotline, order
from tests.factories import advance

pytestmark = pytest.mark.django_db


def test_a_webhook_name_that_leads_inside_is_never_connected_to(cast, tree, monkeypatch):
    inside = socket.socket()
    inside.bind(("127.0.0.1", 0))
    inside.listen(5)
    inside.settimeout(5)
    port = inside.getsockname()[1]
    hits = []

    def accept():
        try:
            conn, _ = inside.accept()
            hits.append(conn.recv(100))
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    real = socket.getaddrinfo

    def dns(host, *args, **kwargs):  # the name the admin typed points at the server itself
        return real("127.0.0.1" if host == "hooks.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    line = make_hotline(tree.county, url=f"https://hooks.example.org:{port}/gridgov")
    Api(line.key).post("/api/v1/hotline/orders/", order("SX-IN-1"))
    case = Case.objects.get(hotline_order__order_no="SX-IN-1")
    advance(cast, case, "handling", handler="village_chief")
    notify.deliver_pending(now=timezone.now() + dt.timedelta(seconds=1))
    thread.join(2)
    inside.close()
    assert not hits, f"the server connected to 127.0.0.1:{port}"
    refused = Delivery.objects.filter(last_error="invalid address")
    assert refused.exists(), list(Delivery.objects.values_list("last_error", "status"))
