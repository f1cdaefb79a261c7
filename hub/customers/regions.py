"""Which country a spreadsheet row is in, from its country or address cells: the region that reads its numbers.

Country names come from CLDR (Babel) in the languages customer lists are kept in, plus ISO codes (CN, CHN)
and the everyday names CLDR does not list (USA, UK, 大陆, 香港). An address is read at its ends ("..., USA",
"中国上海市...") and, for Chinese addresses, by the province or city it starts with ("上海市浦东新区...").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import phonenumbers

LANGUAGES = ("en", "zh", "zh_Hant", "de", "fr", "es", "it", "nl", "pt", "ja", "ko", "ru")
_EVERYDAY = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "united states of america": "US", "美國": "US",
    "uk": "GB", "u.k.": "GB", "england": "GB", "great britain": "GB", "britain": "GB", "scotland": "GB",
    "wales": "GB", "prc": "CN", "p.r.c.": "CN", "p.r. china": "CN", "pr china": "CN", "mainland china": "CN",
    "china mainland": "CN", "people's republic of china": "CN", "中华人民共和国": "CN", "中國": "CN",
    "大陆": "CN", "中国大陆": "CN", "内地": "CN", "hong kong": "HK", "hongkong": "HK", "香港": "HK",
    "中国香港": "HK", "macau": "MO", "macao": "MO", "澳门": "MO", "澳門": "MO", "中国澳门": "MO",
    "taiwan": "TW", "台湾": "TW", "台灣": "TW", "中国台湾": "TW", "south korea": "KR", "korea": "KR",
    "韩国": "KR", "russia": "RU", "vietnam": "VN", "uae": "AE",
}  # fmt: skip
# Provinces, autonomous regions and municipalities, as Chinese addresses begin (with or without 省/市).
_CN_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "内蒙古", "广西", "西藏", "宁夏", "新疆", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安",
    "厦门", "青岛", "大连", "宁波",
)  # fmt: skip
_US_STATE_ZIP = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?$")
_PARTS = re.compile(r"\s*[,\n;，、]\s*")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .")


@cache
def _names() -> dict[str, str]:
    """Country name (case-folded) -> ISO 3166 alpha-2, for every region phonenumbers knows."""
    # Babel's locale data for a dozen languages: loaded by the first spreadsheet read, not by every server.
    from babel import Locale
    from babel.core import get_global

    regions = phonenumbers.SUPPORTED_REGIONS
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in regions:
                names.setdefault(_key(name), code)
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and targets and targets[0] in regions:
            names.setdefault(alias.casefold(), targets[0])  # ISO alpha-3: CHN, USA, DEU
    for code in regions:
        names.setdefault(code.casefold(), code)
    names.update({_key(k): v for k, v in _EVERYDAY.items()})
    return names


def country_code(cell: str) -> str | None:
    """ "中国", "China", "CN", "CHN", "United States", "USA", "Deutschland" -> the region code; None if unknown."""
    key = _key(cell)
    if not key:
        return None
    return _names().get(key) or _names().get(key.removesuffix(" (the)"))


def from_address(address: str) -> str | None:
    """The country an address names at either end, or a Chinese one by its province or city."""
    text = unicodedata.normalize("NFKC", address).strip()
    if not text:
        return None
    parts = [p for p in _PARTS.split(text) if p]
    if parts and _US_STATE_ZIP.search(parts[-1]):
        return "US"  # "Springfield, IL 62701"
    for part in (parts[-1], parts[0]) if parts else ():
        for candidate in (part, re.sub(r"[\d\s-]+$|^[\d\s-]+", "", part)):
            # Two letters at an address's end are a state or province (CA, IL), not a country; "UK" is.
            if len(_key(candidate)) > 2 or _key(candidate) in _EVERYDAY:
                code = country_code(candidate)
                if code:
                    return code
    for name, code in _EVERYDAY.items():
        if not name.isascii() and text.startswith(name):
            return code  # "香港九龙...", "中国上海..."
    for name in ("中国", *_CN_PROVINCES):
        if text.startswith(name):
            return "CN"
    return None


def row_region(country: str, address: str, default: str | None) -> tuple[str | None, str]:
    """(region, where it came from) for reading a row's national numbers: its country column, its address,
    else the configured default."""
    if country and (code := country_code(country)):
        return code, "country"
    if address and (code := from_address(address)):
        return code, "address"
    return default, "default_region"
