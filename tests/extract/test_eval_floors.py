"""Extraction quality on the hand-annotated gold set (tests/gold), with floors that only go up.

Figures: `yrd eval tests/gold/gold.jsonl --corpus ../shared/corpus`.
"""
from pathlib import Path

import pytest

from yrd.evaluation import load_gold
from yrd.evaluation.facts import evaluate

GOLD = Path(__file__).resolve().parent.parent / "gold" / "gold.jsonl"

# F1 floors per fact kind: raise them as the extractors improve; never lower them.
FLOORS = {
    "places": 0.84,
    "people": 0.87,
    "organizations": 0.58,
    "amounts": 0.93,
    "targets": 0.76,
    "events": 0.64,
    "relations": 0.42,
}


def test_gold_set_shape():
    records = load_gold(GOLD)
    assert len(records) >= 40
    for rec in records:
        assert {"file", "index", "doc_id", "text_sha1", "places", "events"} <= set(rec)
        assert "text" not in rec  # offsets and hashes only: no article text in the repository


@pytest.fixture(scope="module")
def report(corpus):
    return evaluate(GOLD, corpus)


def test_every_gold_document_is_found_and_every_span_anchors(report):
    assert not report.errors
    assert report.documents >= 40
    assert report.lost_spans == 0


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_f1_floor(report, kind):
    score = report.scores[kind]
    assert score.f1 >= FLOORS[kind], report.table()
