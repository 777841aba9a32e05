"""A hung Redis, for the cache's tests and its benchmark: a server on 127.0.0.1 that accepts
connections and never answers."""

import contextlib
import socketserver
import threading


class _Silent(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.accepted += 1
        self.server.release.wait(60)  # hold the connection open, say nothing


class HungRedis(socketserver.ThreadingTCPServer):
    """Accepts connections and never answers; `accepted` counts the connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.accepted = 0
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), _Silent)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server_address[1]}/0"


@contextlib.contextmanager
def hung_redis():
    """A HungRedis serving from a thread of its own, let go of and closed on the way out."""
    server = HungRedis()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
