"""The services app's models, by subject; all importable from here
(`from services.models import ServiceItem`)."""

from services.models.catalog import Domain, MaterialForm, ServiceItem, ServiceItemVersion
from services.models.duty import DutyBooking, DutySlot
from services.models.privacy import PhoneReveal
from services.models.requests import (
    OPEN_REQUEST_STATUSES,
    Channel,
    Delivery,
    MaterialsNotice,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestSequence,
    ServiceVisit,
)
from services.models.volunteers import (
    OPEN_ORDER_STATUSES,
    Activity,
    ActivitySignup,
    HelpKind,
    HelpOrder,
    HelpOrderEvent,
    OrderStatus,
    TeamKind,
    Volunteer,
    VolunteerTeam,
)

__all__ = [
    "OPEN_ORDER_STATUSES",
    "Activity",
    "ActivitySignup",
    "HelpKind",
    "HelpOrder",
    "HelpOrderEvent",
    "OrderStatus",
    "TeamKind",
    "Volunteer",
    "VolunteerTeam",
    "OPEN_REQUEST_STATUSES",
    "Channel",
    "Delivery",
    "Domain",
    "DutyBooking",
    "DutySlot",
    "MaterialForm",
    "MaterialsNotice",
    "PhoneReveal",
    "RequestStatus",
    "ServiceItem",
    "ServiceItemVersion",
    "ServiceRequest",
    "ServiceRequestEvent",
    "ServiceRequestSequence",
    "ServiceVisit",
]
