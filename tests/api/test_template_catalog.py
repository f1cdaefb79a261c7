"""Every template hub words a refusal or a delivery problem with is translated and reaches the pages' catalogs."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from hub.agent_console.error_strings import ERROR_STRINGS
from hub.agent_console.js_strings import JS_STRINGS
from tests.api.template_sites import template_sites

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_templates() -> dict[str, list[str]]:
    templates, composed = template_sites()
    assert composed == [], "a worded error or refusal built from an f-string: give a template and its params"
    return templates


def test_every_template_in_hub_has_a_chinese_translation_with_its_placeholders() -> None:
    with (ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "hub.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    templates = used_templates()
    assert len(templates) > 100  # the helper's call sites were found, not an empty scan
    untranslated = [(t, where[0]) for t, where in templates.items() if not (m := catalog.get(t)) or not m.string]
    assert untranslated == []
    for template in templates:
        message = catalog.get(template)
        assert message is not None and isinstance(chinese := message.string, str)
        assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(template)), template
        assert not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", PLACEHOLDER.sub("", chinese)), chinese


def test_the_pages_catalog_carries_every_template() -> None:
    templates = set(used_templates())
    assert templates <= set(JS_STRINGS)
    assert set(ERROR_STRINGS) == templates, "hub/agent_console/error_strings.py lists exactly the templates in use"
