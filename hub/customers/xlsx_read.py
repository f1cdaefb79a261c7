"""An Excel workbook (.xlsx) read by openpyxl as the rows its sheets show, for customer imports.

What an agent sees in Excel, not what it stores: strings with rich text joined and phonetic guides left out
(openpyxl), numbers without a float's ".0" or exponent (a phone typed as a number, 13800138000, is stored as
1.3800138E10), zeros a "00000000000" format shows in front, dates as YYYY-MM-DD, a merged cell's text in every
cell it covers, rows at their own numbers (empty ones skipped). Every visible sheet is read: the importer takes
the one whose columns it recognises. openpyxl parses the XML through defusedxml; before it opens the file, the
zip's members are measured and the merged areas counted, so a hostile file (a zip bomb, a merge over the whole
sheet) is refused rather than expanded.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError

from hub.customers.csv_read import MAX_ROWS, ImportRefused, Table, read_table

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part's XML, unpacked; a 100,000-row export's sheet is about 30 MB
MAX_PACKAGE_BYTES = 256 * 1024 * 1024  # all parts unpacked together
MERGED_CELLS = 1_000_000  # cells covered by merged areas in one sheet: a title row's merge is a few dozen
_WORKBOOK = "xl/workbook.xml"
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_XML_ERRORS = (ParseError, DefusedXmlException)
_MERGE_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    rows: list[tuple[int, list[str]]]  # (row number in the sheet, cells from column A), empty rows left out


# Workbooks are read in a worker thread (the importer's); one at a time, because the reading silences openpyxl's
# warnings with warnings.catch_warnings, which swaps the process's filters and must not interleave with another.
_ONE_AT_A_TIME = threading.Lock()


def read_workbook(data: bytes) -> list[Sheet]:
    """The visible sheets, in the workbook's order."""
    with _ONE_AT_A_TIME:
        return _read_workbook(data)


def _read_workbook(data: bytes) -> list[Sheet]:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("this zip file is no Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8") from None
    with book:
        _measure(book)
        merged = {name: _merged_areas(book, path) for name, path in _visible_sheets(book)}
    workbook = _load(data)
    try:
        return [
            Sheet(ws.title, _rows(ws, merged.get(ws.title, [])))
            for ws in workbook.worksheets
            if ws.sheet_state == "visible"
        ]  # chart sheets are no worksheets: openpyxl keeps them in workbook.chartsheets
    except (*_XML_ERRORS, ValueError, TypeError, IndexError, OverflowError, zipfile.BadZipFile, EOFError):
        raise ImportRefused("the workbook is damaged: one of its cells cannot be read") from None
    finally:
        workbook.close()


def _measure(book: zipfile.ZipFile) -> None:
    """Refuses a zip whose parts unpack to more than a workbook needs, before anything is unpacked."""
    sizes = [info.file_size for info in book.infolist()]
    if any(size > MAX_MEMBER_BYTES for size in sizes) or sum(sizes) > MAX_PACKAGE_BYTES:
        raise ImportRefused("the workbook is too large: split it, or save it as CSV UTF-8")


def _visible_sheets(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, part) of the visible sheets, read with openpyxl's workbook parser; refuses a package with none.

    Checked before openpyxl opens the whole file, so that a part missing or damaged is named to the agent."""
    from openpyxl.reader.workbook import WorkbookParser

    parser = WorkbookParser(book, _WORKBOOK)
    part = _WORKBOOK
    try:
        parser.parse()
        part = "xl/_rels/workbook.xml.rels"
        relations = parser.rels
    except KeyError:
        raise ImportRefused("this zip file is no Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8") from None
    except (*_XML_ERRORS, TypeError, ValueError):
        raise ImportRefused("the workbook is damaged (%(part)s cannot be read)", part=part) from None
    names = set(book.namelist())
    found = []
    for sheet in parser.sheets:
        relation = relations.get(sheet.id) if sheet.id else None
        if sheet.state == "visible" and relation is not None and relation.target in names:
            found.append((sheet.name, relation.target))
    if not found:
        raise ImportRefused("the workbook has no visible sheet to read")
    return found


def _merged_areas(book: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """A sheet's merged areas as (first column, first row, last column, last row), counted from 1.

    openpyxl's read-only mode, which streams rows rather than holding every cell, leaves merged cells out (and
    its full mode makes an object for every cell a merge covers: one over the whole sheet is 17 billion), so
    they are found here and refused past MERGED_CELLS cells. They follow the rows (<mergeCells> after
    <sheetData>, ECMA-376 18.3.1.99), so only the sheet's tail is searched: a second XML parse of a 30 MB sheet
    would take seconds; openpyxl parses the whole part as XML when it reads the rows."""
    from openpyxl.utils.cell import range_boundaries

    try:
        with book.open(path) as member:
            raw = member.read(MAX_MEMBER_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ImportRefused("the workbook is damaged (%(part)s cannot be read)", part=path) from None
    areas, budget = [], MERGED_CELLS
    for ref in _MERGE_CELL.findall(raw, max(raw.rfind(b"sheetData>"), 0)):
        try:
            left, top, right, bottom = (n or 1 for n in range_boundaries(ref.decode("ascii")))
        except (ValueError, TypeError, UnicodeDecodeError):  # a reference no spreadsheet program writes
            raise ImportRefused("the workbook is damaged: one of its cells cannot be read") from None
        budget -= (right - left + 1) * (bottom - top + 1)
        if budget < 0:
            raise ImportRefused("the workbook is too large: split it, or save it as CSV UTF-8")
        areas.append((left, top, right, bottom))
    return areas


def _load(data: bytes) -> Workbook:
    from openpyxl import load_workbook

    try:
        # openpyxl warns of what it leaves out (data validation, a missing default style): nothing an importer
        # needs, and the file is still read.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except KeyError:  # a part the package's manifest or relationships need is missing
        raise ImportRefused("this zip file is no Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8") from None
    except (*_XML_ERRORS, ValueError, TypeError, IndexError, OverflowError, zipfile.BadZipFile, EOFError):
        raise ImportRefused("the workbook is damaged: one of its cells cannot be read") from None


def _text(value: object, number_format: str) -> str:
    """A value as Excel shows it: openpyxl gives Python values, Excel shows text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            return str(value)
        if number == number.to_integral_value():
            # A "00000000000" format shows leading zeros: a landline kept as a number, 01088886666.
            code = _QUOTED.sub("", number_format)
            return str(int(number)).zfill(len(code) if code and set(code) == {"0"} else 0)
        return format(number.normalize(), "f")
    return str(value)


def _rows(ws: ReadOnlyWorksheet, merged: list[tuple[int, int, int, int]]) -> list[tuple[int, list[str]]]:
    from openpyxl.cell.read_only import ReadOnlyCell

    grid: dict[int, dict[int, str]] = {}
    ws.reset_dimensions()  # each row as long as its own cells: the <dimension> a file states may be wrong
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a date out of Excel's range: openpyxl warns and shows #VALUE!, as Excel
        for row in ws.rows:
            for cell in row:
                if cell.value is not None and isinstance(cell, ReadOnlyCell):
                    grid.setdefault(cell.row, {})[cell.column - 1] = _text(cell.value, cell.number_format)
    for left, top, right, bottom in merged:
        text = grid.get(top, {}).get(left - 1, "")
        for line in range(top, bottom + 1):
            for column in range(left - 1, right):
                grid.setdefault(line, {})[column] = text  # what Excel shows across the merged area
    rows = []
    for line in sorted(grid):
        cells = grid[line]
        if any(v.strip() for v in cells.values()):
            rows.append((line, [cells.get(i, "") for i in range(max(cells) + 1)]))
    return rows


def tables(data: bytes) -> list[Table]:
    """A CSV file's table, or a workbook's visible sheets as tables (their first row as the header)."""
    if not data.startswith(b"PK\x03\x04"):
        return [read_table(data)]
    found = []
    for sheet in read_workbook(data):
        if len(sheet.rows) > MAX_ROWS + 1:
            raise ImportRefused("more than %(max)s rows: split the file", max=MAX_ROWS)
        if sheet.rows:
            header = [c.strip() for c in sheet.rows[0][1]]
            found.append(Table(header, sheet.rows[1:], "", "xlsx", sheet.name))
    if not found:
        raise ImportRefused("the file is empty")
    return found
