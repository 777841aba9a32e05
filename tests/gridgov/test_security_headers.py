"""Every response carries the Content-Security-Policy, and no page needs anything it forbids."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from gridgov.middleware import CONTENT_SECURITY_POLICY

TEMPLATES = Path(settings.BASE_DIR, "templates")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def forbidden_inline(html: str) -> list[str]:
    return [
        m.group(0)
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, EVENT_HANDLER, STYLE_ELEMENT)
        for m in pattern.finditer(html)
    ]


def test_the_policy_allows_only_this_site():
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )


def test_the_login_page_carries_the_policy(client, db):
    response = client.get(reverse("login"))
    assert policy(response)["script-src"] == "'self'"
    assert policy(response)["frame-ancestors"] == "'none'"
    assert not forbidden_inline(response.content.decode())


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("staff_town1", "/desk/"),
        ("staff_town1", "/desk/tree/"),
        ("staff_town1", "/desk/meeting/"),
        ("staff_town1", "/desk/dashboard/"),
        ("worker_a", "/m/"),
        ("worker_a", "/m/report/"),
        ("worker_a", "/notices/"),
        ("worker_a", "/password/"),
    ],
)
def test_desk_and_phone_pages_carry_the_policy_and_need_nothing_inline(client, cast, who, url):
    client.force_login(getattr(cast, who))
    response = client.get(url)
    assert response.status_code == 200, url
    assert policy(response)["style-src"] == "'self'"
    assert not forbidden_inline(response.content.decode())


def test_the_admin_carries_the_policy_and_runs_no_inline_script(client, cast):
    client.force_login(cast.county_admin)
    for url in ("/admin/", "/admin/grids/gridnode/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == "'self'"
        assert not INLINE_SCRIPT.search(response.content.decode())
    # The admin's node tree indents its rows with style attributes (django-mptt): there only,
    # inline styles are allowed; scripts never.
    assert policy(response)["style-src"] == "'self' 'unsafe-inline'"


def test_error_pages_and_static_files_carry_the_policy(client, db):
    assert "Content-Security-Policy" in client.get("/no-such-page/").headers
    assert "Content-Security-Policy" in client.get("/static/gridgov/base.css").headers


def test_no_template_has_an_inline_script_style_or_event_handler():
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in TEMPLATES.rglob("*.html")
        if (hits := forbidden_inline(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def _production_setting(name: str, **env) -> str:
    from tests.gridgov.test_settings import PRODUCTION, _manage

    result = _manage(
        "shell",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        env={**PRODUCTION, **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_is_off_unless_the_county_chooses_it():
    # docs/operations.md: preloading is a one-way commitment, off by default.
    assert _production_setting("SECURE_HSTS_PRELOAD") == "False"
    assert _production_setting("SECURE_HSTS_SECONDS") == "31536000"
    assert _production_setting("SECURE_HSTS_PRELOAD", SECURE_HSTS_PRELOAD="1") == "True"
    operations = Path(settings.BASE_DIR, "docs", "operations.md").read_text(encoding="utf-8")
    assert "| `SECURE_HSTS_PRELOAD` | `0` |" in operations


def test_the_deploy_check_passes_with_preload_chosen_too():
    from tests.gridgov.test_settings import PRODUCTION, _manage

    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "SECURE_HSTS_PRELOAD": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
