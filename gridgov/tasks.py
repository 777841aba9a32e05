from celery import shared_task

from gridgov import notify


@shared_task
def deliver_notices() -> dict:
    return notify.deliver_pending()


@shared_task
def purge_idempotency() -> int:
    from gridgov.api.idempotency import idempotency_purge

    return idempotency_purge()
