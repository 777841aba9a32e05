"""`manage.py rollups`: bring the province summary's tables up to date now; `--rebuild` counts
every county again from its cases (after a restore, or if ever in doubt)."""

from django.core.management.base import BaseCommand

from cases import rollups


class Command(BaseCommand):
    help = "Refresh the rollup tables from the cases changed since the last run (--rebuild: all)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Count every county again.")

    def handle(self, *args, rebuild=False, **options):
        counted = rollups.rebuild() if rebuild else rollups.refresh()
        towns = sum(counted.values())
        self.stdout.write(f"{len(counted)} counties, {towns} towns counted")
