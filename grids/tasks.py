"""The grids' rhythms, run by Celery beat (gridgov/schedule.py)."""

from celery import shared_task


@shared_task
def purge_unconfirmed_imports() -> int:
    from grids.desk.ledger_import import purge_unconfirmed

    return purge_unconfirmed()
