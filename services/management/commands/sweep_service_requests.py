from gridgov.management.rhythm import RhythmCommand
from services.actions import orders_sweep, request_sweep


class Command(RhythmCommand):
    help = (
        "Run the services' sweep once: requests past their promised time, help orders not "
        "dispatched or not taken in their time."
    )

    def rhythm(self, now):
        result = request_sweep(now=now)
        result.orders_overdue = orders_sweep(now=now)
        return result
