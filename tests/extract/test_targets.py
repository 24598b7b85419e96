"""Targets: a goal for a later year, its metric a noun phrase, its subject, never a result or a forecast."""
import pytest

from yrd.extract.pipeline import extract_all
from yrd.model import Document, Source


def targets(text: str, published: str = "2024-06-05T10:00:00+08:00") -> list[dict]:
    doc = Document("t", Source(), "", published, "zh-Hans", text)
    extract_all(doc)
    for t in doc.targets:
        assert doc.text[t["start"]:t["end"]] == t["text"]
    return doc.targets


def test_from_a_figure_to_a_goal_the_goal_counts():
    got = targets("到2025年，上海市各类公园数量从现在的500多座增加到1000座以上。")
    assert [(t["deadline"], t["value"], t["approx"]) for t in got] == [(2025, 1000, "over")]
    assert "公园数量" in got[0]["metric"] and "从" not in got[0]["metric"]


def test_a_list_of_goals_after_one_deadline():
    got = targets("南京都市圈到2025年，基础设施一体化程度大幅提高；城际断头路全面消除；"
                  "高新技术产业产值占规上工业产值比重达55%以上。")
    assert len(got) == 3 and {t["subject"] for t in got} == {"南京都市圈"}
    assert got[2]["value"] == 55 and got[2]["unit"] == "percent"


@pytest.mark.parametrize("text", [
    "截至2023年末，开州区户籍总人口164.96万人。",  # as of a date: a result
    "“十四五”时期，我国启动全国一体化算力网络国家枢纽节点建设。",  # a period looked back on
    "“十四五”时期的突破路径调研报告发布。",  # a period that names a thing
])
def test_no_goal(text):
    assert targets(text, published="2025-12-23T10:00:00+08:00") == []


def test_the_subject_is_the_place_the_sentence_names_else_the_articles_delta_place():
    got = targets("苏州市到2027年，集成电路产业规模突破3000亿元。")
    assert got[0]["subject"] == "苏州市" and got[0]["metric"] == "集成电路产业规模"
    got = targets("嘉兴市召开大会。四川省代表参会。到2027年，新增上市企业20家以上。")
    assert got[0]["subject"] == "嘉兴市"  # the article's place in the delta


@pytest.mark.parametrize("metric", ["以及", "保障了", "和"])
def test_a_metric_is_a_noun_phrase(metric):
    from yrd.extract.targets import _noun_phrase

    assert _noun_phrase(metric) is None
