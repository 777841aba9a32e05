"""A real Celery worker and beat against Redis: a case past its deadline is escalated by the
running schedule, with no task called by hand. Needs REDIS_URL and PostgreSQL (the worker is
another process and must see the test database)."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseEvent
from tests.factories import T0, make_case

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _start(args, env, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "gridgov", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_beat_and_a_worker_escalate_an_overdue_case_by_themselves(cast, tree, tmp_path):
    long_ago = timezone.now() - dt.timedelta(days=5)
    case = make_case(cast, tree.grid_a, "accepted", now={"reported": T0, "accepted": long_ago})
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GRIDGOV_SWEEP_SECONDS": "2",
        "GRIDGOV_DELIVER_SECONDS": "2",
        "GRIDGOV_VAR_DIR": str(tmp_path),
    }
    log_path = tmp_path / "celery.log"
    with open(log_path, "w") as log:
        worker = _start(
            [
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test{os.getpid()}@%h",
            ],
            env,
            log,
        )
        beat = _start(
            ["beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule")], env, log
        )
        try:
            deadline = time.monotonic() + 120  # a bound on waiting, not a speed requirement
            while time.monotonic() < deadline:
                if Case.objects.get(pk=case.pk).owner_node.tier == "village":
                    break
                time.sleep(1)
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    case.refresh_from_db()
    assert case.owner_node.tier == "village", log_path.read_text()[-3000:]
    event = CaseEvent.objects.get(case=case, action="escalate")
    assert event.automatic and event.actor is None
