from celery import shared_task

from staff import actions


@shared_task
def purge_login_attempts() -> int:
    return actions.login_attempts_purge()


@shared_task
def flag_daily() -> dict:
    from staff import rhythms

    return rhythms.morning().as_dict()


@shared_task
def month_end() -> dict:
    from staff import rhythms

    return rhythms.month_end().as_dict()
