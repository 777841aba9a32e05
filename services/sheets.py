"""The service catalog as a spreadsheet (.xlsx), out and in. Written cell by cell through
gridgov.xlsx (text stays text: a formula typed into a name is never run); read through the
bounded reader of the ledgers (grids.ledger_xlsx.read_cells), whatever the file holds."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from grids.ledger_xlsx import LedgerFileError, read_cells
from services import lines
from services.models import Domain

# Column headings (as the township's sheets have them) and the field each fills.
COLUMNS = (
    ("事项编码", "code"),
    ("事项名称", "name"),
    ("提供地点编码", "node_code"),
    ("所属平台或部门", "platform"),
    ("类别", "domain"),
    ("服务内容", "content"),
    ("办事程序", "procedure"),
    ("政策依据", "basis"),
    ("所需材料", "materials"),
    ("服务电话", "phone"),
    ("法定时限(工作日)", "statutory_days"),
    ("承诺时限(工作日)", "promised_days"),
    ("收费(元)", "fee"),
    ("收费说明", "fee_note"),
    ("可网上办理", "online"),
    ("可代办", "errand"),
    ("在用", "active"),
)
MAX_ITEMS = 1_000  # a county's catalog is a few hundred items
_YES = {"是", "可", "可以", "yes", "y", "true", "1", "√", "✓"}
_NO = {"否", "不可", "不", "no", "n", "false", "0", "×", ""}


class SheetError(ValueError):
    """The file cannot be read as a catalog at all."""


@dataclass
class ItemRow:
    number: int
    values: dict[str, str]


def _domain_words() -> dict[str, str]:
    words = {value: value for value in Domain.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words.update({str(label).lower(): value for value, label in Domain.choices})
    return words


def domain_of(text: str) -> str | None:
    return _domain_words().get((text or "").strip().lower())


def yes_no(text: str) -> bool | None:
    word = (text or "").strip().lower()
    return True if word in _YES else False if word in _NO else None


def catalog_bytes(items) -> bytes:
    """The items (with their current version, node and platform) as a sheet to edit and read
    back in: the import takes exactly these columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from gridgov.xlsx import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "便民服务事项"
    append_row(sheet, [heading for heading, _f in COLUMNS])
    with translation.override("zh-hans"):
        for item in items:
            v = item.current
            append_row(
                sheet,
                [
                    item.code,
                    v.name,
                    item.node.code,
                    item.platform.name,
                    str(Domain(item.domain).label) if item.domain in Domain.values else "",
                    v.content,
                    lines.steps_text(v.steps),
                    lines.basis_text(v.documents),
                    lines.materials_text(v.material_list),
                    v.phone,
                    v.statutory_days,
                    v.promised_days,
                    float(v.fee),
                    v.fee_note,
                    "是" if v.online else "否",
                    "是" if v.errand else "否",
                    "是" if item.active else "否",
                ],
            )
    for i, width in enumerate((16, 22, 16, 20, 12, 40, 40, 40, 40, 16, 10, 10, 8, 16, 8, 8, 6)):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_catalog(data: bytes) -> list[ItemRow]:
    """The rows of an uploaded catalog sheet, by heading; SheetError when it is no such file."""
    try:
        rows = read_cells(data, columns=len(COLUMNS), max_rows=MAX_ITEMS + 1)
    except LedgerFileError as exc:
        raise SheetError(str(exc)) from None
    if not rows:
        raise SheetError(_("The sheet is empty; start from the exported catalog."))
    header = [cell.split("(")[0].split("（")[0].strip() for cell in rows[0]]
    expected = [heading.split("(")[0] for heading, _f in COLUMNS]
    if header != expected:
        missing = next((h for h, e in zip(header, expected, strict=True) if h != e), "")
        raise SheetError(
            _("The columns are not the catalog's (“%(heading)s”); start from the exported catalog.")
            % {"heading": missing or expected[0]}
        )
    # Blank rows are skipped by the reader: an item is named by its place among the items.
    return [
        ItemRow(number, {field: cells[i] for i, (_h, field) in enumerate(COLUMNS)})
        for number, cells in enumerate((r for r in rows[1:] if any(r)), start=1)
    ]
