"""A hung Redis, for the cache's tests and its benchmark: a server on 127.0.0.1 that accepts
connections and never answers."""

import contextlib
import socketserver
import threading


class _Silent(socketserver.BaseRequestHandler):
    def handle(self):
        with self.server.counted:
            self.server.accepted += 1
            self.server.counted.notify_all()
        self.server.release.wait(60)  # hold the connection open, say nothing


class HungRedis(socketserver.ThreadingTCPServer):
    """Accepts connections and never answers; `accepted` counts the connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.accepted = 0
        self.counted = threading.Condition()
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), _Silent)

    def connections(self, expected: int) -> int:
        """The connections accepted, once at least `expected` were (or after 10 s): a handler's
        thread may count its connection after the client has already given up on it, on a busy
        machine."""
        with self.counted:
            self.counted.wait_for(lambda: self.accepted >= expected, timeout=10)
            return self.accepted

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
