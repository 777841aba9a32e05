"""Every write to the tree and the household ledger, by subject (the tree, the ledger, the
ledger's spreadsheet import, the street chiefs' road segments); all reachable from here:
`from grids import actions`."""

from grids.actions.ledger import (
    HOUSEHOLD_FIELDS,
    ORGANIZATION_FIELDS,
    RESIDENT_FIELDS,
    household_create,
    household_update,
    household_visited,
    organization_create,
    resident_create,
    resident_reveal,
    resident_update,
)
from grids.actions.ledger_import import (
    CATEGORY_WORDS,
    TAG_WORDS,
    LedgerImportError,
    LedgerPlan,
    LedgerRow,
    ledger_check,
    ledger_import,
)
from grids.actions.provinces import province_save
from grids.actions.streets import (
    SEGMENT_FIELDS,
    street_segment_create,
    street_segment_update,
)
from grids.actions.tree import (
    EDITABLE_FIELDS,
    NodeRow,
    check_code_free,
    node_create,
    node_delete,
    node_move,
    node_update,
    tree_bulk_create,
)

__all__ = [
    "CATEGORY_WORDS",
    "EDITABLE_FIELDS",
    "HOUSEHOLD_FIELDS",
    "ORGANIZATION_FIELDS",
    "RESIDENT_FIELDS",
    "SEGMENT_FIELDS",
    "TAG_WORDS",
    "LedgerImportError",
    "LedgerPlan",
    "LedgerRow",
    "NodeRow",
    "check_code_free",
    "household_create",
    "household_update",
    "household_visited",
    "ledger_check",
    "ledger_import",
    "node_create",
    "province_save",
    "node_delete",
    "node_move",
    "node_update",
    "organization_create",
    "resident_create",
    "resident_reveal",
    "resident_update",
    "street_segment_create",
    "street_segment_update",
    "tree_bulk_create",
]
