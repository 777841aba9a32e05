"""The 12345 hotline in tests: a fake hotline platform (a real HTTP server on 127.0.0.1 in a
thread, which checks every message's signature), a hotline's API client with its settings,
and an order pushed through the action."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from PIL import Image

from cases import actions
from cases.hotline import adapter, outgoing
from gridgov.api import clients

SECRET = "s3cret-of-the-fake-hotline-0123456789abcdef"


class FakeHotline:
    """A hotline platform's webhook: answers with the given statuses in turn (then 200), and
    records each message with whether its signature was good. It also serves photos at
    /photos/<name>.jpg (and anything else it is given in `files`)."""

    def __init__(self, statuses=(), secret: str = SECRET):
        self.statuses = list(statuses)
        self.secret = secret
        self.received: list[SimpleNamespace] = []
        self.files: dict[str, tuple[int, bytes]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                good = outgoing.verify(
                    fake.secret,
                    self.headers.get(outgoing.SIGNATURE_HEADER, ""),
                    raw,
                    now=int(time.time()),
                )
                status = fake.statuses.pop(0) if fake.statuses else 200
                fake.received.append(
                    SimpleNamespace(
                        body=json.loads(raw),
                        raw=raw,
                        signed=good,
                        status=status,
                        event=self.headers.get(outgoing.EVENT_HEADER),
                        delivery=self.headers.get(outgoing.DELIVERY_HEADER),
                        path=self.path,
                    )
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"code": 0}')

            def do_GET(self):
                status, content = fake.files.get(self.path, (404, b""))
                self.send_response(status)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.url = f"{self.origin}/gridgov/notify"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [r.body["event"] for r in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def jpeg(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def inline(content: bytes) -> str:
    return base64.b64encode(content).decode()


def make_hotline(node, *, url="https://12345.example.org/gridgov", roles=("center_staff",)):
    """A hotline's API client on `node` with its settings (the fake's secret)."""
    client, key = clients.api_client_create(
        actor=None,
        name=f"12345热线 {node.name}",
        node_id=node.pk,
        roles=list(roles),
        endpoints=["hotline"],
    )
    config, _secret = actions.hotline_config_save(
        actor=None, client_id=client.pk, webhook_url=url, secret=SECRET
    )
    return SimpleNamespace(client=client, key=key, user=client.service_user, config=config)


def order(number="SX-0042", **fields) -> dict:
    """The hotline's JSON of an order in 梁家庵村 (town 1)."""
    return {
        "order_no": number,
        "category": "城乡建设/路灯",
        "content": "村口路灯连续三晚不亮，夜里出行不便。",
        "address": "城固县沙河营镇梁家庵村一组",
        "caller_name": "张三",
        "caller_phone": "138-0000-1234",
        **fields,
    }


def receive(hotline, now=None, **fields):
    """An order pushed through the action (as the API does once it has read the JSON)."""
    serializer = adapter.OrderInSerializer(data=order(**fields))
    serializer.is_valid(raise_exception=True)
    made, _created = actions.hotline_order_receive(
        actor=hotline.user,
        client_id=hotline.client.pk,
        order=adapter.read_order(serializer.validated_data),
        now=now,
    )
    return made
