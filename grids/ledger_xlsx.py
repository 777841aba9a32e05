"""The Excel ledger: the template to fill in, and reading an uploaded file into LedgerRows.
The file's content is checked (a real .xlsx, not a renamed text), and its size capped."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from grids.actions import LedgerRow

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

# Column headings (as the township's sheets have them) and the LedgerRow field each fills.
COLUMNS = (
    ("网格编码", "grid_code"),
    ("门牌地址", "address"),
    ("户主", "head_name"),
    ("户类别", "category"),
    ("人数", "members"),
    ("家庭情况", "family_situation"),
    ("联系方式", "contact"),
    ("政治面貌", "political_status"),
    ("诉求", "needs"),
    ("人员构成", "composition"),
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("电话", "phone"),
    ("与户主关系", "relation"),
    ("标签", "tags"),
)


class LedgerFileError(ValueError):
    """The file cannot be read as a ledger at all (not its rows: those are LedgerPlan errors)."""


def template_bytes() -> bytes:
    """An empty ledger with its headings and one example row."""
    from openpyxl import Workbook

    from gridgov.xlsx import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    append_row(sheet, [h if h != "户类别" else "户类别(重点户/监测户/一般户)" for h, _f in COLUMNS])
    append_row(
        sheet,
        [
            "610722107201001",
            "梁家庵村一组12号",
            "张三",
            "一般户",
            3,
            "务农",
            "13800001234",
            "群众",
            "",
            "夫妻二人，一子",
            "张三",
            "",
            "13800001234",
            "本人",
            "",
        ],
    )
    for i, _h in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + i)].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(data: bytes) -> list[LedgerRow]:
    """The ledger rows of an uploaded .xlsx; LedgerFileError when it is no such file."""
    if len(data) > MAX_BYTES:
        raise LedgerFileError(
            _("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LedgerFileError(_("This is not an Excel (.xlsx) file."))
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any failure to read means the same thing to the person uploading
        raise LedgerFileError(_("This is not an Excel (.xlsx) file.")) from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, ())]
        positions = {}
        for heading, name in COLUMNS:
            match = [i for i, h in enumerate(header) if h.split("(")[0].split("（")[0] == heading]
            if not match:
                raise LedgerFileError(
                    _("The column “%(heading)s” is missing; start from the template.")
                    % {"heading": heading}
                )
            positions[name] = match[0]
        rows = []
        for number, values in enumerate(lines, start=2):
            if not any(_text(v) for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise LedgerFileError(
                    _("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS}
                )
            cells = {
                name: _text(values[i]) if i < len(values) else "" for name, i in positions.items()
            }
            rows.append(LedgerRow(number=number, **cells))
        return rows
    finally:
        book.close()
