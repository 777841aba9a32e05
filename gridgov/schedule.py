"""What beat runs, and when. Exactly one beat process may run per deployment.

Every entry names a thin task that calls an action also reachable as a management command,
so each rhythm can be run and tested without a worker.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Failed-login records older than GRIDGOV_ACCESS_LOG_DAYS are purged nightly.
    "purge-old-login-attempts": {
        "task": "staff.tasks.purge_login_attempts",
        "schedule": crontab(hour=3, minute=17),
    },
}
