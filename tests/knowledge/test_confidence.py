"""Confidence: abstaining on unanswerable questions, keeping answerable ones confident, and its fit."""

from __future__ import annotations

import math
from dataclasses import fields, replace

import pytest

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
    evaluate,
    sample_index,
)
from bench.knowledge_fit import _solve, choose_threshold, fit, held_out
from hub.knowledge.confidence import COEFFICIENTS, GAP_THRESHOLD, RANKING, THRESHOLD, VECTOR, Features, calibrated
from hub.knowledge.index import SuggestionIndex


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def test_confident_for_answerable_and_not_for_unanswerable_on_both_halves(index: SuggestionIndex) -> None:
    for half in ("tune", "holdout"):
        figures = evaluate(index, (q for q in QUESTIONS if q["half"] == half))
        # The measured figures (docs/knowledge.md), rounded down: tune 0.846 / 0.926, hold-out 0.885 / 0.971.
        assert figures["confident_recall"] >= 0.82 and figures["abstain_rate"] >= 0.91, (half, figures)
        assert figures["gap_precision"] >= 0.90, (half, figures)
    # The training set's near misses are harder than the eval set's (measured 0.877 and 0.729).
    figures = evaluate(index, TRAIN2)
    assert figures["confident_recall"] >= 0.85 and figures["abstain_rate"] >= 0.67, figures


def test_every_fresh_set_keeps_its_figures(index: SuggestionIndex) -> None:
    # The figures measured with the committed model, rounded down (docs/knowledge.md): one question fewer
    # fails. Since the round of held-out thresholds every one of them is fitted on; what they give when left
    # out of the fit is test_the_threshold_is_chosen_on_sets_left_out_of_the_fit's.
    sets = [("fresh", FRESH, 0.88, 0.83), ("fresh2", FRESH2, 0.82, 0.72), ("fresh3", FRESH3, 0.88, 0.90)]
    sets += [("fresh4", FRESH4, 0.85, 0.79), ("fresh5", FRESH5, 0.85, 0.80), ("fresh6", FRESH6, 0.88, 0.78)]
    sets += [("fresh7", FRESH7, 0.75, 0.65), ("fresh8", FRESH8, 0.70, 0.81), ("fresh9", FRESH9, 0.69, 0.77)]
    sets += [("fresh10", FRESH10, 0.66, 0.71), ("fresh11", FRESH11, 0.65, 0.84)]
    for name, questions, recall, abstain in sets:
        figures = evaluate(index, questions)
        assert figures["confident_recall"] >= recall and figures["abstain_rate"] >= abstain, (name, figures)
        floor = {"fresh7": 0.92, "fresh8": 0.92, "fresh9": 0.92, "fresh10": 0.92, "fresh11": 0.88}.get(name, 0.9)
        assert figures["hit_at_3"] >= floor, (name, figures)


def test_the_gap_bar_is_stricter_than_the_confidence_bar() -> None:
    assert 0 < GAP_THRESHOLD < THRESHOLD < 1


def test_the_ranking_never_needs_what_the_question_asks_about() -> None:
    # The index computes asked, missing, named, rest, main, the trouble signals, unwanted and the kinds of
    # answer for the suggestions shown only: the ranking must not weigh them; whether the question asks
    # "can I" is the same for every candidate, so it cannot rank either.
    signals = len(Features(0, 0, 0, 0, 0, False).vector())
    assert RANKING[-11:] == (0.0,) * 11 and len(RANKING) == len(COEFFICIENTS) == 1 + signals


def test_the_committed_model_is_the_fit_of_the_training_sets(index: SuggestionIndex) -> None:
    # bench/knowledge.py --fit prints these (fitted on the tune half, train2 and fresh to fresh11): a change to
    # the signals must come with refitted coefficients.
    assert fit(index) == pytest.approx(COEFFICIENTS, abs=0.02)


def test_the_threshold_is_chosen_on_sets_left_out_of_the_fit(index: SuggestionIndex) -> None:
    # Each set scored by the model fitted on the others: the threshold is where those pooled scores give the
    # best lower of confident recall and abstain rate, never where the fit's own questions look best.
    folds = held_out(index)
    assert choose_threshold(folds) == pytest.approx(THRESHOLD)
    assert set(folds) == {"tune", "train2", "fresh", *(f"fresh{n}" for n in range(2, 12))}


def test_newton_solves_a_linear_system_exactly() -> None:
    a = [[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]]
    x = _solve(a, [1.0, 2.0, 3.0])
    assert [sum(r * v for r, v in zip(row, x, strict=True)) for row in a] == pytest.approx([1.0, 2.0, 3.0])


def test_more_coverage_and_phrase_match_mean_more_confidence() -> None:
    weak = Features(lexical=0.1, coverage=0.1, margin=0.0, match=0.3, unknown=0.5, foreign=False, asked=0.1)
    strong = Features(
        lexical=0.5, coverage=0.8, margin=0.5, match=0.9, unknown=0.0, foreign=False, agree=True, asked=0.9
    )
    assert calibrated(weak) < THRESHOLD < calibrated(strong) < 1
    assert calibrated(replace(strong, foreign=True)) < calibrated(strong)
    assert not math.isnan(calibrated(Features(1e9, 1e9, 1e9, 1e9, 0.0, False)))


def test_feedback_moves_the_ranking_never_the_confidence(index: SuggestionIndex) -> None:
    question = "I was charged twice for one order"
    first, second = index.search(question, "en", limit=2)
    index.set_feedback(first.article_id, 0, 0, 30)
    index.set_feedback(second.article_id, 30, 0, 0)
    after = {h.article_id: h for h in index.search(question, "en", limit=2)}
    assert after[first.article_id].confidence == first.confidence
    assert after[first.article_id].score < first.score and after[second.article_id].score > second.score
    index.set_feedback(first.article_id, 0)
    index.set_feedback(second.article_id, 0)


def test_the_models_read_the_signals_in_the_vectors_order() -> None:
    # calibrated() reads a model's weighed signals by name: the names must be vector()'s order.
    f = Features(
        0.1, 0.2, 0.3, 0.4, 0.5, True, True, 0.6, 0.7, 0.8, 0.9, True, 0.25, True, False, True, True, False, True
    )
    assert tuple(float(getattr(f, name)) for name in VECTOR) == f.vector()
    assert tuple(field.name for field in fields(Features)) == VECTOR
    for model in (RANKING, COEFFICIENTS):
        z = model[0] + sum(c * x for c, x in zip(model[1:], f.vector(), strict=True))
        assert calibrated(f, model) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
