"""The Celery app. The beat schedule lives in gridgov/schedule.py: one place, in code."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")

app = Celery("gridgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender, source, **kwargs):
    # The filesystem broker (embedded default) needs its folders before anyone publishes.
    # After configure, with the loaded configuration passed in: reading sender.conf while
    # on_configure runs loads the configuration again, which sends on_configure again (a
    # RecursionError in any process that publishes before the worker has configured it).
    options = source.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


@app.on_after_finalize.connect
def _install_schedule(sender, **kwargs):
    from gridgov.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
