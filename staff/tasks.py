from celery import shared_task

from staff import actions


@shared_task
def purge_login_attempts() -> int:
    return actions.login_attempts_purge()
