"""What a phone downloads on first load of /m/ and /m/report/, where a grid worker may have only
a weak mobile signal, and of the residents' /g/<grid code>/ (opened without login from the QR
code of the grid's bulletin), its report form /g/<grid code>/report/ and /g/track/.

On a throw-away SQLite database with the demo data (`load_demo`: the real tree, categories and
cases), a grid worker's /m/ and /m/report/ are rendered through Django's test client; every
stylesheet and script the HTML names is read from the static files and compressed with gzip -9
(what whitenoise's CompressedManifestStaticFilesStorage serves). The HTML is gzipped too (a
proxy in front, or the browser's cache for the CSS/JS, does the rest). Checks: ≤ 60 KB
compressed per first load, nothing fetched from another host, no web font (@font-face).

    .venv/bin/python bench/pages.py [--limit-kb 60]
"""

import argparse
import gzip
import io
import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/m/", "/m/report/"]
# The residents' pages, opened without login from the QR code of the worker's grid.
PUBLIC_PAGES = ["/g/{grid}/", "/g/{grid}/report/", "/g/track/"]


class Assets(HTMLParser):
    """src/href of scripts, stylesheets, images, icons and preloads."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(("js", a["src"]))
        elif tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if any(r in rel for r in ("stylesheet", "icon", "preload", "manifest")):
                self.urls.append(("css" if "stylesheet" in rel else "link", a["href"]))
        elif tag in ("img", "iframe", "source", "video", "audio", "embed") and a.get("src"):
            self.urls.append((tag, a["src"]))


def setup(db_path: str):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    os.environ.setdefault("DEBUG", "1")  # plain static storage: names without hashes
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def measure(client, path: str) -> dict:
    from django.contrib.staticfiles import finders
    from django.test.utils import override_settings

    with override_settings(ALLOWED_HOSTS=["*"]):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content
    parser = Assets()
    parser.feed(html.decode())
    rows = [("html", path, len(html), gz(html))]
    offsite, fonts = [], []
    for kind, url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            offsite.append(url)
            continue
        name = parts.path.removeprefix("/static/")
        found = finders.find(name)
        if not found:
            raise SystemExit(f"{path}: {url} not found in the static files")
        data = Path(found).read_bytes()
        if b"@font-face" in data or name.endswith((".woff", ".woff2", ".ttf", ".otf")):
            fonts.append(url)
        rows.append((kind, url, len(data), gz(data)))
    if b"@font-face" in html:
        fonts.append(path + " (inline)")
    return {"rows": rows, "offsite": offsite, "fonts": fonts}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-kb", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(str(Path(tmp) / "pages.sqlite3"))
        from django.test import Client

        from staff.models import Assignment

        post = (
            Assignment.objects.active()
            .filter(role="grid_worker")
            .select_related("user", "node")
            .order_by("pk")
            .first()
        )
        worker = post.user
        client = Client()
        client.force_login(worker)
        failed = False
        print(f"grid worker: {worker.username}; limit {args.limit_kb:g} KB compressed per page")
        pages = [(client, p) for p in PAGES]
        pages += [(Client(), p.format(grid=post.node.code)) for p in PUBLIC_PAGES]
        for who, path in pages:
            result = measure(who, path)
            raw = sum(r[2] for r in result["rows"])
            packed = sum(r[3] for r in result["rows"])
            print(f"\n{path}")
            for kind, url, size, zipped in result["rows"]:
                print(f"  {kind:5} {url:32} {size / 1024:7.1f} KB raw {zipped / 1024:6.1f} KB gzip")
            print(f"  {'total':38} {raw / 1024:7.1f} KB raw {packed / 1024:6.1f} KB gzip")
            ok = packed <= args.limit_kb * 1024 and not result["offsite"] and not result["fonts"]
            print(
                f"  other hosts: {result['offsite'] or 'none'}; web fonts: "
                f"{result['fonts'] or 'none'} → {'OK' if ok else 'FAIL'}"
            )
            failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
