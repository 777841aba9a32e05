from gridgov.management.rhythm import RhythmCommand
from staff.rhythms import daily_flags


class Command(RhythmCommand):
    help = (
        "Flag yesterday's missed patrols, overdue household visits and people overdue for "
        "training (once each morning)."
    )

    def rhythm(self, now):
        return daily_flags(now=now)
