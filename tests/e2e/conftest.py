"""Real-browser harness: Debian's chromium driven by Playwright against pytest-django's live server.

Fixtures: `browser` (one chromium for the whole package), `phone` (360x740 touch screen) and `desk`
(1366x768 office screen) pages, each in a fresh context that can reach only the live server,
`offsite_requests` (what those pages tried to fetch elsewhere: aborted and recorded), and
`screenshot` (saves test-artifacts/e2e/<test-name>.png). Helpers: `login`, `url`,
`page_width`, `overflowing`. Every test under tests/e2e is marked `e2e`.
"""

import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
HERE = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _chromium_missing() -> bool:
    return not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK))


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees the whole session's items: touch only those under tests/e2e.
    skip = None
    if _chromium_missing() and not _in_ci():
        skip = pytest.mark.skip(
            reason=f"e2e: no chromium at {CHROMIUM} (apt-get install chromium); "
            "under CI=true this is a failure, not a skip"
        )
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    """One chromium for all of tests/e2e, closed before any test outside it runs.

    Playwright's sync API keeps an asyncio loop marked as running in the main thread for as
    long as it lives. Two consequences, both confined to this package's tests:
    - Django would refuse every ORM call from the test (SynchronousOnlyOperation), so
      DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser lives and restored after. The tests
      are plain synchronous code and the live server answers in its own threads.
    - asgiref's async_to_sync (async views through the test client, async middleware) refuses
      to run beside a running loop. Package scope, not session scope, ends the loop when the
      last e2e test is done, so the rest of the suite runs as if no browser had been started.
    """
    if _chromium_missing():
        # Reached only under CI (elsewhere the tests were skipped at collection).
        pytest.fail(f"e2e: no chromium at {CHROMIUM}, and CI is set: install Debian's chromium")
    from playwright.sync_api import expect, sync_playwright

    # The machine is shared with the rest of the suite: a page that takes a few seconds longer
    # to change is slow, not wrong (the actions' own timeouts stay as they are set below).
    expect.set_options(timeout=15_000)
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def offsite_requests():
    """URLs that this test's pages tried to fetch from any host but the live server's."""
    return []


class _Answering:
    """Counts the requests the live server is answering: from the call into Django to the
    close of the answer's body.

    A page closed at the end of a test may leave a request (an image, a script) still being
    answered. On SQLite the server's threads share the test's in-memory connection, so such a
    request running into the flush between tests breaks the flush ("couldn't be flushed") and
    leaves the last test's rows for the next one. The page fixtures wait for quiet instead.
    Requests, not connections, are counted: another page still open keeps its connection
    alive without asking anything.
    """

    def __init__(self, httpd):
        self.count = 0
        self.changed = threading.Condition()
        app = httpd.get_app()

        def counted(environ, start_response):
            with self.changed:
                self.count += 1
            try:
                result = app(environ, start_response)
            except BaseException:
                self._done()
                raise
            return _ThenDone(result, self._done)

        httpd.set_app(counted)

    def _done(self):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_for_quiet(self, patience: float = 15.0):
        """Until nothing is being answered, and nothing new arrives for a short while after."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            with self.changed:
                self.changed.wait_for(lambda: self.count == 0, deadline - time.monotonic())
            # A request the browser sent just before it closed may still be in the backlog.
            time.sleep(0.1)
            with self.changed:
                if self.count == 0:
                    return
        raise AssertionError("the live server was still answering requests after the page closed")


class _ThenDone:
    """A WSGI body that reports when the server has closed it, i.e. finished sending it."""

    def __init__(self, body, done):
        self.body, self.done = body, done

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.done()


def _answering(live_server) -> _Answering:
    httpd = live_server.thread.httpd
    if not hasattr(httpd, "gridgov_answering"):
        httpd.gridgov_answering = _Answering(httpd)
    return httpd.gridgov_answering


def _close(context, live_server):
    context.close()
    _answering(live_server).wait_for_quiet()


def _new_page(browser, offsite_requests, **context_options):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="block", **context_options
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)

    def only_local(route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            offsite_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", only_local)
    return context, context.new_page()


@pytest.fixture
def phone(browser, live_server, offsite_requests):
    """A page on a 360x740 Android-like phone, Chinese locale, touch."""
    _answering(live_server)
    context, page = _new_page(
        browser,
        offsite_requests,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    yield page
    _close(context, live_server)


@pytest.fixture
def desk(browser, live_server, offsite_requests):
    """A page on a 1366x768 office screen."""
    _answering(live_server)
    context, page = _new_page(browser, offsite_requests, viewport={"width": 1366, "height": 768})
    yield page
    _close(context, live_server)


def url(live_server, path: str) -> str:
    return live_server.url.rstrip("/") + path


def login(page, live_server, username: str, password: str):
    """Open /login/, fill the form, submit; return the response that the submit led to."""
    page.goto(url(live_server, "/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation() as navigation:
        page.locator("form:has(#id_username)").locator("button:not([type]), [type=submit]").click()
    return navigation.value


def overflowing(page) -> list[str]:
    """Elements whose right edge passes the viewport's width, as `tag#id.class right=NNN`.

    Measured against the viewport set for the page, not window.innerWidth: a mobile browser
    zooms out to fit content that is too wide, and innerWidth grows with it.
    """
    return page.evaluate(
        """(limit) => {
            const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + [...el.classList].map((c) => '.' + c).join('');
            return [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
                .map((el) => name(el) + ' right=' + Math.round(el.getBoundingClientRect().right));
        }""",
        page.viewport_size["width"],
    )


def page_width(page) -> int:
    """How wide the document is: more than the viewport means sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def screenshot(request):
    """save(page, suffix="") -> Path: full-page PNG at test-artifacts/e2e/<test-name>[-suffix].png."""

    def save(page, suffix: str = "") -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
        path = ARTIFACTS / f"{name}{'-' + suffix if suffix else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
