"""Suggestion quality on the labelled sets: eval_set.json (344 questions in six styles and unanswerable ones,
both languages, over the 52 sample articles) and the older questions.json (120 paraphrases)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process

from bench.knowledge_eval import ARTICLES, QUESTIONS, evaluate, sample_index
from hub.knowledge.text import guess_locale

HERE = Path(__file__).parent
PARAPHRASES = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))


def test_labelled_set_covers_articles_languages_and_styles() -> None:
    keys = {(a["key"], a["locale"]) for a in ARTICLES}
    assert len(ARTICLES) >= 50 and {a["locale"] for a in ARTICLES} == {"en", "zh-CN"}
    answerable = [q for q in QUESTIONS if q["key"]]
    assert len(QUESTIONS) >= 200 and len(QUESTIONS) - len(answerable) >= 30
    assert all((q["key"], q["locale"]) in keys for q in answerable)
    assert len({(q["key"], q["locale"]) for q in answerable}) >= 50
    styles = Counter(q["style"] for q in QUESTIONS)
    assert {"paraphrase", "typo", "colloquial", "long", "short", "mixed", "unanswerable"} <= set(styles)
    assert Counter(q["locale"] for q in QUESTIONS)["en"] == Counter(q["locale"] for q in QUESTIONS)["zh-CN"]
    assert Counter(q["half"] for q in QUESTIONS) == {"tune": len(QUESTIONS) // 2, "holdout": len(QUESTIONS) // 2}
    # The language a question is labelled with is the one the console guesses (pinyin reads as Latin).
    assert all(guess_locale(q["q"]) == q["locale"] for q in QUESTIONS if q["style"] != "pinyin")


def test_ranking_and_confidence_on_the_labelled_set() -> None:
    figures = evaluate(sample_index(), QUESTIONS)
    print(figures)
    # Floors a little under the measured figures (docs/knowledge.md), so a regression fails here.
    assert figures["hit_at_3"] >= 0.95 and figures["hit_at_1"] >= 0.86 and figures["mrr"] >= 0.91
    # English paraphrases that share no word with the article ("the vase was in pieces") are what is left:
    # measured 0.962 (the base forms, phrases and everyday words of synonyms.py and lemmas.py).
    assert figures["hit_at_3_en"] >= 0.94 and figures["hit_at_3_zh-CN"] >= 0.95
    # Confidence separates less well than the ranking ranks: measured 0.865 and 0.949.
    assert figures["confident_recall"] >= 0.84 and figures["abstain_rate"] >= 0.93
    assert figures["gap_precision"] >= 0.8


def test_the_older_paraphrase_set_still_ranks() -> None:
    index = sample_index()
    keys = [(a["key"], a["locale"]) for a in ARTICLES]
    hit1 = hit3 = 0
    for locale, key, question in PARAPHRASES:
        ranked = [keys[h.article_id] for h in index.search(question, guess_locale(question), limit=3)]
        hit1 += bool(ranked) and ranked[0] == (key, locale)
        hit3 += (key, locale) in ranked
    assert hit3 / len(PARAPHRASES) >= 0.95 and hit1 / len(PARAPHRASES) >= 0.90


def test_the_training_set_and_the_last_fresh_set_are_new_questions() -> None:
    # train2 fits the confidence with the tune half; fresh3 was written before that fit and is never tuned on.
    from bench.knowledge_eval import (
        FRESH,
        FRESH2,
        FRESH3,
        FRESH4,
        FRESH5,
        FRESH6,
        FRESH7,
        FRESH8,
        FRESH9,
        FRESH10,
        FRESH11,
        FRESH12,
        FRESH13,
        FRESH14,
        TRAIN2,
    )

    keys = {(a["key"], a["locale"]) for a in ARTICLES}
    for questions, size, unanswerable in ((TRAIN2, 150, 0.5), (FRESH3, 100, 0.4), (FRESH4, 100, 0.4)):
        assert len(questions) >= size and {q["locale"] for q in questions} == {"en", "zh-CN"}
        assert sum(not q["key"] for q in questions) >= unanswerable * len(questions)
        assert all((q["key"], q["locale"]) in keys for q in questions if q["key"])
        assert {"typo", "colloquial", "long", "short", "mixed", "pinyin"} <= {q["style"] for q in questions}
    earlier = {q["q"] for q in [*QUESTIONS, *FRESH, *FRESH2]}
    assert not earlier & {q["q"] for q in TRAIN2} and not earlier & {q["q"] for q in FRESH3}
    assert not {q["q"] for q in TRAIN2} & {q["q"] for q in FRESH3}
    # fresh4 was written for the round of the gist: no question of any earlier set, in any letter case.
    before = {q["q"].lower() for q in [*QUESTIONS, *FRESH, *FRESH2, *TRAIN2, *FRESH3]}
    assert not before & {q["q"].lower() for q in FRESH4}
    # fresh5, for the round of trouble.py, likewise; half English, half Chinese, most unanswerable ones near misses.
    assert not (before | {q["q"].lower() for q in FRESH4}) & {q["q"].lower() for q in FRESH5}
    assert len(FRESH5) >= 120 and sum(not q["key"] for q in FRESH5) >= 50
    languages = Counter(q["locale"] for q in FRESH5)
    assert abs(languages["en"] - languages["zh-CN"]) <= 4, languages  # 63 and 61
    assert all((q["key"], q["locale"]) in keys for q in FRESH5 if q["key"])
    # fresh6, the blind set after that round: new questions too.
    assert not (before | {q["q"].lower() for q in [*FRESH4, *FRESH5]}) & {q["q"].lower() for q in FRESH6}
    assert len(FRESH6) >= 120 and sum(not q["key"] for q in FRESH6) >= 50
    assert all((q["key"], q["locale"]) in keys for q in FRESH6 if q["key"])
    # fresh7, the blind set after the round of asks.py: no wording within a rapidfuzz ratio of 70 of any earlier
    # question, half English, half Chinese.
    written = [q["q"].lower() for q in [*QUESTIONS, *FRESH, *FRESH2, *TRAIN2, *FRESH3, *FRESH4, *FRESH5, *FRESH6]]
    for q in FRESH7:
        assert process.extractOne(q["q"].lower(), written, scorer=fuzz.ratio, score_cutoff=70) is None, q["q"]
    assert len(FRESH7) >= 120 and sum(not q["key"] for q in FRESH7) >= 50
    assert Counter(q["locale"] for q in FRESH7) == {"en": 65, "zh-CN": 65}
    assert all((q["key"], q["locale"]) in keys for q in FRESH7 if q["key"])
    # fresh9, written blind after the round of English paraphrases, then fresh10 to fresh14, each blind after the one
    # before in another voice: likewise against every earlier set and the paraphrases, every article asked.
    written += [q["q"].lower() for q in [*FRESH7, *FRESH8]] + [q.lower() for _l, _k, q in PARAPHRASES]
    for blind in (FRESH9, FRESH10, FRESH11, FRESH12, FRESH13, FRESH14):
        for q in blind:
            assert process.extractOne(q["q"].lower(), written, scorer=fuzz.ratio, score_cutoff=70) is None, q["q"]
        assert len(blind) >= 150 and sum(not q["key"] for q in blind) >= 60
        assert Counter(q["locale"] for q in blind) == {"en": 80, "zh-CN": 80}
        assert {(q["key"], q["locale"]) for q in blind if q["key"]} == keys
        written += [q["q"].lower() for q in blind]
