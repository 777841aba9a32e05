"""The grids app's models: the tree (tree.py), the ledgers of its grids (ledger.py) and the
street chiefs' road segments (streets.py), all importable from here
(`from grids.models import GridNode`)."""

from grids.models.ledger import (
    Household,
    HouseholdCategory,
    Organization,
    Resident,
    ResidentTag,
    RevealLog,
    id_number_is_valid,
    validate_id_number,
)
from grids.models.streets import SEGMENT_TIERS, StreetSegment
from grids.models.tree import (
    CHILD_TIERS,
    CODE_PATTERNS,
    CODE_SHAPES,
    Difficulty,
    GridNode,
    GridNodeManager,
    GridNodeQuerySet,
    Kind,
    Province,
    RetiredCode,
    Tier,
    code_prefix_node,
    span_contains,
    validate_code,
    validate_public_phone,
    validate_tier,
)

__all__ = [
    "CHILD_TIERS",
    "CODE_PATTERNS",
    "CODE_SHAPES",
    "Difficulty",
    "GridNode",
    "GridNodeManager",
    "GridNodeQuerySet",
    "Household",
    "HouseholdCategory",
    "Kind",
    "Province",
    "Organization",
    "Resident",
    "ResidentTag",
    "RetiredCode",
    "RevealLog",
    "SEGMENT_TIERS",
    "StreetSegment",
    "Tier",
    "code_prefix_node",
    "id_number_is_valid",
    "span_contains",
    "validate_code",
    "validate_id_number",
    "validate_public_phone",
    "validate_tier",
]
