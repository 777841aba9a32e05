"""What beat runs, and when: the one place. Exactly one beat process may run per deployment
(two would fire every entry twice; the actions are idempotent, so nothing breaks, but work is
done twice).

Every entry names a thin task that calls an action also reachable as a management command,
so each rhythm can be run and tested without a worker:

| entry                    | when                              | command                     |
|--------------------------|-----------------------------------|-----------------------------|
| sweep-deadlines          | every GRIDGOV_SWEEP_SECONDS (300) | manage.py sweep_deadlines   |
| sweep-service-requests   | every GRIDGOV_SWEEP_SECONDS (300) | manage.py sweep_service_requests |
| deliver-notices          | every GRIDGOV_DELIVER_SECONDS (30)| manage.py deliver_notices   |
| weekly-reports (yellow)  | Monday 06:00                      | manage.py generate_reports  |
| monthly-reports (orange) | 1st of the month 06:30            | manage.py generate_reports  |
| quarterly-reports (red)  | 1st of Jan/Apr/Jul/Oct 07:00      | manage.py generate_reports  |
| flag-daily               | 07:00 daily                       | manage.py flag_daily        |
| month-end (appraisal, points) | 1st of the month 05:00       | manage.py month_end         |
| purge-old-login-attempts | 03:17 daily                       | (staff.actions)             |
| purge-idempotency        | 03:37 daily                       | (gridgov.api.idempotency)   |

Times are Beijing time (CELERY_TIMEZONE). The schedule lives in code only, so what runs is
reviewed like any other change.
"""

from celery.schedules import crontab

from gridgov.env import env_int

SWEEP_SECONDS = env_int("GRIDGOV_SWEEP_SECONDS", 300)
DELIVER_SECONDS = env_int("GRIDGOV_DELIVER_SECONDS", 30)

BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "cases.tasks.sweep_deadlines",
        "schedule": float(SWEEP_SECONDS),
        "options": {"expires": SWEEP_SECONDS},  # a missed run is replaced by the next one
    },
    # 承诺时限: service requests past their promised working days are flagged overdue.
    "sweep-service-requests": {
        "task": "services.tasks.sweep_service_requests",
        "schedule": float(SWEEP_SECONDS),
        "options": {"expires": SWEEP_SECONDS},
    },
    # The province summary reads rollup tables: every four minutes, so that with the run's own
    # time the figures are never more than five minutes old.
    "refresh-rollups": {
        "task": "cases.tasks.refresh_rollups",
        "schedule": 240.0,
        "options": {"expires": 240},
    },
    "deliver-notices": {
        "task": "gridgov.tasks.deliver_notices",
        "schedule": float(DELIVER_SECONDS),
        "options": {"expires": DELIVER_SECONDS * 4},
    },
    "weekly-reports": {
        "task": "cases.tasks.generate_reports",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "kwargs": {"kinds": ["weekly"]},
    },
    "monthly-reports": {
        "task": "cases.tasks.generate_reports",
        "schedule": crontab(hour=6, minute=30, day_of_month="1"),
        "kwargs": {"kinds": ["monthly"]},
    },
    "quarterly-reports": {
        "task": "cases.tasks.generate_reports",
        "schedule": crontab(hour=7, minute=0, day_of_month="1", month_of_year="1,4,7,10"),
        "kwargs": {"kinds": ["quarterly"]},
    },
    # 每日巡查 / 重点户每周, 监测户每月: missed patrols and overdue visits, each morning.
    "flag-daily": {
        "task": "staff.tasks.flag_daily",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
    # 考核 / 积分: last month's appraisal sheets and points of every village, on the 1st.
    "month-end": {
        "task": "staff.tasks.month_end",
        "schedule": crontab(hour=5, minute=0, day_of_month="1"),
        "options": {"expires": 12 * 3600},
    },
    "purge-old-login-attempts": {
        "task": "staff.tasks.purge_login_attempts",
        "schedule": crontab(hour=3, minute=17),
    },
    # The API's remembered answers to Idempotency-Key retries, kept a day.
    "purge-idempotency": {
        "task": "gridgov.tasks.purge_idempotency",
        "schedule": crontab(hour=3, minute=37),
    },
    # Ledger files kept for a confirm that can no longer come (they hold full ID numbers).
    "purge-unconfirmed-imports": {
        "task": "grids.tasks.purge_unconfirmed_imports",
        "schedule": crontab(minute=47),
    },
}
