"""Cells for every .xlsx gridgov writes: text stays text, whatever a resident typed into it."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell
from openpyxl.worksheet.worksheet import Worksheet

# Text that a spreadsheet program may run as a formula when it starts with one of these
# (directly, after an edit of the cell, or once the sheet is saved as CSV).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_PLAIN = (int, float, decimal.Decimal, dt.datetime, dt.date, dt.time, dt.timedelta)


def clean_text(value: str) -> str:
    """The text as a cell can hold it: control characters removed, line breaks as "\\n"."""
    # openpyxl refuses these characters outright, and old rows may hold them; the XML reader
    # of every spreadsheet program turns a CR into a line feed anyway.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _fill(cell: Cell, value) -> Cell:
    if value is None or isinstance(value, _PLAIN):
        cell.value = value
        return cell
    raw = str(value)  # lazy translations and anything else become their text
    cell.value = clean_text(raw)
    # openpyxl reads a leading "=" as a formula; a string cell is never evaluated.
    cell.data_type = TYPE_STRING
    if raw.startswith(FORMULA_PREFIXES) or cell.value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True  # and stays text when someone edits the cell in Excel
    return cell


def append_row(sheet: Worksheet, values: Iterable) -> None:
    """Add a row below the last one, every text value written as a plain string cell."""
    sheet.append([_fill(Cell(sheet), value) for value in values])


def write_cell(sheet: Worksheet, row: int, column: int, value) -> Cell:
    """Set one cell, a text value written as a plain string cell."""
    return _fill(sheet.cell(row=row, column=column), value)
