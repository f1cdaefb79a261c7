"""Phone numbers as people write them in spreadsheets and forms -> E.164 plus extension (phonenumbers parses).

Handles full-width digits, `tel:` URIs, `(+86)`, `0086`/`00` and the region's own international prefix,
`+86 (0)21`, a country code written without `+` (`86-138...`), national numbers given the region, and
extensions (`ext. 12`, `x12`, `#12`, `转 8001`, `分机 8001`, `内线 12`, `010-8888 8888-8001`). One cell may hold
several numbers ("138 0013 8000 / 021-6123 4567").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# How people write an extension, in English and Chinese; phonenumbers knows "ext", "x", "#" and ";ext=".
_EXTENSION_WORDS = re.compile(
    r"\s*(?:转接|转|轉|分机号?|分機號?|内线|內線|extension|ext\.?|ex\.?)\s*[:：]?\s*(?=\d)", re.I
)
# Between numbers in one cell: slashes, semicolons, commas, Chinese enumeration marks, "or" / "或", ":::".
# (A tel: URI's own ";ext=" and ";phone-context=" are no separators.)
_SEPARATORS = re.compile(r"\s*(?:[/,，；、|\n]|;(?!\s*(?:ext|phone-context|isub)=)|:::|\bor\b|或)\s*", re.I)
_TRAILING_EXTENSION = re.compile(r"^(?P<number>.*\d)\s*-\s*(?P<ext>\d{1,6})$")
# A number column written out as numbers: "13800138000.0" (pandas, Numbers, a float column), "1.3800138E+10"
# (a program printing a float at full precision), "1.38001E+10" (Excel's General format: six digits at most).
_FLOAT = re.compile(r"^\+?(\d{5,})\.0+$")
_SCIENTIFIC = re.compile(r"^\+?(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})$")
EXCEL_DIGITS = 6  # significant digits Excel's General format shows in scientific notation
_LETTERS = re.compile(r"[A-Za-z]{2,}")
_NOTE = re.compile(r"\s*\([^()\d]{1,20}\)\s*$")  # after NFKC, full-width brackets are ASCII ones


class PhoneError(ValueError):
    """A number that cannot be read; the message says why, naming what was written."""


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    extension: str | None = None


def clean(raw: str) -> str:
    """Full-width forms to ASCII, a `tel:` scheme and "Tel:"/"电话：" labels off, extensions spelt "ext."."""
    text = unicodedata.normalize("NFKC", raw).strip()
    # A "Tel: ..." label, not a tel: URI (which has no space and may carry ;phone-context=).
    label = r"^(?:tel|phone|mobile|mob|电话|手机|座机|固话)\s*[:：]\s+|^(?:电话|手机|座机|固话)[:：]"
    text = re.sub(label, "", text, flags=re.I)
    # A note after the number, as CRM exports add them: "138 0013 8000（手机）", "6123 4567 (office)".
    text = _NOTE.sub("", text)
    return _EXTENSION_WORDS.sub(" ext. ", text).strip()


def split_cell(raw: str) -> list[str]:
    """The numbers written in one cell."""
    return [part for part in _SEPARATORS.split(unicodedata.normalize("NFKC", raw)) if part.strip()]


def parse_phone(raw: str, region: str | None) -> Phone:
    """One number. `region` (ISO 3166 alpha-2) reads national numbers; without one, only numbers that carry
    their country (+86, 0086, "86 138..." with a space or dash after the code) can be read."""
    text = _as_written(clean(raw), raw)
    if not re.search(r"\d", text):
        raise PhoneError(f"phone {raw!r} has no digits")
    if _LETTERS.search(_KNOWN_WORDS.sub(" ", text)):
        raise PhoneError(f"phone {raw!r} has words in it, not only a number")
    possible = [n for n in _readings(text, region) if phonenumbers.is_possible_number(n)]
    if not possible:
        if region is None and not text.lstrip("( ").startswith(("+", "00", "tel:")):
            raise PhoneError(
                f"phone {raw!r} needs its country code, e.g. +86 138 0013 8000 "
                "(or a country or address column, or [customers] default_region)"
            )
        raise PhoneError(f"phone {raw!r} is not a possible number{f' in {region}' if region else ''}")
    # Several readings: a valid one (a real numbering plan) beats one that is merely the right length.
    best = next((n for n in possible if phonenumbers.is_valid_number(n)), possible[0])
    return Phone(phonenumbers.format_number(best, phonenumbers.PhoneNumberFormat.E164), best.extension or None)


def _as_written(text: str, raw: str) -> str:
    """The digits of a number a spreadsheet wrote as a number; PhoneError when it rounded some of them away."""
    if found := _FLOAT.match(text):
        return found[1]  # the ".0" is no digit of the number: read as one, it would be a different number
    if found := _SCIENTIFIC.match(text):
        digits, exponent = found[1] + (found[2] or ""), int(found[3])
        if len(digits) > exponent + 1:
            raise PhoneError(f"phone {raw!r} is a fraction, not a number")
        if len(digits) == exponent + 1 or len(digits.rstrip("0")) > EXCEL_DIGITS:
            return digits.ljust(exponent + 1, "0")  # every digit is there, or was printed at full precision
        raise PhoneError(
            f"phone {raw!r} was shortened by the spreadsheet (scientific notation loses digits): "
            "format the column as text and export the file again"
        )
    return text


_KNOWN_WORDS = re.compile(r"^tel:|;phone-context=|;ext=|\bext\b\.?", re.I)
_COUNTRY_FIRST = re.compile(r"^(\d{1,3})[\s\-.]+\d")


def _readings(text: str, region: str | None) -> list[phonenumbers.PhoneNumber]:
    """Every way the text can be read: as written first, then the habits phonenumbers does not know."""
    # (text, region, whether only a valid number will do: a guess at a habit must land in a real numbering plan)
    attempts: list[tuple[str, str | None, bool]] = [(text, region, False)]
    if text.lower().startswith("tel:"):
        attempts.append((text[4:], region, False))  # a tel: URI without the +, or with a context we do not know
        text = text[4:]
    digits_first = text.lstrip("( ")
    if digits_first.startswith("00"):
        # "0086 ..." / "(0049) ...": 00 is the international prefix nearly everywhere people write it.
        attempts.append(("+" + digits_first[2:].lstrip(") "), None, False))
    code = _COUNTRY_FIRST.match(digits_first)
    bare = re.sub(r"\D", "", digits_first)
    if (
        (region is not None and not digits_first.startswith(("+", "0")))
        or (code and int(code[1]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
        or (digits_first.isdigit() and len(bare) >= 12 and not bare.startswith("0"))
    ):
        # "86-138 0013 8000", "8613800138000": a country code without its plus. Bare digits without a region
        # only from 12 digits on: 15012345678 would read as +1 501... (Chinese mobiles look like NANP numbers),
        # and no national number is that long without its trunk 0.
        attempts.append(("+" + digits_first, None, True))
    match = _TRAILING_EXTENSION.match(text)
    if match and "ext" not in text.lower():
        # "010-8888 8888-8001": a Chinese switchboard number with the extension after a dash.
        attempts.append((f"{match['number']} ext. {match['ext']}", region, True))
    found = []
    for candidate, hint, valid_only in attempts:
        try:
            number = phonenumbers.parse(candidate, hint)
        except phonenumbers.NumberParseException:
            continue
        if not valid_only or phonenumbers.is_valid_number(number):
            found.append(number)
    # Valid readings first, in the order tried (stable sort): "86-138 0013 8000" in region US is +86, not +1.
    return sorted(found, key=lambda n: not phonenumbers.is_valid_number(n))


def parse_cell(raw: str, region: str | None) -> tuple[list[Phone], list[str]]:
    """Every number in a cell, and why each one that could not be read was refused."""
    phones, errors = [], []
    for part in split_cell(raw):
        try:
            phone = parse_phone(part, region)
        except PhoneError as exc:
            errors.append(str(exc))
            continue
        if phone not in phones:
            phones.append(phone)
    return phones, errors
