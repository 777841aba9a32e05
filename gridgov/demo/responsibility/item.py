"""What one item of the responsibility list says, before it is in the database."""

from dataclasses import dataclass

TOWN = None  # the owner of an item the town answers for itself


@dataclass(frozen=True)
class Item:
    key: str
    domain: str
    matter: str
    department: str | None  # a COUNTY_DEPARTMENTS key, or TOWN
    lead_unit: str
    supporting_units: str
    section: str
    instructions: str
