"""Console translations: `extract` refreshes locale/hub.pot and merges it into every language's .po;
`check` fails when a language lacks a translation (the test suite runs it too)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
LANGUAGES = ("zh_CN",)
METHODS = [("hub/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def template() -> Catalog:
    pot = Catalog(project="hub", domain="hub")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        if filename.startswith(("hub/db/migrations",)):
            continue
        pot.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return pot


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "hub.po"


def missing(lang: str, pot: Catalog) -> list[str]:
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    gaps = []
    for message in pot:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)) or (found is not None and found.fuzzy):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def repeated(lang: str) -> list[str]:
    """Messages a language's file holds twice (babel keeps the last silently: a later edit may be the lost one)."""
    seen: set[tuple[str, str]] = set()
    twice = []
    context = ""
    for line in po_path(lang).read_text(encoding="utf-8").splitlines():
        if line.startswith("msgctxt "):
            context = line
        elif line.startswith("msgid ") and line != 'msgid ""':
            key = (context, line)
            if key in seen:
                twice.append(line.removeprefix("msgid "))
            seen.add(key)
            context = ""
    return twice


def extract() -> None:
    pot = template()
    with (LOCALE_DIR / "hub.pot").open("wb") as f:
        write_po(f, pot, omit_header=False, sort_output=True, include_lineno=False)
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain="hub", project="hub")
        catalog.update(pot, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True)


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
        return 0
    pot = template()
    failed = False
    for lang in LANGUAGES:
        gaps = missing(lang, pot)
        for msg in gaps:
            print(f"{lang}: no translation for {msg!r}")
        twice = repeated(lang)
        for msg in twice:
            print(f"{lang}: {msg} is in the file twice")
        failed = failed or bool(gaps) or bool(twice)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
