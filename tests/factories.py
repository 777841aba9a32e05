"""Factories for test data. Tree nodes go through grids.actions so tests see real lft/rght."""

import datetime as dt
import io
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from grids import actions as grid_actions
from staff import actions as staff_actions

PASSWORD = "correct-horse-battery-staple"

_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_node(parent, tier: str, name: str | None = None, code: str | None = None, **fields):
    """A node under `parent` with the next free code segment of the right length."""
    from grids.models import GridNode

    if parent is None:
        code = code or f"{610000 + next(_codes) % 9999:06d}"
    elif code is None:
        width = {"town": 3, "area": 0, "village": 3, "grid": 3, "micro_grid": 3}[tier]
        base = parent.code
        if parent.tier == "area":
            base = parent.parent.code
        if tier == "area":
            taken = GridNode.objects.filter(parent=parent, tier="area").count()
            code = f"{parent.code}P{taken + 1:02d}"
        else:
            n = next(_codes) % (10**width - 1) + 1
            code = f"{base}{n:0{width}d}"
    return grid_actions.node_create(
        actor=None,
        parent_id=parent.pk if parent else None,
        name=name or f"{tier}-{code}",
        tier=tier,
        code=code,
        **fields,
    )


def grant(user, node, role: str):
    return staff_actions.assignment_grant(actor=None, user_id=user.pk, node_id=node.pk, role=role)


# ---------------------------------------------------------------- the clock

T0 = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))  # a Monday, 09:00 Beijing time


# ---------------------------------------------------------------- the household ledger

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A resident ID number with the right check digit after the given seventeen digits."""
    return (
        body17
        + "10X98765432"[sum(int(d) * w for d, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]
    )


FULL_ID = id_number("61072219800101123")
PHONE = "13812345678"


def ledger_row(grid, address, head, name, idn="", phone="13800001234", category="一般户", tags=""):
    """One row of the township's ledger sheet, in grids.ledger_xlsx.COLUMNS order."""
    return [
        grid,
        address,
        head,
        category,
        2,
        "务农",
        "",
        "群众",
        "",
        "",
        name,
        idn,
        phone,
        "",
        tags,
    ]


def ledger_xlsx(rows) -> bytes:
    """An .xlsx of the ledger's headings and these rows."""
    from openpyxl import Workbook

    from grids.ledger_xlsx import COLUMNS

    book = Workbook()
    sheet = book.active
    sheet.append([heading for heading, _field in COLUMNS])
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_ledger_rows(tree, n=3):
    """n residents in grid A, two to a household, each with a valid ID number."""
    return [
        ledger_row(
            tree.grid_a.code,
            f"{i // 2}号",
            f"户主{i // 2}",
            f"人{i}",
            id_number(f"610722198001{i:05d}"),
        )
        for i in range(n)
    ]
