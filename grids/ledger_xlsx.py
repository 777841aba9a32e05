"""The Excel ledger: the template to fill in, and reading an uploaded file into LedgerRows.

The reader is bounded, whatever the file: the zip's directory is checked before anything is
unpacked, the parts are streamed through expat in chunks, and rows, columns, elements and the
text of a cell are capped as they are read. It reads the parts itself rather than through
openpyxl, which loads the styles and every cell of a row into objects (a 5 MB styles part costs
600 MB there, a row of a million empty cells 300 MB) and pads a sheet out to its declared size.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _

from grids.actions import LedgerRow

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Blank rows read past MAX_ROWS before giving up (stray formatted rows below a ledger).
BLANK_ROWS = 1_000
# Columns a sheet may span: the template's, and room for a 序号 or notes column or two.
MAX_COLUMNS = 50
MAX_CELL = 1_000  # characters kept of one cell
MAX_UNPACKED = 50 * 1024 * 1024  # all parts together; a full ledger is about 20 MB
MAX_PART = 40 * 1024 * 1024
MAX_RATIO = 200  # sheets pack 5–20 to 1; a bomb packs 1000 to 1
MAX_ELEMENTS = 3_000_000  # in one part: a full ledger has under a million
# Bytes without a ">": longer than any tag or text (Excel holds 32,767 characters a cell).
MAX_GAP = 256 * 1024
_CHUNK = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline stay; CR made LF first
_INTEGER = re.compile(r"-?[0-9]+")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")

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


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _clean(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)[:MAX_CELL].strip()


def _number(text: str) -> str:
    """A number cell as the ledger reads it: 3.0 is "3"; junk stays text for the row checks."""
    if _INTEGER.fullmatch(text):
        return str(int(text))
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else str(value)


def _unusual() -> LedgerFileError:
    return LedgerFileError(
        _("This file is built unusually and cannot be read; save it again from Excel or WPS.")
    )


def _too_many_rows(row: int) -> LedgerFileError:
    return LedgerFileError(
        _(
            "The sheet reaches row %(row)d; a ledger has at most %(n)d rows. "
            "Delete the empty rows below it, or split it."
        )
        % {"row": row, "n": MAX_ROWS}
    )


def _too_many_columns() -> LedgerFileError:
    return LedgerFileError(
        _("The sheet has more than %(n)d columns; keep only the columns of the template.")
        % {"n": MAX_COLUMNS}
    )


def _check_sizes(book: zipfile.ZipFile) -> None:
    """Refuse a zip that would unpack to far more than a ledger, from its directory alone."""
    total = 0
    for info in book.infolist():
        total += info.file_size
        if info.file_size > MAX_PART or total > MAX_UNPACKED:
            limit = MAX_PART if info.file_size > MAX_PART else MAX_UNPACKED
            raise LedgerFileError(
                _("The file unpacks to more than %(mb)d MB; split it.")
                % {"mb": limit // 1024 // 1024}
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * info.compress_size:
            raise _unusual()


class _Stop(Exception):
    """Raised by a handler that has what it needs from a part."""


def _feed(book: zipfile.ZipFile, name: str, start, end=None, text=None):
    """Stream one XML part through expat, yielding after each chunk. Handlers get local names
    (any namespace); a DOCTYPE (never in a workbook, the door to entity tricks) is refused."""
    elements = 0

    def on_start(tag, attrs):
        nonlocal elements
        elements += 1
        if elements > MAX_ELEMENTS:
            raise _unusual()
        start(tag.rpartition(" ")[2], attrs)

    def on_doctype(*_args):
        raise _unusual()

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = on_doctype
    parser.StartElementHandler = on_start
    if end is not None:
        parser.EndElementHandler = lambda tag: end(tag.rpartition(" ")[2])
    if text is not None:
        parser.CharacterDataHandler = text
    gap = 0
    with book.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            first = chunk.find(b">")
            if first < 0:
                gap += len(chunk)
            elif gap + first > MAX_GAP:
                raise _unusual()
            else:
                gap = len(chunk) - chunk.rfind(b">") - 1
            if gap > MAX_GAP:
                raise _unusual()
            try:
                parser.Parse(chunk, False)
            except _Stop:
                return
            yield
        try:
            parser.Parse(b"", True)
        except _Stop:
            return
    yield


def _read_part(book, name, start, end=None, text=None) -> None:
    for _chunk in _feed(book, name, start, end, text):
        pass


def _relationships(book: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, member) of a part's relationships ("" for the package's own)."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", f"{base}.rels")
    found = []
    if name not in book.NameToInfo:
        return found

    def start(tag, attrs):
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found.append((attrs.get("Id", ""), attrs.get("Type", "").rpartition("/")[2], path))
            if len(found) > 1000:
                raise _unusual()

    _read_part(book, name, start)
    return [(i, kind, posixpath.normpath(path)) for i, kind, path in found]


def _first_sheet(book: zipfile.ZipFile) -> tuple[str, str | None]:
    """The member names of the first worksheet (in tab order) and of the shared strings."""
    workbook = next(
        (p for _i, kind, p in _relationships(book, "") if kind == "officeDocument"),
        "xl/workbook.xml",
    )
    sheet_ids = []

    def start(tag, attrs):
        if tag == "sheet":
            sheet_ids.append(next((v for k, v in attrs.items() if k.endswith(" id")), ""))
            if len(sheet_ids) > 1000:
                raise _unusual()

    _read_part(book, workbook, start)
    parts = _relationships(book, workbook)
    targets = {i: p for i, kind, p in parts if kind == "worksheet" and p in book.NameToInfo}
    sheet = next((targets[i] for i in sheet_ids if i in targets), None)
    if sheet is None:
        raise LedgerFileError(_("This is not an Excel (.xlsx) file."))
    strings = next(
        (p for _i, kind, p in parts if kind == "sharedStrings" and p in book.NameToInfo), None
    )
    return sheet, strings


class _Text:
    """The text of a cell or shared string, kept only up to MAX_CELL characters as it is read;
    phonetic guides (rPh) are not part of it."""

    def __init__(self):
        self.parts: list[str] | None = None
        self.size = 0
        self.reading = False
        self.phonetic = 0

    def begin(self):
        self.parts, self.size, self.reading, self.phonetic = [], 0, False, 0

    def start(self, tag):
        if tag == "rPh":
            self.phonetic += 1
        elif tag in ("t", "v") and self.parts is not None and not self.phonetic:
            self.reading = True

    def end(self, tag):
        if tag == "rPh":
            self.phonetic -= 1
        elif tag in ("t", "v"):
            self.reading = False

    def add(self, data: str):
        if self.reading and self.size < MAX_CELL:
            self.parts.append(data[: MAX_CELL - self.size])
            self.size += len(self.parts[-1])

    def finish(self) -> str:
        value = _clean("".join(self.parts or ()))
        self.parts = None
        return value


def _shared_strings(book: zipfile.ZipFile, name: str) -> list[str]:
    strings: list[str] = []
    text = _Text()

    def start(tag, attrs):
        if tag == "si":
            text.begin()
        else:
            text.start(tag)

    def end(tag):
        if tag == "si":
            strings.append(text.finish())
        else:
            text.end(tag)

    _read_part(book, name, start, end, text.add)
    return strings


def _sheet_rows(book: zipfile.ZipFile, name: str, strings: list[str]):
    """(row number, {column: text}) for each row element of the sheet, blank ones too, in the
    order of the file; the declared dimension is checked before any row is read."""
    done: list[tuple[int, dict[int, str]]] = []
    state = {"row": 0, "column": 0, "cells": None, "type": "n"}
    text = _Text()

    def start(tag, attrs):
        if tag == "dimension":
            found = _CELL_REF.fullmatch(attrs.get("ref", "").rpartition(":")[2])
            if found:
                last_row, last_column = int(found[2]), _column_number(found[1])
                if last_row > MAX_ROWS + 1 + BLANK_ROWS:
                    raise _too_many_rows(last_row)
                if last_column > MAX_COLUMNS:
                    raise _too_many_columns()
        elif tag == "row":
            number = attrs.get("r")
            state["row"] = int(number) if number is not None else state["row"] + 1
            if state["row"] < 1:
                raise LedgerFileError(_("This is not an Excel (.xlsx) file."))
            state["column"], state["cells"], state["count"] = 0, {}, 0
        elif tag == "c" and state["cells"] is not None:
            found = _CELL_REF.fullmatch(attrs.get("r", ""))
            state["column"] = _column_number(found[1]) if found else state["column"] + 1
            state["count"] += 1
            if state["column"] > MAX_COLUMNS or state["count"] > MAX_COLUMNS:
                raise _too_many_columns()
            state["type"] = attrs.get("t", "n")
            text.begin()
        else:
            text.start(tag)

    def end(tag):
        if tag == "c" and text.parts is not None:
            value, kind = text.finish(), state["type"]
            if kind == "s" and value:
                index = int(value)
                if index < 0:
                    raise IndexError(index)
                value = strings[index]
            elif kind == "n" and value:
                value = _number(value)
            if value:
                state["cells"][state["column"]] = value
        elif tag == "row" and state["cells"] is not None:
            done.append((state["row"], state["cells"]))
            state["cells"] = None
        elif tag == "sheetData":
            raise _Stop
        else:
            text.end(tag)

    for _chunk in _feed(book, name, start, end, text.add):
        yield from done
        done.clear()
    yield from done


def _positions(header: dict[int, str]) -> dict[str, int]:
    """The column of each ledger field, found by its heading ("户类别(…)" is 户类别)."""
    positions = {}
    for heading, name in COLUMNS:
        match = [c for c, h in sorted(header.items()) if re.split(r"[(（]", h)[0] == heading]
        if not match:
            raise LedgerFileError(
                _("The column “%(heading)s” is missing; start from the template.")
                % {"heading": heading}
            )
        positions[name] = match[0]
    return positions


def _ledger_rows(lines) -> list[LedgerRow]:
    """The rows below the heading row 1; every row element counts towards the limit."""
    limit = MAX_ROWS + 1 + BLANK_ROWS
    positions = None
    rows = []
    for seen, (number, cells) in enumerate(lines, start=1):
        if number > limit or seen > limit:
            raise _too_many_rows(max(number, seen))
        if positions is None:
            positions = _positions(cells if number == 1 else {})
            if number == 1:
                continue
        if not cells:
            continue
        if len(rows) >= MAX_ROWS:
            raise LedgerFileError(
                _("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS}
            )
        rows.append(LedgerRow(number=number, **{f: cells.get(c, "") for f, c in positions.items()}))
    if positions is None:
        _positions({})
    return rows


def _read_first_sheet(data: bytes, take):
    """`take(rows)` of the first sheet's (row number, {column: text}) rows, read within the
    limits above whatever the file; LedgerFileError when it is no such file, or too big."""
    if len(data) > MAX_BYTES:
        raise LedgerFileError(
            _("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            _check_sizes(book)
            sheet, strings_part = _first_sheet(book)
            strings = _shared_strings(book, strings_part) if strings_part else []
            lines = _sheet_rows(book, sheet, strings)
            try:
                return take(lines)
            finally:
                lines.close()
    except LedgerFileError:
        raise
    except Exception:  # a damaged zip or XML, a bad index: the same thing to the person uploading
        raise LedgerFileError(_("This is not an Excel (.xlsx) file.")) from None


def read_rows(data: bytes) -> list[LedgerRow]:
    """The ledger rows of an uploaded .xlsx; LedgerFileError when it is no such file, or more
    than a ledger."""
    return _read_first_sheet(data, _ledger_rows)


def read_cells(data: bytes, *, columns: int, max_rows: int) -> list[list[str]]:
    """Any other small sheet (a year's holidays): the first `columns` cells of each non-blank
    row, as cleaned text, read within the same limits as the ledger."""

    def take(lines) -> list[list[str]]:
        rows = []
        for seen, (number, cells) in enumerate(lines, start=1):
            if number > max_rows or seen > max_rows:
                raise _too_many_rows(max(number, seen))
            if cells:
                rows.append([cells.get(c, "") for c in range(1, columns + 1)])
        return rows

    return _read_first_sheet(data, take)
