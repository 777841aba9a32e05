import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cases import actions
from cases.models import PeriodicReport


class Command(BaseCommand):
    help = "Generate the last completed weekly/monthly/quarterly reports for every town and county."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=PeriodicReport.Kind.values)
        parser.add_argument("--today", help="ISO date to count 'last completed period' from")

    def handle(self, *args, kind=None, today=None, **options):
        now = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today {today!r} is not an ISO date") from exc
            from django.utils import timezone

            now = timezone.make_aware(dt.datetime.combine(day, dt.time(6, 0)))
        made = actions.generate_due_reports(kinds=kind, now=now)
        self.stdout.write(f"{len(made)} reports generated")
