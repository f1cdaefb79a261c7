"""Console languages: gettext catalogs under locale/, read when first asked for, chosen per user; Babel formats."""

from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOCALES = ("en", "zh-CN")  # what a user may choose, as BCP 47 tags
DEFAULT = "en"
DOMAIN = "hub"


def _babel_name(tag: str) -> str:
    return tag.replace("-", "_")


@dataclass(frozen=True, slots=True)
class Language:
    """One user's language: translations and formats for dates and numbers."""

    tag: str
    translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def datetime(self, value: datetime | str | None, style: str = "short") -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        from babel import dates  # Babel and its locale data load with the first page that shows a date

        return dates.format_datetime(value, style, locale=_babel_name(self.tag))

    def number(self, value: float | int | None) -> str:
        from babel import numbers  # as in datetime()

        return "—" if value is None else numbers.format_decimal(value, locale=_babel_name(self.tag))

    def percent(self, value: float | None) -> str:
        from babel import numbers  # as in datetime()

        return "—" if value is None else numbers.format_percent(value, locale=_babel_name(self.tag))

    def display_name(self) -> str:
        from babel import Locale  # as in datetime()

        return Locale.parse(_babel_name(self.tag)).get_display_name() or self.tag


class Catalogs:
    """Every language's catalog, compiled in memory from its .po file (no build step, no binary in git) when that
    language is first asked for: an idle server then carries neither Babel's message tools nor its global data
    (about 4 MB, docs/performance.md "Memory"); the first page in Chinese pays the compile, ~50 ms."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._languages: dict[str, Language] = {DEFAULT: Language(DEFAULT, gettext.NullTranslations())}

    def _po(self, tag: str) -> Path:
        return self._root / _babel_name(tag) / "LC_MESSAGES" / f"{DOMAIN}.po"

    def _compiled(self, tag: str) -> Language:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
        from babel.support import Translations

        with self._po(tag).open("rb") as f:
            catalog = read_po(f, locale=_babel_name(tag), domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Language(tag, Translations(buffer, domain=DOMAIN))

    def get(self, tag: str | None) -> Language:
        tag = tag or DEFAULT
        if tag not in self._languages and tag in LOCALES and self._po(tag).is_file():
            self._languages[tag] = self._compiled(tag)
        return self._languages.get(tag) or self._languages[DEFAULT]

    def available(self) -> list[str]:
        return [tag for tag in LOCALES if tag == DEFAULT or tag in self._languages or self._po(tag).is_file()]


@functools.cache
def catalogs(root: Path) -> Catalogs:
    """One a process: each language compiles once, and every app made (each test makes one) shares them."""
    return Catalogs(root)


def negotiate(accept_language: str | None) -> str:
    """The first language of the browser's Accept-Language we have: zh, zh-Hans, zh-CN and zh-SG read Chinese."""
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang:
            ranked.append((q, lang.strip().lower()))
    for _q, lang in sorted(ranked, key=lambda r: -r[0]):
        if lang.startswith("zh") and not lang.startswith(("zh-tw", "zh-hk", "zh-hant")):
            return "zh-CN"
        if lang.startswith("en"):
            return "en"
    return DEFAULT


def chosen(value: str | None) -> str | None:
    """A user's stored or submitted choice, if it is one we offer."""
    return value if value in LOCALES else None
