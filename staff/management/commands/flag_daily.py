import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from staff.rhythms import daily_flags


class Command(BaseCommand):
    help = "Flag yesterday's missed patrols and overdue household visits (once each morning)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO time to run as of (default: now), for replays")

    def handle(self, *args, now=None, **options):
        when = None
        if now:
            try:
                when = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now {now!r} is not an ISO date and time") from exc
        result = daily_flags(now=when)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.as_dict().items()))
