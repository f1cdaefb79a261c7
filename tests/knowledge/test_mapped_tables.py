"""jieba's and pypinyin's tables mapped from the cache file: the same tokens and readings as the libraries' own."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zlib
from array import array
from pathlib import Path
from typing import Any

import pytest

from hub.knowledge import mapped_file, text
from hub.knowledge.compact_words import CompactWords, word_sections
from hub.knowledge.pinyin_tables import lazy_pinyin
from hub.settings.paths import CONFIG

# What jieba and pypinyin say of the sample, in a process of its own: plain, or loaded the hub's way (mapped).
_SAY = """
import json, sys
lines, phrases, hub = json.load(sys.stdin)
if hub:
    from hub.knowledge.pinyin_tables import lazy_pinyin
    from hub.knowledge.text import _jieba
    lazy_pinyin()
    jieba = _jieba()
    import pypinyin
    assert type(jieba.dt.FREQ).__name__ == "CompactWords", jieba.dt.FREQ
    assert type(pypinyin.constants.PHRASES_DICT).__name__ == "CompactPhrases"
    assert not hasattr(sys.modules["pypinyin.phrases_dict"], "_load_phrases_dict")  # its JSON never parsed
    if hub == "released":  # as the server does after its warm-up: the pages back to the page cache
        from hub.knowledge import mapped_file
        assert mapped_file.release() > 10_000_000
else:
    import jieba, pypinyin
    jieba.setLogLevel(60)
print(json.dumps({
    "search": [jieba.lcut_for_search(t) for t in lines],
    "cut": [jieba.lcut(t) for t in lines],
    "pinyin": [pypinyin.lazy_pinyin(t) for t in lines + phrases],
    "initials": [pypinyin.lazy_pinyin(t, style=pypinyin.Style.FIRST_LETTER) for t in phrases],
    "tones": [pypinyin.pinyin(t, heteronym=True) for t in phrases[::7]],
    "characters": sorted({p for v in pypinyin.pinyin_dict.pinyin_dict.values() for p in v.split(",")}),
}, ensure_ascii=False))
"""


def _sample() -> tuple[list[str], list[str]]:
    """The sample articles' Chinese text, and every 5th of pypinyin's phrases, and every 2nd run together in tens."""
    articles = json.loads((CONFIG / "knowledge" / "sample-articles.json").read_text("utf8"))
    lines = [
        part
        for a in articles
        if a["locale"] == "zh-CN"
        for field in (a["title"], a["body"], a["short_answer"], *a["variants"])
        for part in field.splitlines()
        if part.strip()
    ]
    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.origin is not None
    every = list(json.loads((Path(spec.origin).parent / "phrases_dict.json").read_text("utf8")))
    lines += ["".join(every[i : i + 20 : 2]) for i in range(0, len(every), 20)]
    return lines, every[::5]


def _say(lines: list[str], phrases: list[str], hub: bool | str) -> dict[str, Any]:
    said = subprocess.run(
        [sys.executable, "-c", _SAY],
        input=json.dumps([lines, phrases, hub]),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert said.returncode == 0, said.stderr
    result: dict[str, Any] = json.loads(said.stdout)
    return result


def test_tokens_and_readings_are_the_libraries_own() -> None:
    lines, phrases = _sample()
    expected = _say(lines, phrases, hub=False)
    assert _say(lines, phrases, hub=True) == expected  # a fresh process: pypinyin imported after the mapping
    assert _say(lines, phrases, hub="released") == expected  # and with its mapped pages given back, read again
    assert sum(map(len, expected["search"])) > 30_000  # a large sample, not a handful of words
    # In this process pypinyin may have been imported before the mapping (its JSON parsed): same answers.
    pinyin = lazy_pinyin()
    import pypinyin

    assert type(pypinyin.constants.PHRASES_DICT).__name__ == "CompactPhrases"
    assert [pinyin(t) for t in lines + phrases] == expected["pinyin"]
    assert [text._jieba().lcut_for_search(t) for t in lines] == expected["search"]


def test_words_whose_hashes_collide_are_both_found() -> None:
    assert zlib.crc32(b"plumless") == zlib.crc32(b"buckeroo")  # a known crc32 collision
    table = CompactWords.of({"plumless": 1, "buckeroo": 2, "other": 3})
    assert (table["plumless"], table["buckeroo"], table.get("other")) == (1, 2, 3)
    assert "plumbing" not in table and table.get("plumbing", 7) == 7 and sorted(table) == sorted(table.keys())


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _builder(calls: list[int]) -> Any:
    def build() -> tuple[dict[str, Any], dict[str, Any]]:
        calls.append(1)
        return word_sections(["一", "二十"], {"一": 1, "二十": 20}), {"total": 21}

    return build


def test_the_cache_file_is_built_once_then_mapped(cache: Path) -> None:
    calls: list[int] = []
    first = mapped_file.load("words", "v1", _builder(calls))
    again = mapped_file.load("words", "v1", _builder(calls))
    assert calls == [1] and again.meta == {"total": 21}
    assert dict(CompactWords(first.sections)) == dict(CompactWords(again.sections)) == {"一": 1, "二十": 20}
    assert not list(cache.glob("*.tmp"))  # written atomically: no temporary file left


def test_a_stale_or_damaged_cache_file_is_rebuilt(cache: Path) -> None:
    calls: list[int] = []
    mapped_file.load("words", "v1", _builder(calls))
    mapped_file.load("words", "v2", _builder(calls))  # another dictionary version: another file
    path = mapped_file.cache_path("words", "v1")
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(data)
    tables = mapped_file.load("words", "v1", _builder(calls))
    assert calls == [1, 1, 1] and CompactWords(tables.sections)["二十"] == 20
    path.write_bytes(b"not a table")
    assert CompactWords(mapped_file.load("words", "v1", _builder(calls)).sections)["一"] == 1
    assert len(calls) == 4


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a read-only folder")
def test_without_a_writable_cache_the_tables_serve_from_memory(cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o500)
    tables = mapped_file.load("words", "v1", _builder([]))
    assert CompactWords(tables.sections)["二十"] == 20


def test_without_a_writable_cache_the_tables_serve_from_memory_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("HUB_CACHE_DIR", str(blocker / "cache"))  # below a file: no folder can be made
    tables = mapped_file.load("words", "v1", _builder([]))
    assert CompactWords(tables.sections)["二十"] == 20 and isinstance(tables.sections["hashes"].obj, array)
