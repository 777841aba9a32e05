"""Cells of gridgov's workbooks: text is never a formula and never breaks the export."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from gridgov.xlsx import append_row, clean_text, write_cell


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.invalid","y")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
@pytest.mark.parametrize("how", ["append_row", "write_cell"])
def test_text_with_a_formula_prefix_is_read_back_as_a_plain_string(text, how):
    book = Workbook()
    sheet = book.active
    if how == "append_row":
        append_row(sheet, ["编号", text])
    else:
        write_cell(sheet, 1, 2, text)
    data = _saved(book)
    cell = load_workbook(io.BytesIO(data)).active["B1"]
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "\n")  # spreadsheets keep a line feed, not a CR
    assert cell.quotePrefix  # stays text when someone edits the cell
    assert "<f>" not in _sheet_xml(data) and "<f " not in _sheet_xml(data)


def test_characters_a_workbook_cannot_hold_are_dropped_not_an_error():
    book = Workbook()
    every_refused = "".join(chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20)])
    append_row(book.active, [f"井盖{every_refused}缺失", "=1\x01+2"])
    sheet = load_workbook(io.BytesIO(_saved(book))).active
    assert sheet["A1"].value == "井盖缺失"
    assert (sheet["B1"].value, sheet["B1"].data_type) == ("=1+2", "s")


def test_a_formula_hidden_behind_a_refused_character_is_still_text():
    book = Workbook()
    append_row(book.active, ["\x01=1+2"])
    cell = load_workbook(io.BytesIO(_saved(book))).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+2", "s", True)


def test_numbers_dates_and_empty_cells_keep_their_type_and_ordinary_text_is_not_marked():
    book = Workbook()
    append_row(book.active, [3, 0.5, -2, dt.date(2026, 11, 16), None, "排水沟", gettext_lazy("No")])
    sheet = load_workbook(io.BytesIO(_saved(book))).active
    values = [c.value for c in sheet[1]]
    assert values[:3] == [3, 0.5, -2] and values[3].date() == dt.date(2026, 11, 16)
    assert values[4:] == [None, "排水沟", str(gettext_lazy("No"))]
    assert sheet["C1"].data_type == "n" and not sheet["F1"].quotePrefix


def test_clean_text_keeps_tabs_and_line_breaks():
    assert clean_text("一\t二\r\n三\r四\x0b") == "一\t二\n三\n四"
