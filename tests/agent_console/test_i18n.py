"""Console languages: every message has a Chinese translation with the same placeholders; choices negotiate."""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from babel.messages.pofile import read_po

from hub.agent_console.i18n import Catalogs, negotiate

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_console_message_is_translated_to_chinese() -> None:
    script = _script()
    assert script.missing("zh_CN", script.template()) == []


def test_translations_keep_their_placeholders() -> None:
    with (ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "hub.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []


def test_languages_formats_and_negotiation() -> None:
    catalogs = Catalogs(ROOT / "locale")
    zh = catalogs.get("zh-CN")
    assert zh.gettext("Sign out") == "退出登录"
    assert zh.ngettext("%(num)d day", "%(num)d days", 7) % {"num": 7} == "7 天"
    assert catalogs.get("en").gettext("Sign out") == "Sign out"
    assert catalogs.get("fr").tag == "en"  # unknown: English
    when = datetime(2026, 11, 24, 5, 30, tzinfo=UTC)
    assert "2026" in zh.datetime(when) or "26" in zh.datetime(when)
    assert zh.number(12345.5) == "12,345.5" and zh.percent(0.875) == "88%"
    assert negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert negotiate("en-GB,en;q=0.9,zh;q=0.5") == "en"
    assert negotiate("zh-TW,en;q=0.5") == "en"  # traditional Chinese readers get English, not simplified
    assert negotiate("fr;q=1, zh-Hans;q=0.4") == "zh-CN"
    assert negotiate(None) == "en" and negotiate("garbage;q=x") == "en"


def test_every_message_the_console_scripts_show_is_in_the_catalog() -> None:
    """A literal a script passes to t() must be extractable (templates or js_strings.py), or it shows in English:
    the old pages' scripts in static/ and the Preact console and widget in web/."""
    script = _script()
    known = {message.id for message in script.template() if message.id}
    literal = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)*)"')
    unlisted = [
        (path.name, text)
        for path in [*sorted((ROOT / "static").glob("*.js")), *sorted((ROOT / "web").rglob("*.ts*"))]
        for text in literal.findall(path.read_text(encoding="utf-8"))
        if text not in known
    ]
    assert unlisted == []
