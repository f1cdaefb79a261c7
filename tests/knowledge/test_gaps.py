"""The gap report's grouping by meaning and its stricter bar, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.knowledge_eval import sample_index
from hub.knowledge.confidence import GAP_THRESHOLD
from hub.knowledge.gaps import group, still_open
from hub.knowledge.index import IndexedArticle
from hub.knowledge.tables import UnansweredQuery
from hub.knowledge.text import guess_locale

TOPICS = {
    "installments": ["Can I pay in monthly installments?", "is there an installment plan", "12 months in instalments"],
    "bitcoin": ["do you take bitcoin", "do you accept bitcoin payments", "is bitcoin accepted"],
    "students": ["is there a student discount", "discount for students?", "do students get a cheaper price"],
    "分期": ["可以分期付款吗", "支持分期吗"],
}  # fmt: skip


def _rows(questions: list[str], best: float | None = None) -> list[UnansweredQuery]:
    now = datetime.now(UTC)
    return [UnansweredQuery(query=q, locale=guess_locale(q), best_score=best, created_at=now) for q in questions]


def test_paraphrases_of_one_missing_topic_are_one_gap_and_topics_stay_apart() -> None:
    questions = [q for qs in TOPICS.values() for q in qs]
    gaps = group(_rows(questions), sample_index())
    found = sorted(sorted(questions[i] for i in g.members) for g in gaps)
    assert found == sorted(sorted(qs) for qs in TOPICS.values())
    assert all(g.count == len(g.members) for g in gaps)


def test_a_group_is_a_gap_only_if_one_phrasing_found_nothing_close() -> None:
    near = _rows(["do you take bitcoin", "is bitcoin accepted"], best=100 * GAP_THRESHOLD + 5)
    (gap,) = group(near, sample_index())
    assert gap.lowest >= 100 * GAP_THRESHOLD  # the report leaves it out: every phrasing met an article
    far = near + _rows(["bitcoin ok?"], best=None)
    (gap,) = group(far, sample_index())
    assert gap.lowest < 100 * GAP_THRESHOLD and gap.count == 3


def test_an_article_written_since_closes_the_gap() -> None:
    index = sample_index()
    assert still_open(index, "is bitcoin accepted", "en")
    index.upsert(IndexedArticle.build(999, "en", "Paying with bitcoin", ["Is bitcoin accepted?"], ["bitcoin"]))
    assert not still_open(index, "is bitcoin accepted", "en")
