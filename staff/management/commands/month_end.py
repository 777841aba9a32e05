from gridgov.management.rhythm import RhythmCommand
from staff.rhythms import month_end


class Command(RhythmCommand):
    help = "Compute last month's appraisal sheets and points of every village (on the 1st)."

    def rhythm(self, now):
        return month_end(now=now)
