"""The .xlsx sheets of people and points: the month's pay sheet as a township's finance office
takes it (网格员基本工资及绩效工资发放表), and a village shop's stock-take. Every cell goes
through gridgov.xlsx: amounts are numbers shown to the fen, text stays text."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.xlsx import append_row, write_cell

MONEY = "#,##0.00"
SCORE = "0.00"


def _book():
    from openpyxl import Workbook

    book = Workbook()
    return book, book.active


def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    return {
        "box": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title": Font(size=16, bold=True),
        "bold": Font(bold=True),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(sheet, text: str, width: int, style) -> None:
    append_row(sheet, [text])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = style["title"]
    sheet["A1"].alignment = style["centre"]
    sheet.row_dimensions[1].height = 30


def _box(sheet, first_row: int, last_row: int, width: int, style) -> None:
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=width):
        for cell in row:
            cell.border = style["box"]


def pay_xlsx(node, month: dt.date, lines, totals: dict) -> bytes:
    """One row a worker of the published sheets under `node` for `month`: village, grid, name,
    the grid's class and coefficient, score and grade, base pay, performance pay, the sum, and a
    column to sign for it; the totals below, then the lines for the office's signatures."""
    book, sheet = _book()
    style = _styles()
    sheet.title = _("Pay sheet")[:31]
    headers = [
        _("No."),
        _("Village"),
        _("Grid"),
        _("Person's name"),
        _("Difficulty"),
        _("Coefficient"),
        _("Score"),
        _("Grade"),
        _("Base pay (yuan)"),
        _("Performance pay (yuan)"),
        _("Total (yuan)"),
        _("Signature"),
        _("Remarks"),
    ]
    width = len(headers)
    _title(
        sheet,
        _("%(place)s: grid workers' base and performance pay, %(year)d-%(month)02d")
        % {"place": node.name, "year": month.year, "month": month.month},
        width,
        style,
    )
    append_row(
        sheet,
        [_("Unit"), node.name, None, None, _("Month"), f"{month:%Y-%m}", None, None,
         _("Made on"), timezone.localdate()],
    )  # fmt: skip
    sheet.cell(row=2, column=10).number_format = "yyyy-mm-dd"
    append_row(sheet, headers)
    for cell in sheet[3]:
        cell.font, cell.alignment = style["bold"], style["centre"]
    for number, line in enumerate(lines, start=1):
        append_row(
            sheet,
            [
                number,
                line.sheet.village.name,
                line.grid.name,
                line.worker.first_name or line.worker.username,
                line.difficulty or "—",
                line.coefficient,
                line.score,
                line.get_grade_display(),
                line.base_pay,
                line.performance_pay,
                line.total_pay,
                "",
                _("Objection under review") if getattr(line, "open", 0) else "",
            ],
        )
        row = sheet.max_row
        sheet.cell(row=row, column=6).number_format = SCORE
        sheet.cell(row=row, column=7).number_format = SCORE
        for column in (9, 10, 11):
            sheet.cell(row=row, column=column).number_format = MONEY
    total_row = sheet.max_row + 1
    write_cell(sheet, total_row, 1, _("Total"))
    sheet.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=8)
    for column, key in ((9, "base"), (10, "performance"), (11, "total")):
        cell = write_cell(sheet, total_row, column, totals[key])
        cell.number_format, cell.font = MONEY, style["bold"]
    _box(sheet, 3, total_row, width, style)
    append_row(sheet, [])
    append_row(
        sheet,
        [_("Prepared by:"), None, None, _("Checked by:"), None, None, _("Approved by:"),
         None, None, _("Finance office:")],
    )  # fmt: skip
    for column, size in zip(
        "ABCDEFGHIJKLM", (6, 14, 18, 10, 8, 8, 8, 10, 14, 14, 14, 12, 16), strict=True
    ):
        sheet.column_dimensions[column].width = size
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    return _saved(book)


def stock_take_xlsx(village, month: dt.date, rows) -> bytes:
    """盘点表: each goods with the month's opening stock, stocked, redeemed, counted off, and
    closing stock, and a blank column for the count on the shelf."""
    book, sheet = _book()
    style = _styles()
    sheet.title = _("Stock-take")[:31]
    headers = [
        _("Goods"),
        _("Unit of sale"),
        _("Price in points"),
        _("Opening stock"),
        _("Stocked"),
        _("Redeemed"),
        _("Stock-take corrections"),
        _("Closing stock"),
        _("Counted on the shelf"),
    ]
    width = len(headers)
    _title(
        sheet,
        _("%(place)s points shop: stock-take, %(year)d-%(month)02d")
        % {"place": village.name, "year": month.year, "month": month.month},
        width,
        style,
    )
    append_row(sheet, headers)
    for cell in sheet[2]:
        cell.font, cell.alignment = style["bold"], style["centre"]
    for row in rows:
        append_row(
            sheet,
            [
                row.item.name,
                row.item.unit,
                row.item.price,
                row.opening,
                row.stocked,
                row.redeemed,
                row.corrected,
                row.closing,
                "",
            ],
        )
    _box(sheet, 2, sheet.max_row, width, style)
    append_row(sheet, [])
    append_row(sheet, [_("Counted by:"), None, None, _("Checked by:"), None, None, _("Date:")])
    for column, size in zip("ABCDEFGHI", (18, 8, 10, 10, 10, 10, 14, 10, 14), strict=True):
        sheet.column_dimensions[column].width = size
    return _saved(book)
