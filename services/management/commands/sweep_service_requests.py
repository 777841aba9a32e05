from gridgov.management.rhythm import RhythmCommand
from services.actions import request_sweep


class Command(RhythmCommand):
    help = "Run the service requests' sweep once (flag those past their promised time)."

    def rhythm(self, now):
        return request_sweep(now=now)
