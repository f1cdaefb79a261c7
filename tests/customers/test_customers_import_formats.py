"""Customer imports read spreadsheets as they are exported: encodings, separators, column names, phone habits."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from hub.settings import PROJECT_ROOT, Settings, SettingsError, load_settings
from tests.conftest import Hub, make_token

FIXTURES = Path(__file__).parent / "fixtures"


async def upload(hub: Hub, db: Database, name: str, path: str = "/api/v1/customers/import") -> dict[str, Any]:
    token = await make_token(db, "supervisor")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(hub.url + path, data=(FIXTURES / name).read_bytes()) as r,
    ):
        assert r.status == 200, await r.text()
        report: dict[str, Any] = await r.json()
        return report


async def people(db: Database) -> dict[str, tuple[Customer, dict[str, list[str]]]]:
    """Imported customers by name, with their identities by kind."""
    async with db.read() as s:
        customers = {c.id: c for c in await s.scalars(select(Customer))}
        found: dict[int, dict[str, list[str]]] = {i: {} for i in customers}
        for row in await s.scalars(select(Identity).order_by(Identity.id)):
            found[row.customer_id].setdefault(row.kind, []).append(row.value)
    return {c.display_name: (c, found[c.id]) for c in customers.values()}


def expected_rows() -> list[dict[str, str]]:
    text = (FIXTURES / "excel_utf8_bom_mixed_phones.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


async def test_phone_numbers_as_people_write_them(hub: Hub, db: Database) -> None:
    report = await upload(hub, db, "excel_utf8_bom_mixed_phones.csv")
    rows = expected_rows()
    readable = [r for r in rows if r["expected_e164"] != "error"]
    assert report["imported"] == len(readable) and report["file"]["encoding"] == "utf-8-sig"
    assert report["ignored_columns"] == ["expected_e164", "expected_extension"]
    found = await people(db)
    for row in readable:
        customer, identities = found[row["姓名"]]
        assert identities["phone"] == [row["expected_e164"]], row
        extensions = customer.attributes.get("phone_extensions", {})
        assert extensions.get(row["expected_e164"]) == (row["expected_extension"] or None), row
    # A national number with no country anywhere (no column, no address, no default) cannot be read.
    [refused] = [e for e in report["errors"] if e["refused"]]
    assert refused["field"] == "phone" and "needs its country code" in refused["error"]
    assert "周杰" not in found and report["refused"] == 1


@pytest.fixture
async def china_hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub whose customers are mostly in China: [customers] default_region = "CN"."""
    configured = dataclasses.replace(settings, customers_default_region="CN")
    app = create_app(configured)
    return Hub(await aiohttp_server(app), app, configured)


async def test_a_default_region_reads_national_numbers_the_row_does_not_place(china_hub: Hub, db: Database) -> None:
    report = await upload(china_hub, db, "excel_utf8_bom_mixed_phones.csv")
    assert report["refused"] == 0 and report["errors"] == []
    found = await people(db)
    assert found["周杰"][1]["phone"] == ["+8613800138005"]
    assert found["Emily Stone"][1]["phone"] == ["+14155550132"]  # the row's own country still wins


def test_the_default_region_comes_from_the_toml_or_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    base = (PROJECT_ROOT / "config" / "hub.toml").read_text(encoding="utf-8")
    config.write_text(base + '\n[customers]\ndefault_region = "cn"\n', encoding="utf-8")
    assert load_settings(env={"HUB_CONFIG": str(config)}).customers_default_region == "CN"
    env = {"HUB_CONFIG": str(config), "HUB_CUSTOMERS_DEFAULT_REGION": "US"}
    assert load_settings(env=env).customers_default_region == "US"
    with pytest.raises(SettingsError, match="HUB_CUSTOMERS_DEFAULT_REGION='China'"):
        load_settings(env={**env, "HUB_CUSTOMERS_DEFAULT_REGION": "China"})
    config.write_text(base + '\n[customers]\ndefault_regoin = "CN"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"customers\.default_regoin"):
        load_settings(env={"HUB_CONFIG": str(config)})


# (fixture, encoding as read, {name: (e-mails, phones)}, {name: annual margin}, {name: tier})
EXPORTS: list[tuple[str, str, dict[str, tuple[list[str], list[str]]], dict[str, float], dict[str, str]]] = [
    (
        "gbk_crm_export.csv",
        "gb18030",
        {
            "张三丰": (["zhang.sf@example.cn"], ["+8613911112222"]),
            "李四": ([], ["+862164381234"]),
            "王五": (["wangwu@example.cn"], ["+8675588881234", "+8613922223333"]),
        },
        {"王五": 12000.0},
        {"张三丰": "gold", "李四": "general", "王五": "diamond"},  # 金卡, 普通; 12,000 x 0.8 / 0.3 = 32,000
    ),
    (
        "excel_eu_semicolon.csv",
        "cp1252",
        {
            "Jürgen Groß": (["juergen.gross@example.de"], ["+4930901820"]),
            "Amélie Dubois": (["amelie@example.fr"], ["+33142685300"]),
            "José Núñez": (["jose@example.es"], ["+34912345678"]),
        },
        {"Jürgen Groß": 1234.5, "Amélie Dubois": 12000.0, "José Núñez": 800.75},
        {},
    ),
    (
        "outlook_de_contacts.csv",
        "cp1252",
        {
            "Renate Schäfer": (["r.schaefer@example.de"], ["+49891234567", "+491712345678"]),
            "Lukas Weiß": ([], ["+491609876543"]),
        },
        {},
        {},
    ),
    (
        "google_contacts.csv",
        "utf-8",
        {
            "Olivia Brown": (
                ["olivia.brown@example.com", "olivia@work.example"],
                ["+12125550147", "+12125550148", "+16465550149"],
            ),
            "Kenji Sato": (["kenji.sato@example.jp"], ["+819012345678"]),
        },
        {},
        {},
    ),
    (
        "excel_unicode_text_utf16.csv",
        "utf-16",
        {
            "周雨": (["zhou.yu@example.cn"], ["+8618600001111"]),
            "Anna Kowalska": (["anna@example.pl"], ["+48221234567"]),
        },
        {},
        {},
    ),
    (
        "big5_hk_export.csv",
        "big5",
        {
            "陳大文": (["chan.taiman@example.hk"], ["+85291234567"]),
            "黃小玲": (["wong.siuling@example.hk"], ["+85261234567"]),
        },
        {},
        {},
    ),
]


@pytest.mark.parametrize(("name", "encoding", "expected", "margins", "tiers"), EXPORTS, ids=[e[0] for e in EXPORTS])
async def test_spreadsheet_exports_in_their_own_encoding_separator_and_column_names(
    hub: Hub,
    db: Database,
    name: str,
    encoding: str,
    expected: dict[str, tuple[list[str], list[str]]],
    margins: dict[str, float],
    tiers: dict[str, str],
) -> None:
    report = await upload(hub, db, name)
    assert report["file"]["encoding"] == encoding and report["imported"] == len(expected)
    found = await people(db)
    for person, (emails, phones) in expected.items():
        customer, identities = found[person]  # names arrive intact: no mojibake
        assert identities.get("email", []) == emails and identities.get("phone", []) == phones, person
        if person in margins:
            assert customer.attributes["annual_margin"] == margins[person]
        if person in tiers:
            assert customer.tier == tiers[person], person


async def test_a_bad_field_is_reported_and_the_rest_of_its_row_is_kept(hub: Hub, db: Database) -> None:
    report = await upload(hub, db, "gbk_crm_export.csv")
    by_line = {(e["line"], e["field"]): e for e in report["errors"]}
    bad_mail = by_line[(3, "email")]
    assert bad_mail["value"] == "lisi#example.cn" and not bad_mail["refused"]
    assert (await people(db))["李四"][1] == {"phone": ["+862164381234"]}
    # 赵六 has a place and a tier but nothing to recognise them by: refused, and said so.
    assert by_line[(5, None)]["refused"] and "nothing to recognise" in by_line[(5, None)]["error"]
    assert report["refused"] == 1 and "赵六" not in await people(db)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "workbook"),  # an .xlsx sent as is
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "workbook"),  # an old .xls
        (b"", "empty"),
        ("备注,金额\n老客户,300\n".encode(), "columns"),  # no column says who the customer is
    ],
)
async def test_a_file_that_is_no_customer_csv_is_refused_with_what_to_do(
    hub: Hub, db: Database, body: bytes, says: str
) -> None:
    token = await make_token(db, "supervisor")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(hub.url + "/api/v1/customers/import", data=body) as r,
    ):
        assert r.status == 422
        assert says in (await r.json())["error"]["message"]
    assert await people(db) == {}
