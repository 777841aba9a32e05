"""The Celery app as a plain process (the web, a shell, a command) uses it: sending a task."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SEND = """
import os
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
django.setup()
from gridgov.tasks import deliver_notices

deliver_notices.delay()
"""


def test_a_plain_process_sends_a_task_without_a_recursion_error(tmp_path):
    # The embedded filesystem broker under a private folder: nothing leaves this machine.
    env = {"PATH": os.environ.get("PATH", ""), "DEBUG": "1", "GRIDGOV_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SEND], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "RecursionError" not in done.stderr and "Traceback" not in done.stderr
    # The broker's folders were made before the task was published into them.
    assert len(list((tmp_path / "celery" / "queue").glob("*.msg"))) == 1
    assert (tmp_path / "celery" / "processed").is_dir()
