"""Quality on pages from sites yrd was never tuned on (tests/gold/web_gold.jsonl), with floors that only go up.

Both parts have floors: the development part (tuned on) and the test part (never looked at while changing rules;
its errors are not shown, only these scores). Figures: `yrd eval tests/gold/web_gold.jsonl`.
"""
from pathlib import Path

import pytest

from yrd.evaluation import load_gold
from yrd.evaluation.pages import evaluate_pages

GOLD = Path(__file__).resolve().parent.parent / "gold" / "web_gold.jsonl"

# raise them as the extractors improve; never lower them (measured 2026-12-03: see README). One exception, said
# here: lines named whole (通苏嘉甬高铁, not 苏嘉甬高铁) add `connects` relations that are true and that the gold set
# does not list (合杭高铁 links 合肥 and 杭州); the test part's relations floor went from 0.49 to 0.48 with them.
FLOORS = {
    "dev": {"articles": 0.98, "titles": 0.87, "dates": 0.97, "clean": 0.95, "units_p": 0.94, "units_r": 0.92,
            "far_away": 25, "events_f1": 0.74, "events_dated": 0.67, "relations_f1": 0.54, "organizations_f1": 0.48,
            "targets_f1": 0.8, "projects_f1": 0.44, "projects_right": 0.12},
    "test": {"articles": 0.98, "titles": 0.72, "dates": 0.95, "clean": 0.85, "units_p": 0.94, "units_r": 0.88,
             "far_away": 8, "events_f1": 0.61, "events_dated": 0.62, "relations_f1": 0.48, "organizations_f1": 0.35,
             "targets_f1": 0.8, "projects_f1": 0.48, "projects_right": 0.15},
}


def test_the_gold_set_holds_no_article_text():
    records = load_gold(GOLD)
    assert len(records) >= 150 and len({r["site"] for r in records}) >= 100
    assert {r["split"] for r in records} == {"dev", "test"}
    for rec in records:
        assert "text" not in rec and all(set(k) == {"sha1", "len"} for k in rec["must"] + rec["must_not"])


@pytest.fixture(scope="module", params=["dev", "test"])
def report(request, corpus):
    return evaluate_pages(load_gold(GOLD), corpus, request.param)


def test_floors(report):
    floor = FLOORS[report.split]
    got = {"articles": report.articles.share, "titles": report.titles.share, "dates": report.dates.share,
           "clean": report.clean.share, "units_p": report.units.precision, "units_r": report.units.recall,
           "events_f1": report.events.f1, "events_dated": report.events_dated.share,
           "relations_f1": report.relations.f1, "organizations_f1": report.organizations.f1,
           "targets_f1": report.targets.f1, "projects_f1": report.projects.f1,
           "projects_right": report.projects_right.share}
    low = {k: round(v, 3) for k, v in got.items() if v < floor[k]}
    assert not low, f"{report.split} below its floors: {low}\n{report.table()}"
    assert len(report.far_away) <= floor["far_away"], report.table()


def test_the_test_parts_errors_are_not_shown(corpus):
    from yrd.errors import YrdError

    with pytest.raises(YrdError, match="not shown"):
        evaluate_pages(load_gold(GOLD), corpus, "test", errors=True)
