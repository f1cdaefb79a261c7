"""The confidence model's fit, and its threshold chosen on questions the fit never saw (leave one set out).

The model is fitted on the best suggestion of each question of the FITTED sets, unanswerable questions
included (label 1 only when that suggestion is the right article). Its threshold is not chosen on those same
questions, where the fit is optimistic: each set in turn is left out, the model fitted on the others, and the
left-out set's questions scored by it; THRESHOLD is where those out-of-fold scores, pooled, give the best
lower of confident recall and abstain rate (docs/knowledge.md, "Tuning").
"""

from __future__ import annotations

import math
from typing import Any

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
    QUESTIONS,
    TRAIN2,
    _label,
    evaluate,
)
from hub.knowledge.index import SuggestionIndex
from hub.knowledge.text import guess_locale

# Every labelled set but the hold-out half (kept for the ranking knobs) and the blind set being written
# (fresh12; fresh9 to fresh11, each measured blind, joined in the round of their misses).
FITTED = (
    *("tune", "train2", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9"),
    *("fresh10", "fresh11"),
)
LABELLED = [
    *QUESTIONS,
    *TRAIN2,
    *FRESH,
    *FRESH2,
    *FRESH3,
    *FRESH4,
    *FRESH5,
    *FRESH6,
    *FRESH7,
    *FRESH8,
    *FRESH9,
    *FRESH10,
    *FRESH11,
]
# Ridge on the weights (not the bias): 5-fold cross-validation of the log loss found 0.01-0.05 best, and
# leaving one set out put every penalty from 0.01 to 2 within 0.005 of one another.
PENALTY = 0.05
THRESHOLDS = tuple(i / 100 for i in range(20, 61))

# One question: its set's question, and its best five suggestions' signals with whether each is the right one.
Scored = tuple[dict[str, Any], list[tuple[tuple[float, ...], bool]]]


def candidates(index: SuggestionIndex, halves: tuple[str, ...] = FITTED) -> dict[str, list[Scored]]:
    out: dict[str, list[Scored]] = {h: [] for h in halves}
    for q in LABELLED:
        if q["half"] in out:
            want = (q["key"], q["locale"]) if q["key"] else None
            found = index.explain(q["q"], guess_locale(q["q"]), limit=5)
            out[q["half"]].append((q, [(f.vector(), _label(a) == want) for f, a in found]))
    return out


def fit(index: SuggestionIndex, halves: tuple[str, ...] = FITTED) -> tuple[float, ...]:
    """Ridge logistic regression by Newton's method on the best suggestion of each question of the halves."""
    return _fit(index, [s for rows in candidates(index, halves).values() for s in rows])


def _fit(index: SuggestionIndex, rows: list[Scored]) -> tuple[float, ...]:
    data = [((1.0, *hits[0][0]), int(hits[0][1])) for _q, hits in rows if hits]
    w = _newton(data, 30)
    # A signal the sets never show (no best suggestion in the other language) keeps its weight: the ridge
    # would only pull it to zero.
    seen = [any(x[i] for x, _y in data) for i in range(len(w))]
    return tuple(round(wi if seen[i] else index.coefficients[i], 2) for i, wi in enumerate(w))


# Each left-out set: the model fitted without it, and its questions.
Fold = tuple[tuple[float, ...], list[Scored]]


def held_out(index: SuggestionIndex, halves: tuple[str, ...] = FITTED) -> dict[str, Fold]:
    """Each set with the model fitted on the others, and its questions."""
    sets = candidates(index, halves)
    return {h: (_fit(index, [s for o in halves if o != h for s in sets[o]]), sets[h]) for h in halves}


def figures(rows: list[Scored], coefficients: tuple[float, ...], threshold: float) -> tuple[float, float]:
    """Confident recall (the right article among the confident) and abstain rate (none confident)."""
    answerable = [hits for q, hits in rows if q["key"]]
    unanswerable = [hits for q, hits in rows if not q["key"]]
    recall = sum(any(y and _confidence(x, coefficients) >= threshold for x, y in h) for h in answerable)
    abstained = sum(all(_confidence(x, coefficients) < threshold for x, _y in h) for h in unanswerable)
    return recall / max(len(answerable), 1), abstained / max(len(unanswerable), 1)


def choose_threshold(folds: dict[str, Fold]) -> float:
    """The threshold whose pooled out-of-fold confident recall and abstain rate have the best lower of the two
    (on a tie the higher threshold: a wrong confident hint costs more than a missing one)."""

    def pooled(t: float) -> float:
        answered = total = abstained = unanswerable = 0.0
        for w, rows in folds.values():
            a = sum(1 for q, _h in rows if q["key"])
            recall, abstain = figures(rows, w, t)
            answered, total = answered + recall * a, total + a
            abstained, unanswerable = abstained + abstain * (len(rows) - a), unanswerable + len(rows) - a
        return min(answered / total, abstained / unanswerable)

    return max(THRESHOLDS, key=lambda t: (round(pooled(t), 6), t))


def _confidence(x: tuple[float, ...], coefficients: tuple[float, ...]) -> float:
    z = coefficients[0] + sum(c * v for c, v in zip(coefficients[1:], x, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _newton(data: list[tuple[tuple[float, ...], int]], steps: int) -> list[float]:
    d = len(data[0][0])
    w = [0.0] * d
    for _ in range(steps):
        grad = [PENALTY * wi if i else 0.0 for i, wi in enumerate(w)]
        hess = [[PENALTY if i == j and i else 0.0 for j in range(d)] for i in range(d)]
        for x, y in data:
            z = max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x, strict=True))))
            p = 1 / (1 + math.exp(-z))
            for i in range(d):
                grad[i] += (p - y) * x[i]
                for j in range(d):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(si) for si in step) < 1e-6:
            break
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive definite)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        pivot = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[pivot] = m[pivot], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c] if m[c][c] else 0.0
            for k in range(c, n + 1):
                m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / (m[r][r] or 1.0)
    return x


def fit_report(index: SuggestionIndex) -> dict[str, Any]:
    """New coefficients and threshold, and what each set gives when it is left out of the fit: paste both into
    hub/knowledge/confidence.py. Each set's figures at the threshold come from the real evaluation (gap
    precision included), with the model fitted without it; the sweep is its trade-off curve."""
    folds = held_out(index)
    threshold = choose_threshold(folds)
    kept = index.coefficients, index.threshold
    out: dict[str, Any] = {"coefficients": fit(index), "threshold": threshold, "held_out": {}, "sweep": {}}
    sets = {"tune": [q for q in QUESTIONS if q["half"] == "tune"], "train2": TRAIN2, "fresh": FRESH, "fresh2": FRESH2}
    sets |= {"fresh3": FRESH3, "fresh4": FRESH4, "fresh5": FRESH5, "fresh6": FRESH6, "fresh7": FRESH7}
    sets |= {"fresh8": FRESH8, "fresh9": FRESH9, "fresh10": FRESH10, "fresh11": FRESH11}
    try:
        for half, (w, rows) in folds.items():
            index.coefficients, index.threshold = w, threshold
            got = evaluate(index, sets[half])
            out["held_out"][half] = {k: got[k] for k in ("confident_recall", "abstain_rate", "gap_precision")}
            out["sweep"][half] = {t: figures(rows, w, t) for t in THRESHOLDS[::5]}
    finally:
        index.coefficients, index.threshold = kept
    return out


__all__ = ["FITTED", "choose_threshold", "figures", "fit", "fit_report", "held_out"]
