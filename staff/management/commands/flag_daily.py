from gridgov.management.rhythm import RhythmCommand
from staff.rhythms import morning


class Command(RhythmCommand):
    help = (
        "Flag yesterday's missed patrols, overdue household visits and people overdue for "
        "training, and remind of terms ending within 60 days (once each morning)."
    )

    def rhythm(self, now):
        return morning(now=now)
