"""The case app's models, by subject; all importable from here (`from cases.models import Case`)."""

from cases.models.calls import CountyCall
from cases.models.case import Case, CaseSequence, new_tracking_code
from cases.models.choices import (
    HANDED_OVER_STATUSES,
    OPEN_STATUSES,
    Cadence,
    Color,
    DayKind,
    Source,
    Status,
)
from cases.models.history import Attachment, CaseEvent, Mediation, attachment_path
from cases.models.hotline import HotlineConfig, HotlineOrder, order_of
from cases.models.policy import Holiday, TriagePolicy
from cases.models.public import ResidentReporting
from cases.models.reports import PeriodicReport
from cases.models.rollups import (
    CaseCount,
    RollupState,
    TownDay,
    TownDue,
    TownDueMonth,
    TownMonth,
    TownOpen,
)
from cases.models.units import Category, ResponsibilityItem, Unit

__all__ = [
    "HANDED_OVER_STATUSES",
    "OPEN_STATUSES",
    "Attachment",
    "Cadence",
    "Case",
    "CaseEvent",
    "CaseCount",
    "CaseSequence",
    "Category",
    "Color",
    "CountyCall",
    "DayKind",
    "Holiday",
    "HotlineConfig",
    "HotlineOrder",
    "Mediation",
    "PeriodicReport",
    "ResidentReporting",
    "ResponsibilityItem",
    "RollupState",
    "Source",
    "Status",
    "TownDay",
    "TownDue",
    "TownDueMonth",
    "TownOpen",
    "TownMonth",
    "TriagePolicy",
    "Unit",
    "attachment_path",
    "new_tracking_code",
    "order_of",
]
