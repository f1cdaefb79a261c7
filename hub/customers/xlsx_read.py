"""An Excel workbook (.xlsx, SpreadsheetML in a zip) read as the rows its sheets show, for customer imports.

What an agent sees in Excel, not what it stores: shared and inline strings (rich text joined, phonetic
guides left out), numbers without a float's ".0" or exponent (a phone typed as a number, 13800138000, is
stored as 1.3800138E10), zeros a "00000000000" format shows in front, dates as YYYY-MM-DD, a merged cell's
text in every cell it covers, rows at their own numbers (empty ones skipped). Every visible sheet is read:
the importer takes the one whose columns it recognises. The XML goes through defusedxml, and members are
read only up to a size, so a hostile file (entities, a zip bomb) is refused rather than expanded.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from posixpath import join, normpath
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from hub.customers.csv_read import MAX_ROWS, ImportRefused, Table, read_table

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one sheet's XML; a 100,000-row export is about 30 MB
MERGED_CELLS = 1_000_000  # cells filled from merged areas in one sheet: a title row's merge is a few dozen
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")
# Built-in number formats that are dates (ECMA-376 18.8.30, with the East Asian ones: 27-36, 50-58).
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    rows: list[tuple[int, list[str]]]  # (row number in the sheet, cells from column A), empty rows left out


def read_workbook(data: bytes) -> list[Sheet]:
    """The visible sheets, in the workbook's order."""
    try:
        return _sheets(data)
    except ImportRefused:
        raise
    except (ValueError, IndexError, OverflowError):  # a number, reference or index no spreadsheet program writes
        raise ImportRefused("the workbook is damaged: one of its cells cannot be read") from None


def _sheets(data: bytes) -> list[Sheet]:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("this zip file is no Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8") from None
    workbook = _xml(book, "xl/workbook.xml")
    relations = {
        r.get("Id"): r.get("Target", "")
        for r in _xml(book, "xl/_rels/workbook.xml.rels").iter(f"{_PACKAGE_REL}Relationship")
    }
    strings = _shared_strings(book)
    styles = _date_and_zero_styles(book)
    pr = workbook.find(f"{_MAIN}workbookPr")
    epoch = date(1904, 1, 1) if pr is not None and pr.get("date1904") in ("1", "true") else date(1899, 12, 30)
    sheets = []
    for entry in workbook.iter(f"{_MAIN}sheet"):
        if entry.get("state") in ("hidden", "veryHidden"):
            continue
        target = relations.get(entry.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        if not target or path not in book.namelist():
            continue
        rows = _rows(_xml(book, path), strings, styles, epoch)
        sheets.append(Sheet(entry.get("name", ""), rows))
    if not sheets:
        raise ImportRefused("the workbook has no visible sheet to read")
    return sheets


def _xml(book: zipfile.ZipFile, name: str) -> Element:
    try:
        info = book.getinfo(name)
    except KeyError:
        raise ImportRefused("this zip file is no Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ImportRefused("the workbook is too large: split it, or save it as CSV UTF-8")
    try:
        with book.open(info) as member:
            root: Element = fromstring(member.read(MAX_MEMBER_BYTES + 1)[:MAX_MEMBER_BYTES])
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, EOFError):
        raise ImportRefused("the workbook is damaged (%(part)s cannot be read)", part=name) from None
    return root


def _text(item: Element) -> str:
    """A string item's text: its runs joined, phonetic guides (<rPh>, furigana and pinyin) left out."""
    if (plain := item.find(f"{_MAIN}t")) is not None:
        return plain.text or ""
    return "".join(t.text or "" for run in item.findall(f"{_MAIN}r") for t in run.findall(f"{_MAIN}t"))


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    return [_text(item) for item in _xml(book, "xl/sharedStrings.xml").iter(f"{_MAIN}si")]


@dataclass(frozen=True, slots=True)
class _Style:
    is_date: bool = False
    zeros: int = 0  # a format of zeros only ("00000000000"): the digits it shows, leading zeros included


def _date_and_zero_styles(book: zipfile.ZipFile) -> list[_Style]:
    """Per cell style (a cell's `s`), whether it shows a date or pads a number with zeros."""
    if "xl/styles.xml" not in book.namelist():
        return []
    root = _xml(book, "xl/styles.xml")
    codes = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    styles = []
    xfs = root.find(f"{_MAIN}cellXfs")
    for xf in xfs.findall(f"{_MAIN}xf") if xfs is not None else ():
        number = int(xf.get("numFmtId", "0"))
        code = _QUOTED.sub("", codes.get(number, "")).lower()
        is_date = number in _DATE_FORMATS or (number not in range(0, 14) and bool(re.search(r"[ymd]", code)))
        styles.append(_Style(is_date, len(code) if code and set(code) == {"0"} else 0))
    return styles


def _column(ref: str | None, fallback: int) -> int:
    found = _CELL.match(ref or "")
    if not found:
        return fallback
    index = 0
    for letter in found[1]:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(raw: str, style: _Style, epoch: date) -> str:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    if style.is_date:
        day = epoch + timedelta(days=int(value))
        seconds = round((value - int(value)) * 86400)
        return (
            day.isoformat()
            if not seconds
            else datetime.combine(day, datetime.min.time())
            .replace(hour=seconds // 3600, minute=seconds // 60 % 60)
            .strftime("%Y-%m-%d %H:%M")
        )
    if value == value.to_integral_value():
        return str(int(value)).zfill(style.zeros)
    return format(value.normalize(), "f")


def _cell(cell: Element, strings: list[str], styles: list[_Style], epoch: date) -> str:
    kind, raw = cell.get("t", "n"), cell.findtext(f"{_MAIN}v") or ""
    if kind == "s":
        return strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else ""
    if kind == "inlineStr":
        item = cell.find(f"{_MAIN}is")
        return _text(item) if item is not None else ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if kind in ("str", "e", "d"):
        return raw
    index = int(cell.get("s", "0") or 0)
    return _number(raw, styles[index] if index < len(styles) else _Style(), epoch) if raw else ""


def _rows(sheet: Element, strings: list[str], styles: list[_Style], epoch: date) -> list[tuple[int, list[str]]]:
    grid: dict[int, dict[int, str]] = {}
    for number, row in enumerate(sheet.iter(f"{_MAIN}row"), start=1):
        line = int(row.get("r", number))
        cells = grid.setdefault(line, {})
        for position, cell in enumerate(row.findall(f"{_MAIN}c")):
            cells[_column(cell.get("r"), position)] = _cell(cell, strings, styles, epoch)
    budget = MERGED_CELLS
    for merged in sheet.iter(f"{_MAIN}mergeCell"):
        first, _, last = (merged.get("ref") or "").partition(":")
        top, bottom = _CELL.match(first), _CELL.match(last)
        if not (top and bottom):
            continue
        text = grid.get(int(top[2]), {}).get(_column(first, 0), "")
        for line in range(int(top[2]), min(int(bottom[2]), int(top[2]) + 1000) + 1):
            for column in range(_column(first, 0), min(_column(last, 0), _column(first, 0) + 100) + 1):
                grid.setdefault(line, {})[column] = text  # what Excel shows across the merged area
                budget -= 1
                if budget < 0:
                    raise ImportRefused("the workbook is too large: split it, or save it as CSV UTF-8")
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
