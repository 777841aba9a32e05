"""What every rhythm's command shares: run it once, optionally as of another time (for replays),
and print what it did. Beat runs the same function through a task (gridgov/schedule.py)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class RhythmCommand(BaseCommand):
    def rhythm(self, now: dt.datetime | None):
        """The rhythm's function, called with the time to run as of (None: now)."""
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO time to run as of (default: now), for replays")

    def handle(self, *args, now=None, **options):
        when = None
        if now:
            try:
                when = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now {now!r} is not an ISO date and time") from exc
        result = self.rhythm(when)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.as_dict().items()))
