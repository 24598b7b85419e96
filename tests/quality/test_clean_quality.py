"""Cleaning quality on 50 hand-annotated corpus files, with floors that only go up.

Also: on the HTML pages, yrd must be at least as good as trafilatura's extraction.
Figures: `python tests/quality/report.py`.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import Score, records, trafilatura_text, yrd_text  # noqa: E402

# Floors: raise them when the cleaner improves; never lower them.
FLOORS = {"precision": 0.99, "recall": 0.99, "f1": 0.99}  # measured 1.000 / 1.000 / 1.000


def _score(corpus, kind=None, extract=yrd_text):
    score, problems = Score(), {}
    for rec in records(kind):
        path = corpus / rec["file"]
        found = score.add(extract(path), rec)
        if found:
            problems[rec["file"]] = found
    return score, problems


def test_gold_set_is_big_enough():
    recs = records()
    assert len(recs) >= 40
    assert sum(len(r["must"]) for r in recs) >= 200


def test_cleaning_quality_floors(corpus):
    score, problems = _score(corpus)
    report = "\n".join(f"{f}: {p}" for f, p in problems.items())
    for metric, floor in FLOORS.items():
        assert getattr(score, metric) >= floor, f"{score.row('yrd')}\n{report}"


def test_at_least_as_good_as_trafilatura_on_html_pages(corpus):
    pytest.importorskip("trafilatura")
    ours, _ = _score(corpus, "html")
    theirs, _ = _score(corpus, "html", trafilatura_text)
    assert ours.f1 >= theirs.f1, f"{ours.row('yrd')}\n{theirs.row('trafilatura')}"
    assert ours.precision >= theirs.precision and ours.recall >= theirs.recall
