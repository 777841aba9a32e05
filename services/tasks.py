from celery import shared_task

from services import actions


@shared_task
def sweep_service_requests() -> dict:
    return actions.request_sweep().as_dict()
