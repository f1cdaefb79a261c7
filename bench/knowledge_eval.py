"""Suggestion quality on the labelled set (tests/knowledge/eval_set.json) against the sample articles.

hit@1, hit@3 and MRR over answerable questions; abstain_rate: unanswerable questions given no confident
suggestion; confident_recall: answerable questions whose right article is shown as confident;
gap_precision: of the questions the gap report would count (no confident suggestion), the share that
truly have no article. Reported for the tune half, the hold-out half and both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hub.knowledge.confidence import Features, calibrated
from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.text import guess_locale

ROOT = Path(__file__).resolve().parent.parent
ARTICLES: list[dict[str, Any]] = json.loads((ROOT / "config/knowledge/sample-articles.json").read_text("utf-8"))
QUESTIONS: list[dict[str, Any]] = json.loads((ROOT / "tests/knowledge/eval_set.json").read_text("utf-8"))
# Written after the model was last tuned and never tuned on: the honest figure for unseen questions.
FRESH: list[dict[str, Any]] = json.loads((ROOT / "tests/knowledge/fresh_set.json").read_text("utf-8"))


def sample_index() -> SuggestionIndex:
    index = SuggestionIndex()
    for i, a in enumerate(ARTICLES):
        index.upsert(
            IndexedArticle.build(i, a["locale"], a["title"], a["variants"], a["tags"], a["short_answer"], a["body"])
        )
    return index


def _label(article_id: int) -> tuple[str, str]:
    return ARTICLES[article_id]["key"], ARTICLES[article_id]["locale"]


def evaluate(index: SuggestionIndex, questions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for q in questions:
        hits = index.search(q["q"], guess_locale(q["q"]), limit=5)
        ranked = [_label(h.article_id) for h in hits]
        want = (q["key"], q["locale"]) if q["key"] else None
        rank = ranked.index(want) + 1 if want in ranked else None
        right_confident = rank is not None and hits[rank - 1].confident
        rows.append((q, rank, any(h.confident for h in hits), right_confident))
    answerable = [r for r in rows if r[0]["key"]]
    unanswerable = [r for r in rows if not r[0]["key"]]
    gaps = [r for r in rows if not r[2]]

    def share(part: list[Any], total: list[Any]) -> float | None:
        return round(len(part) / len(total), 3) if total else None

    out: dict[str, Any] = {
        "questions": len(rows),
        "hit_at_1": share([r for r in answerable if r[1] == 1], answerable),
        "hit_at_3": share([r for r in answerable if r[1] and r[1] <= 3], answerable),
        "mrr": round(sum(1 / r[1] for r in answerable if r[1]) / len(answerable), 3) if answerable else None,
        "confident_recall": share([r for r in answerable if r[3]], answerable),
        "abstain_rate": share([r for r in unanswerable if not r[2]], unanswerable),
        "gap_precision": share([r for r in gaps if not r[0]["key"]], gaps),
    }
    for locale in ("en", "zh-CN"):
        mine = [r for r in answerable if r[0]["locale"] == locale]
        out[f"hit_at_3_{locale}"] = share([r for r in mine if r[1] and r[1] <= 3], mine)
        out[f"hit_at_1_{locale}"] = share([r for r in mine if r[1] == 1], mine)
    return out


def misses(index: SuggestionIndex, half: str | None = None) -> list[str]:
    """The questions the ranker gets wrong or is unsure of, for reading while tuning."""
    lines = []
    for q in QUESTIONS:
        if half and q["half"] != half:
            continue
        hits = index.search(q["q"], guess_locale(q["q"]), limit=3)
        top = [(*_label(h.article_id), h.confidence) for h in hits]
        want = (q["key"], q["locale"]) if q["key"] else None
        first_ok = bool(top) and (top[0][0], top[0][1]) == want
        confident = any(h.confident for h in hits)
        if (want and (not first_ok or not confident)) or (not want and confident):
            lines.append(f"{q['style']:12} {q['key']}/{q['locale']} {q['q'][:60]!r} -> {top}")
    return lines


def report(index: SuggestionIndex) -> dict[str, Any]:
    return {
        "all": evaluate(index, QUESTIONS),
        "tune": evaluate(index, (q for q in QUESTIONS if q["half"] == "tune")),
        "holdout": evaluate(index, (q for q in QUESTIONS if q["half"] == "holdout")),
        "fresh": evaluate(index, FRESH),
    }


LIMIT = 1  # fitted on the first suggestion of each question: "is the best one right?"
UNKNOWN = 5  # position of Features.unknown in the weight vector (bias first)
UNKNOWN_CAP = -1.0


def fit(index: SuggestionIndex, half: str = "tune", steps: int = 3000) -> tuple[float, ...]:
    """Logistic regression of "this candidate is the right article" on the ranker's signals (plain
    gradient descent: five weights need no library)."""
    samples: list[tuple[tuple[float, ...], int]] = []
    for q in QUESTIONS:
        if q["half"] != half:
            continue
        want = (q["key"], q["locale"]) if q["key"] else None
        for f, article_id in index.explain(q["q"], guess_locale(q["q"]), limit=LIMIT):
            samples.append(((1.0, *f.vector()), int(_label(article_id) == want)))
    w = list(index.coefficients)
    rate = 0.5
    for _ in range(steps):
        grad = [0.0] * len(w)
        for x, y in samples:
            p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x, strict=True))))
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi
        w = [wi - rate * g / len(samples) for wi, g in zip(w, grad, strict=True)]
        # Words no article knows can only speak against an answer: kept from turning into a reward
        # by the few answerable questions that happen to use many new words.
        w[UNKNOWN] = min(w[UNKNOWN], UNKNOWN_CAP)
    return tuple(round(x, 2) for x in w)


def fit_report(index: SuggestionIndex) -> dict[str, Any]:
    """New coefficients from the tune half, and what each threshold would give on both halves: paste the
    coefficients into hub/knowledge/confidence.py and pick THRESHOLD from the sweep."""
    coefficients = fit(index)
    kept = index.coefficients, index.threshold
    sweep = []
    try:
        index.coefficients = coefficients
        for threshold in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
            index.threshold = threshold
            for half in ("tune", "holdout"):
                figures = evaluate(index, (q for q in QUESTIONS if q["half"] == half))
                keep = ("confident_recall", "abstain_rate", "gap_precision")
                sweep.append({"threshold": threshold, "half": half, **{k: figures[k] for k in keep}})
    finally:
        index.coefficients, index.threshold = kept
    return {"coefficients": coefficients, "sweep": sweep}


__all__ = ["Features", "calibrated", "evaluate", "fit", "fit_report", "misses", "report", "sample_index"]
