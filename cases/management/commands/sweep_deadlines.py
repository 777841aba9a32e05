import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cases.actions import deadline_sweep


class Command(BaseCommand):
    help = "Run the deadline sweep once (warn, flag overdue, supervise, escalate, flag progress)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO time to sweep as of (default: now), for replays")

    def handle(self, *args, now=None, **options):
        when = None
        if now:
            try:
                when = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now {now!r} is not an ISO date and time") from exc
        result = deadline_sweep(now=when)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.as_dict().items()))
