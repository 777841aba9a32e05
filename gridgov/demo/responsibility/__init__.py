"""The demo's responsibility list (责任清单): 51 items as in seed 004, those a county
department answers for and those the town answers for itself. An item is matched by its domain
and matter, so running it again adds nothing and never overwrites what an admin changed."""

from cases.models import ResponsibilityItem, Unit
from gridgov.demo.responsibility.county import COUNTY_ITEMS
from gridgov.demo.responsibility.item import TOWN, Item
from gridgov.demo.responsibility.town import TOWN_ITEMS
from gridgov.demo.tree import CHENGGU
from gridgov.demo.units import COUNTY_DEPARTMENTS, phone

__all__ = ["ITEMS", "TOWN", "Item", "ensure_items"]

# 51 items, as many as 郯城县's list (seed 004). Items are global in the current model: the
# department-owned ones point at 城固县's departments, and their phones are 城固 numbers.
ITEMS = [*COUNTY_ITEMS, *TOWN_ITEMS]


def ensure_items(say) -> tuple[int, dict[str, ResponsibilityItem]]:
    departments = {
        unit.name: unit
        for unit in Unit.objects.filter(node__code=CHENGGU, kind=Unit.Kind.COUNTY_DEPARTMENT)
    }
    names = dict(COUNTY_DEPARTMENTS)
    items, added = {}, 0
    for n, spec in enumerate(ITEMS, start=1):
        unit = departments.get(names[spec.department]) if spec.department else None
        if spec.department and unit is None:
            say(f"{spec.matter}: {names[spec.department]} of 城固县 is missing, item left out")
            continue
        item = ResponsibilityItem.objects.filter(domain=spec.domain, matter=spec.matter).first()
        if item is None:
            item = ResponsibilityItem.objects.create(
                domain=spec.domain,
                matter=spec.matter,
                owner=ResponsibilityItem.Owner.DEPARTMENT
                if unit
                else ResponsibilityItem.Owner.TOWN,
                department=unit,
                lead_unit=spec.lead_unit,
                supporting_units=spec.supporting_units,
                section=spec.section,
                phone=unit.phone if unit else phone(CHENGGU, 500 + n),
                instructions=spec.instructions,
            )
            added += 1
        items[spec.key] = item
    say(f"responsibility list: {added} items added")
    return added, items
