from celery import shared_task

from cases import actions


@shared_task
def sweep_deadlines() -> dict:
    return actions.deadline_sweep().as_dict()


@shared_task
def generate_reports(kinds: list[str] | None = None) -> int:
    return len(actions.generate_due_reports(kinds=kinds))


@shared_task
def refresh_rollups() -> int:
    """The province summary's tables, brought up to the cases changed since the last run."""
    from cases import rollups

    return sum(rollups.refresh().values())
