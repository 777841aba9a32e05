from cases.actions import deadline_sweep
from gridgov.management.rhythm import RhythmCommand


class Command(RhythmCommand):
    help = "Run the deadline sweep once (warn, flag overdue, supervise, escalate, flag progress)."

    def rhythm(self, now):
        return deadline_sweep(now=now)
