from celery import shared_task

from gridgov import notify


@shared_task
def deliver_notices() -> dict:
    return notify.deliver_pending()
