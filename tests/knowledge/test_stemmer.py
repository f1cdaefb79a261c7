"""English stems from PyStemmer (snowballstemmer's C backend, installed for memory) equal the pure-Python ones."""

from __future__ import annotations

import json
import re

import snowballstemmer

from hub.knowledge.terms import snowball, stem
from hub.settings.paths import CONFIG, PACKAGE

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def test_stems_are_the_pure_python_stemmers_own() -> None:
    from snowballstemmer.english_stemmer import EnglishStemmer  # the pure-Python algorithm, imported on its own

    words: set[str] = set()
    articles = json.loads((CONFIG / "knowledge" / "sample-articles.json").read_text("utf8"))
    for article in articles:
        words |= set(_WORD.findall(json.dumps(article, ensure_ascii=False).lower()))
    for source in PACKAGE.rglob("*.py"):  # the hub's own prose: several thousand English words
        words |= set(_WORD.findall(source.read_text("utf8").lower()))
    plain = EnglishStemmer()
    assert len(words) > 5000
    assert {w: snowball(w) for w in words} == {w: plain.stemWord(w) for w in words}
    # The index's stems are Snowball's but for the few it joins that a help desk keeps apart.
    assert {w for w in words if stem(w) != snowball(w)} == {"customer", "customers"}
    assert stem("customers") != stem("customs") == "custom"
    assert type(snowballstemmer.stemmer("english")).__module__ == "Stemmer"  # the C one is what the hub uses
