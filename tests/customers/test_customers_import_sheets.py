"""Customer files as offices really keep them, imported over HTTP: Excel workbooks (a notes sheet first, a title
row and a two-row header of merged cells, numbers for phones, a hidden sheet), CSV with a title row above the
columns, numbers Excel wrote as 1.3800138E+10 or pandas as 13800138000.0, and files that cannot be read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.customers.csv_read import header_found, read_table
from hub.customers.import_columns import Columns, field_of
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from tests.conftest import Hub, make_token

FIXTURES = Path(__file__).parent / "fixtures"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def post(hub: Hub, db: Database, data: bytes, content_type: str = "text/csv") -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}", "Content-Type": content_type}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(hub.url + "/api/v1/customers/import", data=data) as r,
    ):
        body: dict[str, Any] = await r.json()
        return r.status, body


async def people(db: Database) -> dict[str, dict[str, list[str]]]:
    """Customers by name, with their identities by kind."""
    async with db.read() as s:
        names = {c.id: c.display_name for c in await s.scalars(select(Customer))}
        found: dict[str, dict[str, list[str]]] = {name: {} for name in names.values()}
        for row in await s.scalars(select(Identity).order_by(Identity.id)):
            found[names[row.customer_id]].setdefault(row.kind, []).append(row.value)
    return found


async def test_an_excel_workbook_is_read_as_excel_shows_it(hub: Hub, db: Database) -> None:
    status, report = await post(hub, db, (FIXTURES / "excel_cn_merged_header.xlsx").read_bytes(), XLSX)
    assert status == 200, report
    # The notes sheet before it and the hidden test sheet after it are passed over; the title row and the
    # merged two-row header ("联系方式" over 手机 and 邮箱) give the columns.
    assert report["file"] == {"encoding": "xlsx", "separator": "", "sheet": "客户名单"}
    assert report["ignored_columns"] == ["注册日期", "备注"] and report["errors"] == []
    assert (report["imported"], report["refused"]) == (4, 0)
    assert [d["line"] for d in report["duplicates"]] == [8]  # the same row twice: one customer
    assert await people(db) == {
        "张伟": {"email": ["zhang.wei@example.cn"], "phone": ["+8613800138000"]},
        "李娜": {"email": ["lina@example.cn"], "phone": ["+8613900139000"]},  # stored as 1.3900139E10
        "赵磊": {"email": ["zhaolei@example.cn"], "phone": ["+861088886666"]},  # shown as 01088886666
        "陈静": {"email": ["chen.jing@example.cn"], "phone": ["+8613700137000"]},  # rich text, no pinyin guide
    }


async def test_a_csv_title_row_and_excel_s_numbers(hub: Hub, db: Database) -> None:
    status, report = await post(hub, db, (FIXTURES / "excel_gbk_title_row_numbers.csv").read_bytes())
    assert status == 200, report
    assert report["file"] == {"encoding": "gb18030", "separator": ","}
    assert report["imported"] == 4 and report["refused"] == 0
    # Six significant digits are all Excel's General format keeps: the number is not guessed, the row says why.
    [shortened] = report["errors"]
    assert (shortened["line"], shortened["field"], shortened["refused"]) == (6, "phone", False)
    assert "scientific notation loses digits" in shortened["error"]
    # A row's line is where it starts, an address on two lines included.
    assert [d["line"] for d in report["duplicates"]] == [8]
    found = await people(db)
    assert found["张伟"]["phone"] == ["+8613800138000"] and found["李娜"]["phone"] == ["+8613900139000"]
    assert "phone" not in found["王芳"] and found["赵磊"]["phone"] == ["+861088886666"]


async def test_a_header_of_merged_cells_saved_as_csv(hub: Hub, db: Database) -> None:
    status, report = await post(hub, db, (FIXTURES / "two_row_merged_header.csv").read_bytes())
    assert status == 200 and report["errors"] == [] and report["imported"] == 2, report
    found = await people(db)
    assert found["陈静"] == {"email": ["chenjing@example.cn"], "phone": ["+8613700137000"]}
    assert found["刘洋"]["phone"] == ["+8615000150000"]  # written "150 0015 0000（手机）": the note is no digit


def zipped(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return out.getvalue()


WORKBOOK = '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'


def broken_cell() -> bytes:
    """The fixture with a row number no program writes."""
    source = zipfile.ZipFile(FIXTURES / "excel_cn_merged_header.xlsx")
    members = {name: source.read(name).decode() for name in source.namelist()}
    members["xl/worksheets/sheet2.xml"] = members["xl/worksheets/sheet2.xml"].replace('<row r="4"', '<row r="four"')
    return zipped(members)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), "no Excel workbook (.xlsx)"),
        ((FIXTURES / "excel_cn_merged_header.xlsx").read_bytes()[:1500], "no Excel workbook (.xlsx)"),
        (zipped({"xl/workbook.xml": "<workbook"}), "the workbook is damaged (xl/workbook.xml cannot be read)"),
        (zipped({"xl/workbook.xml": WORKBOOK}), "no Excel workbook (.xlsx)"),  # no relationships part
        (zipped({"xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": "<Relationships/>"}), "no visible sheet"),
        (zipped({"xl/workbook.xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>'}), "damaged"),
        (broken_cell(), "the workbook is damaged: one of its cells cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003 workbook (.xls)"),
    ],
)
async def test_a_file_that_is_no_readable_workbook_is_refused_clearly(
    hub: Hub, db: Database, data: bytes, error: str
) -> None:
    status, body = await post(hub, db, data, XLSX)
    assert status == 422 and error in body["error"]["message"], body
    assert await people(db) == {}


def test_a_first_row_that_only_looks_like_column_names_stays_a_row() -> None:
    recognised = (lambda cells: Columns.of(cells).has_identity(), lambda cell: bool(field_of(cell)))
    # The first customer lives in a place called "城市", under the address column: a row, not a second header.
    table = header_found(read_table("姓名,手机,邮箱,所在地\r\n王芳,,,城市\r\n".encode()), *recognised)
    assert table.header == ["姓名", "手机", "邮箱", "所在地"] and table.rows == [(2, ["王芳", "", "", "城市"])]
