"""Run jobs at the same moment, each on its own thread and so its own database connection."""

import threading

from django.db import connection


def run_at_once(*jobs, timeout: float = 120) -> list:
    """Start every job together (a barrier); return each job's result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = job()
        except Exception as exc:  # handed back: each test says which may fail and how
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes


def errors_of(outcomes: list) -> list[Exception]:
    return [o for o in outcomes if isinstance(o, Exception)]
