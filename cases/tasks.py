from celery import shared_task

from cases import reports, rhythms


@shared_task
def sweep_deadlines() -> dict:
    return rhythms.deadline_sweep().as_dict()


@shared_task
def generate_reports(kinds: list[str] | None = None) -> int:
    return len(reports.generate_due(kinds=kinds))
