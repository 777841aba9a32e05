from celery import shared_task

from services import actions


@shared_task
def sweep_service_requests() -> dict:
    result = actions.request_sweep()
    result.orders_overdue = actions.orders_sweep()
    return result.as_dict()
