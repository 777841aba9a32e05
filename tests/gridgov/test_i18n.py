"""Chinese first, and complete: every source string has a translation, and the .mo is current.

The catalog is locale/zh_Hans/LC_MESSAGES/django.po (msgids are English, the code's words);
the compiled django.mo is committed so that running the app never needs gettext.
After adding or changing a string: `make messages`, translate, compile, commit both files.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import page_text

BASE_DIR = Path(settings.BASE_DIR)
CATALOG = Path("locale", "zh_Hans", "LC_MESSAGES", "django.po")
# The same call as `make messages`: the virtualenv, the data folder, tests and benchmarks hold
# no strings the product shows.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "zh_Hans",
    "--no-obsolete",
    "--no-location",
    "-i",
    ".venv/*",
    "-i",
    "var/*",
    "-i",
    "tests/*",
    "-i",
    "bench/*",
]


def _need(*tools: str) -> None:
    """gettext is a system package: without it CI fails, a developer's machine skips."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"gettext tools not on PATH: {', '.join(missing)} (apt-get install gettext)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


def _source_paths() -> list[Path]:
    """What makemessages must see: each app of ours, the templates, the catalog, manage.py."""
    # Our apps are top-level packages of the project (Django's and third parties' are not).
    app_dirs = {config.name.split(".")[0] for config in apps.get_app_configs()}
    app_dirs = {name for name in app_dirs if (BASE_DIR / name / "__init__.py").is_file()}
    return [BASE_DIR / name for name in sorted(app_dirs | {"templates", "locale", "manage.py"})]


def _run(args: list[str], cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _msgids(po_text: str) -> list[str]:
    """The msgids of a msgattrib listing (the header's empty msgid left out)."""
    ids = []
    for block in po_text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
        if match:
            text = "".join(re.findall(r'"(.*)"', match.group(1)))
            if text:
                ids.append(text)
    return ids


def test_every_string_has_a_chinese_translation(tmp_path):
    _need("xgettext", "msguniq", "msgmerge", "msgattrib")
    copy = tmp_path / "src"
    copy.mkdir()
    for source in _source_paths():
        assert source.exists(), f"{source} is missing"
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
            shutil.copytree(source, copy / source.name, ignore=ignore)
        else:
            shutil.copy2(source, copy / source.name)
    env = {**os.environ, "DEBUG": "1", "GRIDGOV_VAR_DIR": str(tmp_path / "var")}
    _run([sys.executable, "manage.py", *MAKEMESSAGES], cwd=copy, env=env)

    po = copy / CATALOG
    untranslated = _msgids(_run(["msgattrib", "--untranslated", str(po)], cwd=copy))
    fuzzy = _msgids(_run(["msgattrib", "--only-fuzzy", str(po)], cwd=copy))
    problems = [f"  no translation: {msgid!r}" for msgid in untranslated]
    problems += [f"  fuzzy (check, then drop the flag): {msgid!r}" for msgid in fuzzy]
    assert not problems, (
        f"{len(problems)} string(s) not ready in {CATALOG}: run `make messages`, translate them, "
        "compile and commit both files.\n" + "\n".join(problems)
    )


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as fp:
        messages = dict(gettext.GNUTranslations(fp)._catalog)
    messages.pop("", None)  # the header: its dates change on every makemessages
    return messages


def test_compiled_catalog_matches_the_po_file(tmp_path):
    _need("msgfmt")
    po = BASE_DIR / CATALOG
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed.relative_to(BASE_DIR)} is missing: compile and commit"
    fresh = tmp_path / "x.mo"
    # --check also refuses a translation whose placeholders differ from its msgid's.
    _run(["msgfmt", "--check", "-o", str(fresh), str(po)], cwd=tmp_path)

    expected, actual = _catalog(fresh), _catalog(committed)
    stale = sorted(
        str(key) for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key)
    )
    assert not stale, (
        f"{committed.relative_to(BASE_DIR)} is out of date with the .po file; run "
        "`DEBUG=1 .venv/bin/python manage.py compilemessages -l zh_Hans -i .venv` and commit. "
        f"Differing messages: {stale[:20]}"
    )


def _english_labels() -> list[str]:
    from grids.models import Tier
    from staff.models import Role

    with translation.override("en"):
        return [str(label) for label in [*Role.labels, *Tier.labels]]


def _english_words_in(text: str) -> list[str]:
    return [label for label in _english_labels() if re.search(rf"\b{re.escape(label)}\b", text)]


def test_pages_render_in_chinese_by_default(client, cast):
    # An English browser still gets Chinese: the language is chosen on the page, not guessed.
    login = page_text(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "登录" in login
    assert "用户名" in login and "密码" in login
    assert "Log in" not in login

    client.force_login(cast.worker_a)
    mobile = page_text(client.get("/m/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "网格员" in mobile
    assert "王刚，您好" in mobile
    assert _english_words_in(mobile) == []
