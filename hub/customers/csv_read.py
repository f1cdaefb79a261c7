"""Reading a spreadsheet export as it arrives: its encoding, its separator, its lines (numbered as in the file).

Excel saves "CSV UTF-8" with a byte-order mark, plain "CSV" in the machine's code page (GBK on Chinese
Windows, Big5 in Hong Kong and Taiwan, Windows-1252 in Western Europe, where the separator is also a
semicolon because the comma is the decimal mark), "Unicode text" as UTF-16 with tabs, and sometimes a
first line `sep=;`. Which legacy code page a file is in is told by what its text would be in each: common
Chinese characters for GBK and Big5, accented letters inside words for Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from hub.wording import Worded

MAX_ROWS = 100_000
_LEGACY = ("gb18030", "big5", "cp1252")
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.I)
_LATIN_SYMBOLS = frozenset("€£°«»“”‘’–—·²³§¥©®")


class ImportRefused(Worded, ValueError):
    """The file as a whole cannot be read (encoding, header, size): nothing imported."""


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    delimiter: str
    encoding: str
    sheet: str | None = None  # a workbook's sheet the rows are from


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name)."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused("this is an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV UTF-8 first")
    if data.startswith(b"PK\x03\x04"):  # xlsx_read.tables reads workbooks; a caller of this function wants text
        raise ImportRefused("this is a spreadsheet workbook (.xlsx/.xls), not CSV: save it as CSV UTF-8 first")
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:200]:
        # UTF-16 without its mark: every ASCII character has a zero byte beside it.
        odd = data[1:200:2].count(0) > data[0:200:2].count(0)
        try:
            return data.decode("utf-16-le" if odd else "utf-16-be"), "utf-16"
        except UnicodeDecodeError:
            raise ImportRefused("the file has zero bytes in it: save it as CSV UTF-8") from None
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise ImportRefused(
                    "the file starts as %(encoding)s but is not valid %(encoding)s text", encoding=name
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    scored = []
    for name in _LEGACY:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((_plausible(text, name), -_LEGACY.index(name), name, text))
    if not scored or max(scored)[0] < 0.6:
        raise ImportRefused("cannot tell the file's encoding: save it as CSV UTF-8 (Excel: File > Save As > CSV UTF-8)")
    _, _, name, text = max(scored)
    return text, name


def _plausible(text: str, encoding: str) -> float:
    """The share of non-ASCII characters that are what real text in this encoding is made of."""
    positions = [i for i, c in enumerate(text) if ord(c) > 127]
    if not positions:
        return 1.0
    good = sum(1 for i in positions if _fits(text, i, encoding))
    return good / len(positions)


def _fits(text: str, i: int, encoding: str) -> bool:
    char = text[i]
    if encoding in ("gb18030", "big5"):
        # GB2312's symbols and its 6,763 hanzi; Big5's symbols and its 5,401 frequent characters.
        ranges = ((0xA1, 0xA9), (0xB0, 0xF7)) if encoding == "gb18030" else ((0xA1, 0xA3), (0xA4, 0xC6))
        try:
            lead = char.encode("gb2312" if encoding == "gb18030" else "big5")
        except UnicodeEncodeError:
            return False
        return len(lead) == 2 and any(lo <= lead[0] <= hi for lo, hi in ranges)
    if not char.isalpha():
        return char in _LATIN_SYMBOLS
    # Müller, José, Straße: an accented letter sits next to plain letters; mis-decoded CJK makes runs.
    return any(0 <= j < len(text) and text[j].isascii() and text[j].isalpha() for j in (i - 1, i + 1))


def _delimiter(first_line: str) -> str:
    counts = dict.fromkeys((",", ";", "\t", "|"), 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(data: bytes) -> Table:
    text, encoding = decode(data)
    lines = text.splitlines(keepends=True)
    offset = 0
    while offset < len(lines) and not lines[offset].strip():
        offset += 1
    if offset == len(lines):
        raise ImportRefused("the file is empty")
    forced = _SEP_LINE.match(lines[offset])
    if forced:
        offset += 1  # Excel's "sep=;" hint line
    body = "".join(lines[offset:])
    delimiter = forced[1] if forced else _delimiter(lines[offset] if offset < len(lines) else "")
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows: list[tuple[int, list[str]]] = []
        ended = reader.line_num
        for cells in reader:
            # A row's line is where it starts: a quoted cell may hold line breaks (an address on two lines).
            start, ended = ended + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines and Excel's trailing ",,,," rows
            if len(rows) >= MAX_ROWS:
                raise ImportRefused("more than %(max)s rows: split the file", max=MAX_ROWS)
            rows.append((start + offset, cells))
    except csv.Error as exc:
        # The csv module's own words (English) for what is wrong on the line.
        raise ImportRefused("line %(line)s: %(problem)s", line=reader.line_num + offset, problem=str(exc)) from None
    return Table(header, rows, delimiter, encoding)


def read_rows(table: Table, required: set[str], any_of: set[str] | None = None) -> list[tuple[int, dict[str, str]]]:
    """(line number, row by lower-case column name) pairs, for files with fixed column names (orders)."""
    header = [h.lower() for h in table.header]
    names = set(header)
    any_of = any_of or set()
    if not required <= names or (any_of and not any_of & names):
        wanted = ", ".join(sorted(required | any_of))
        raise ImportRefused(
            "the first line must name the columns (%(wanted)s); found: %(found)s",
            wanted=wanted,
            found=", ".join(sorted(names)),
        )
    return [(line, {h: c.strip() for h, c in zip(header, cells, strict=False) if h}) for line, cells in table.rows]


TITLE_ROWS = 10  # lines above the column names a sheet may have: a title, an export date, a note


def header_found(table: Table, is_header: Callable[[list[str]], bool], names: Callable[[str], bool]) -> Table:
    """The table with its column names where they really are. Exports often start with a title row (a merged
    "客户名单 2026年12月" cell) above the names; a header of merged group cells ("联系方式" over 手机 and 邮箱)
    has the real names on the line below, and a group's name stands only over its first column. `is_header`:
    whether a line's cells name the columns; `names`: whether one cell is a column name."""
    lines = [(0, table.header), *table.rows[:TITLE_ROWS]]
    at = next((i for i, (_, cells) in enumerate(lines) if is_header(cells)), None)
    if at is None:
        return table
    header, rows = [c.strip() for c in lines[at][1]], table.rows[at:]
    if rows and _names_below(rows[0][1], header, names):
        group = ""
        merged = []
        for cell in header:
            group = cell or group  # a merged cell's text is in its first column only
            merged.append(group)
        below = rows[0][1]
        header = [
            (below[i].strip() if i < len(below) else "") or merged[i] for i in range(max(len(header), len(below)))
        ]
        rows = rows[1:]
    return replace(table, header=header, rows=rows)


def _names_below(cells: list[str], above: list[str], names: Callable[[str], bool]) -> bool:
    """A second header line: under a group (a merged cell: empty, or repeating its left neighbour, above) it
    names a column, and nothing in it is what a customer's row has (an address, a number). A first row whose
    city happens to be "城市" sits under a column of its own and is data."""
    new = {i: c.strip() for i, c in enumerate(cells) if c.strip() and c.strip() != (above[i] if i < len(above) else "")}
    grouped = {i for i in new if i >= len(above) or not above[i] or (i > 0 and above[i] == above[i - 1])}
    named = any(names(new[i]) for i in grouped)
    return named and not any("@" in c or any(ch.isdigit() for ch in c) for c in new.values())
