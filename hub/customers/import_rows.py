"""One row of a customer import read field by field: a bad field is reported and left out, the rest is kept."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.customers.identities import InvalidIdentity, normalize
from hub.customers.phones import Phone, parse_cell
from hub.customers.regions import row_region
from hub.envelopes import IdentityRef, storable_text

WECHAT, UNIONID, WEBCHAT, SITE_USER = "wechat", "wechat.unionid", "webchat", "site_user"
DEFAULT_WIDGET = "default"  # a website's widget when a row names none (hub/channels/webchat/config.py)
_ADDRESS = re.compile(r"^[^@\s]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")
_ADDRESS_IN_TEXT = re.compile(r"[^\s<>,;，；、\"'()（）]+@[^\s<>,;，；、\"'()（）]+")
_OPENID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
_APPID = re.compile(r"^wx[0-9a-f]{16}$", re.I)
_VISITOR_KEY = re.compile(r"^[0-9a-f]{64}$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Tier names people write for the usual four (when those are the configured ones).
_TIER_WORDS = {
    "钻石": "diamond", "黄金": "gold", "金": "gold", "金卡": "gold", "白银": "silver", "银": "silver",
    "银卡": "silver", "普通": "general", "标准": "general", "vip": "gold", "standard": "general",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Context:
    """What rows are read against: the configured tiers, the default region and the WeChat accounts."""

    tiers: tuple[str, ...]
    default_region: str | None = None
    wechat_accounts: Mapping[str, str] = field(default_factory=dict)  # account name -> appid
    decimal_comma: bool = False  # semicolon-separated European exports write 1.234,50


@dataclass
class Row:
    line: int
    name: str = ""
    identities: list[IdentityRef] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)  # also in identities, as E.164
    tier: str | None = None
    margin: float | None = None
    region: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # country, address, region as read: kept on the customer
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, name: str, value: str, error: str) -> None:
        self.errors.append({"line": self.line, "field": name, "value": value[:200], "error": error})

    @property
    def emails(self) -> list[str]:
        return [r.value for r in self.identities if r.kind == "email"]

    def extension(self, e164: str) -> str | None:
        return next((p.extension for p in self.phones if p.e164 == e164), None)


def read_row(line: int, values: dict[str, list[str]], ctx: Context) -> Row:
    row = Row(line)
    # Cells are untrusted text: control characters go (PostgreSQL refuses NUL), the rest is kept as written.
    values = {k: [storable_text(v) for v in cells] for k, cells in values.items()}
    row.name = _name(values)
    country, address = " ".join(values.get("country", [])), ", ".join(values.get("address", []))
    row.region, source = row_region(country, address, ctx.default_region)
    row.details = {k: v[:500] for k, v in (("country", country), ("address", address)) if v}
    if row.region and source != "default_region":
        row.details["region"] = row.region
    for cell in values.get("email", []):
        _emails(row, cell)
    _phones(row, values)
    for cell in values.get("wechat_openid", []):
        _openid(row, cell, " ".join(values.get("wechat_account", [])), ctx)
    for cell in values.get("wechat_unionid", []):
        _plain(row, "wechat_unionid", cell, UNIONID, _OPENID, "a unionid is 6-64 letters, digits, - or _")
    for cell in values.get("webchat", []):
        why = "a web chat visitor id is the 64-hex key the API shows"
        _plain(row, "webchat", cell.lower(), WEBCHAT, _VISITOR_KEY, why)
    widget = (values.get("widget") or [DEFAULT_WIDGET])[0]
    for cell in values.get("site_user", []):
        row.identities.append(IdentityRef(SITE_USER, f"{widget}:{cell.strip()}"[:320]))
    if values.get("tier"):
        row.tier = _tier(row, values["tier"][0], ctx.tiers)
    if values.get("annual_margin"):
        row.margin = _margin(row, values["annual_margin"][0], ctx.decimal_comma)
    return row


def _name(values: dict[str, list[str]]) -> str:
    if values.get("name"):
        return " ".join(values["name"][0].split())[:200]
    parts = [values.get(k, [""])[0].strip() for k in ("first_name", "middle_name", "last_name")]
    first, last = parts[0], parts[2]
    if _CJK.search(first + last):
        return f"{last}{first}"[:200]  # 姓 then 名, no space: 王 + 小明 = 王小明
    return " ".join(p for p in parts if p)[:200]


def _emails(row: Row, cell: str) -> None:
    text = unicodedata.normalize("NFKC", cell).strip()
    found = _ADDRESS_IN_TEXT.findall(re.sub(r"(?i)mailto:", "", text))
    if not found:
        row.fail("email", cell, f"not an email address: {cell!r}")
    for address in found:
        address = address.strip(".")
        if len(address) > 254 or not _ADDRESS.match(address):
            row.fail("email", cell, f"not an email address: {address[:100]!r}")
            continue
        ref = normalize(IdentityRef("email", address))
        if ref not in row.identities:
            row.identities.append(ref)


def _phones(row: Row, values: dict[str, list[str]]) -> None:
    extension = next((re.sub(r"\D", "", e) for e in values.get("extension", []) if re.sub(r"\D", "", e)), None)
    for cell in values.get("phone", []):
        phones, errors = parse_cell(cell, row.region)
        for error in errors:
            row.fail("phone", cell, error)
        for phone in phones:
            if phone.extension is None and extension is not None and not row.phones:
                phone = Phone(phone.e164, extension)  # an extension column belongs to the first number
            if all(p.e164 != phone.e164 for p in row.phones):
                row.phones.append(phone)
                row.identities.append(IdentityRef("phone", phone.e164))


def _openid(row: Row, cell: str, account: str, ctx: Context) -> None:
    value = cell.strip()
    appid, _, openid = value.rpartition(":")
    if not appid:
        named = ctx.wechat_accounts.get(account.strip()) or (account.strip() if _APPID.match(account.strip()) else "")
        if account.strip() and not named:
            row.fail("wechat_account", account, f"no WeChat account {account!r} is configured")
            return
        if not named and len(ctx.wechat_accounts) == 1:
            named = next(iter(ctx.wechat_accounts.values()))
        if not named:
            row.fail("wechat_openid", cell, "an openid belongs to one official account: add a wechat_account column "
                     "(the account's name or appid), or write appid:openid")  # fmt: skip
            return
        appid = named
    if not _APPID.match(appid) or not _OPENID.match(openid):
        row.fail("wechat_openid", cell, "an openid is 6-64 letters, digits, - or _ (appid:openid with an appid wx...)")
        return
    row.identities.append(IdentityRef(WECHAT, f"{appid}:{openid}"))


def _plain(row: Row, name: str, cell: str, kind: str, pattern: re.Pattern[str], why: str) -> None:
    value = cell.strip()
    if not pattern.match(value):
        row.fail(name, cell, why)
        return
    try:
        row.identities.append(normalize(IdentityRef(kind, value)))
    except InvalidIdentity as exc:
        row.fail(name, cell, str(exc))


def _tier(row: Row, cell: str, tiers: tuple[str, ...]) -> str | None:
    key = unicodedata.normalize("NFKC", cell).strip().lower()
    tier = key if key in tiers else _TIER_WORDS.get(key.removesuffix("会员").removesuffix("客户"))
    if tier is None or tier not in tiers:
        row.fail("tier", cell, f"tier {cell!r} is not one of {', '.join(tiers)}")
        return None
    return tier


def _margin(row: Row, cell: str, decimal_comma: bool) -> float | None:
    try:
        value = amount(cell, decimal_comma)
    except ValueError as exc:
        row.fail("annual_margin", cell, str(exc))
        return None
    if value < 0:
        row.fail("annual_margin", cell, "annual_margin must be 0 or more")
        return None
    return value


def amount(cell: str, decimal_comma: bool = False) -> float:
    """ "¥12,345.60", "12.345,60 €", "1'234.50", "1.2万", "USD 300" -> a number."""
    text = unicodedata.normalize("NFKC", cell).strip()
    scale = 10_000 if text.endswith("万") else 1
    text = re.sub(r"(?i)[¥$€£元万\s']|rmb|cny|usd|eur|gbp|hkd", "", text)
    if not re.fullmatch(r"-?[\d.,]+", text or "x"):
        raise ValueError(f"not an amount: {cell!r}")
    if "," in text and "." in text:
        decimal: str | None = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        decimal = "," if decimal_comma or not re.fullmatch(r"-?\d{1,3}(,\d{3})+", text) else None
    elif "." in text:
        decimal = None if decimal_comma and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text) else "."
    else:
        decimal = None
    for mark in ",.":
        if mark != decimal:
            text = text.replace(mark, "")  # thousands separators
    return float(text.replace(",", ".")) * scale


def order_date(cell: str) -> date:
    """ "2026-11-03", "2026/11/3", "2026年11月3日", "03.11.2026" (day first), "2026-11-03 14:22"; a day/month
    order that cannot be told ("3/11/2026") is refused rather than guessed."""
    text = unicodedata.normalize("NFKC", cell).strip().split(" ")[0].split("T")[0]
    if m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", text):
        first, second = int(m[1]), int(m[2])
        if first > 12:
            return date(int(m[3]), second, first)
        if second > 12:
            return date(int(m[3]), first, second)
        raise ValueError(f"date {cell!r} could be day/month or month/day: write it as YYYY-MM-DD")
    raise ValueError(f"not a date: {cell!r} (YYYY-MM-DD)")
