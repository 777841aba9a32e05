"""The grids app's models: the tree (tree.py) and the ledgers of its grids (ledger.py), all
importable from here (`from grids.models import GridNode`)."""

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
from grids.models.tree import (
    CHILD_TIERS,
    CODE_PATTERNS,
    CODE_SHAPES,
    Difficulty,
    GridNode,
    GridNodeManager,
    GridNodeQuerySet,
    Kind,
    RetiredCode,
    Tier,
    code_prefix_node,
    span_contains,
    validate_code,
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
    "Organization",
    "Resident",
    "ResidentTag",
    "RetiredCode",
    "RevealLog",
    "Tier",
    "code_prefix_node",
    "id_number_is_valid",
    "span_contains",
    "validate_code",
    "validate_id_number",
    "validate_tier",
]
