"""Residents' personal data (PIPL): how it is masked, and who may see what of it.

Pages always show ID numbers and phones masked; the full value leaves the server only through
`grids.actions.resident_reveal`, which logs who saw what, when and why. The roles behind each
right are in staff/access.py ("resident.reveal", "resident.tags").
"""

from __future__ import annotations

from staff import access


def mask_id_number(value: str) -> str:
    """610722********1234: the place of registration and the last four, never the birth date."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****1234: enough to recognise a number, not enough to call it."""
    value = (value or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) < 8:
        return "*" * (len(value) - 4) + value[-4:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MASKS = {"id_number": mask_id_number, "phone": mask_phone}
REVEALABLE_FIELDS = tuple(MASKS)


def may_reveal(user, resident) -> bool:
    return access.can(user, "resident.reveal", resident)


def may_see_tags(user, obj) -> bool:
    return access.can(user, "resident.tags", obj)


def masked(resident) -> dict[str, str]:
    """The resident's personal fields as any page may show them."""
    return {name: mask(getattr(resident, name)) for name, mask in MASKS.items()}
