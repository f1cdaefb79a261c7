"""pypinyin with its three tables mapped from the hub's cache file instead of parsed from JSON in each process.

pypinyin parses phrases_dict.json (47,000 phrases, 32 MB of lists and strings) and pinyin_dict.json (41,000
characters) when imported, then trains its segmenter with every phrase's prefixes (a set of 7 MB). Here the
same data is written once as flat arrays (hub/knowledge/mapped_file.py) and mapped: pypinyin's two table
modules are given to it already loaded, holding an empty dict while pypinyin imports (so nothing is parsed or
trained), then every pypinyin module's name for a table is bound to the mapped one, which answers the same
`in`, `[]`, `.get`, `.values()` with equal values. The output is pypinyin's own (tests/knowledge compares it
with a plain pypinyin's over thousands of phrases), and where anything of this does not fit the installed
pypinyin, it imports as usual instead.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
import threading
import types
from array import array
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from hub.knowledge import mapped_file
from hub.knowledge.compact_words import CompactWords, word_sections
from hub.knowledge.pinyin_maps import CompactChars, CompactPhrases

log = logging.getLogger(__name__)
FORMAT = 1  # of the tables this module writes: part of the cache key
_TABLE_MODULES = {"pypinyin.phrases_dict": "phrases_dict", "pypinyin.pinyin_dict": "pinyin_dict"}
_lock = threading.Lock()
_loaded = False


def lazy_pinyin() -> Callable[..., list[str]]:
    """pypinyin.lazy_pinyin, its tables mapped on the first call (under a lock: threads may race to it)."""
    global _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                _load()
                _loaded = True
    from pypinyin import lazy_pinyin as convert

    return convert


@lru_cache(maxsize=1)
def words_pinyin() -> Callable[[list[str]], list[str]]:
    """lazy_pinyin for text cut into words already: a word pypinyin knows as a phrase, or a single character, is
    read as it is; any other word is cut by pypinyin's own segmenter first (jieba's 银行卡 is not a phrase of
    pypinyin's, its 银行 is: yin hang ka, not yin xing ka)."""
    lazy_pinyin()
    import pypinyin.constants
    import pypinyin.converter
    import pypinyin.core

    class _Words(pypinyin.core.Pinyin):
        def pre_seg(self, hans: str, **kwargs: Any) -> list[str] | None:
            return [hans] if len(hans) == 1 or hans in pypinyin.constants.PHRASES_DICT else None

    convert: Callable[[list[str]], list[str]] = _Words(pypinyin.converter.DefaultConverter()).lazy_pinyin
    return convert


def _load() -> None:
    # pypinyin's own switch: no second copy of its two tables, kept for custom entries the hub never adds.
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    try:
        folder = _package_folder()
        tables = mapped_file.load("pypinyin", _cache_key(folder), lambda: _build(folder))
        phrases = CompactPhrases(tables.sections, tables.meta["readings"])
        chars = CompactChars(tables.sections)
        prefixes = CompactWords({k[2:]: v for k, v in tables.sections.items() if k.startswith("p_")})
    except (OSError, ValueError, KeyError, LookupError) as exc:
        log.warning("pypinyin's tables could not be mapped (%s): it loads them itself", exc)
        return
    _preload()
    import pypinyin.constants
    import pypinyin.seg.mmseg

    _bind(phrases, chars)
    pypinyin.seg.mmseg.p_set._set = prefixes  # type: ignore[assignment]  # asked only `in` (never trained)
    if pypinyin.constants.PHRASES_DICT is not phrases or pypinyin.constants.PINYIN_DICT is not chars:
        raise RuntimeError("pypinyin's tables were not replaced: its layout changed")  # tests catch it first


def _package_folder() -> Path:
    spec = importlib.util.find_spec("pypinyin")  # without importing it: that would parse the JSON
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _cache_key(folder: Path) -> str:
    from importlib.metadata import version

    files = [folder / "phrases_dict.json", folder / "pinyin_dict.json"]
    stats = " ".join(f"{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
    return f"pypinyin {version('pypinyin')} {folder} {stats} format {FORMAT}"


def _preload() -> None:
    """Before pypinyin's first import: its table modules, already loaded, with empty tables (nothing to
    parse, nothing to train its segmenter with; _bind replaces them)."""
    for module_name, attr in _TABLE_MODULES.items():
        if module_name in sys.modules:  # imported already (by code that did not come here first)
            continue
        module = types.ModuleType(module_name, f"pypinyin's {attr}, mapped by {__name__}")
        setattr(module, attr, {})
        sys.modules[module_name] = module


def _bind(phrases: CompactPhrases, chars: CompactChars) -> None:
    """Every pypinyin module's reference to a table (its own, an empty placeholder or a parsed one) -> ours."""
    ours = {"PHRASES_DICT": phrases, "phrases_dict": phrases, "PINYIN_DICT": chars, "pinyin_dict": chars}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "pypinyin" or name.startswith("pypinyin.")):
            continue
        for attr, table in ours.items():
            if isinstance(getattr(module, attr, None), dict):
                setattr(module, attr, table)
    for module_name, attr in _TABLE_MODULES.items():  # the table modules' own name (`pinyin_dict.pinyin_dict`)
        setattr(sys.modules[module_name], attr, ours[attr])
        # As an import would have: the submodule an attribute of its package (`pypinyin.pinyin_dict`).
        setattr(sys.modules["pypinyin"], attr, sys.modules[module_name])


def _build(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """From pypinyin's JSON, as it reads it: phrases (their readings as ids into the distinct ones), the
    characters (code point -> "reading,reading"), and every phrase's prefixes (its segmenter's set)."""
    phrases: dict[str, list[list[str]]] = json.loads((folder / "phrases_dict.json").read_text("utf8"))
    chars = {int(k): v for k, v in json.loads((folder / "pinyin_dict.json").read_text("utf8")).items()}
    readings: dict[tuple[str, ...], int] = {}
    ids = {w: [readings.setdefault(tuple(r), len(readings)) for r in rs] for w, rs in phrases.items()}
    # A phrase's value is its place in the JSON's order; its readings' ids are at starts[place]:starts[place+1].
    sections = word_sections(phrases, {w: place for place, w in enumerate(phrases)})
    sections["ids"] = array("H" if len(readings) < 2**16 else "I", [i for r in ids.values() for i in r])
    sections["starts"] = array("I", accumulate(map(len, ids.values()), initial=0))
    points = sorted(chars)
    values = [chars[p].encode() for p in points]
    sections["points"] = array("I", points)
    sections["char_offsets"] = array("I", accumulate(map(len, values), initial=0))
    sections["char_readings"] = b"".join(values)
    prefixes = {w[: i + 1] for w in phrases for i in range(len(w))}
    sections.update({f"p_{k}": v for k, v in word_sections(prefixes).items()})
    return sections, {"readings": [list(r) for r in readings], "phrases": len(phrases)}
