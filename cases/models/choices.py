"""The fixed words of a case: its color, status, source, report cadence and kind of day."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Color(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Handling")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.HANDLING)
# Whom a case still needs when its handler leaves: worked, or resolved and waiting for
# verification (a failed one goes back to its handler).
HANDED_OVER_STATUSES = (*OPEN_STATUSES, Status.RESOLVED)


class Source(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    VISIT = "visit", _("Household visit")
    INFORMANT = "informant", _("Informant")
    STREET_CHIEF = "street_chief", _("Street chief")
    RESIDENT = "resident", _("Resident")
    HOTLINE = "hotline", _("12345 hotline")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("Other system (API)")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")
