"""The link step's projects: named projects of every kind, investment bound in their own clause, places from their
name and clause, stages with dates (planned apart), portfolios never one project's cost. Invented sentences."""
from yrd.model import Document, Source
from yrd.pipeline import finish, steps_until


def linked(text: str, published: str = "2024-06-05T10:00:00+08:00") -> Document:
    doc = finish(Document("t", Source(), "", published, "zh-Hans", text), steps_until("link"))
    for p in doc.projects:
        assert doc.text[p["start"]:p["end"]] == p["text"]
        inv = p["investment"]
        assert inv is None or doc.text[inv["start"]:inv["end"]] == inv["text"]
        for s in p["stages"]:
            assert doc.text[s["start"]:s["end"]] == s["text"]
    return doc


def by_name(doc: Document) -> dict[str, dict]:
    return {p["name"]: p for p in doc.projects}


def test_investment_bound_in_the_projects_own_clause():
    doc = linked("总投资100亿元的嘉善智能传感器产业园项目昨日签约。嘉兴光伏组件制造项目总投资约10亿元。")
    got = by_name(doc)
    assert got["嘉善智能传感器产业园项目"]["investment"]["value"] == 1e10
    assert got["嘉兴光伏组件制造项目"]["investment"]["value"] == 1e9
    assert got["嘉兴光伏组件制造项目"]["investment"]["approx"] == "about"


def test_a_total_for_many_projects_is_a_portfolio_not_one_projects_cost():
    doc = linked("当天，湖州市13个重大项目集中开工，总投资206.1亿元，其中湖州南太湖新区智能制造项目最受关注。")
    assert [(p["count"], p["investment"]["value"]) for p in doc.portfolios] == [(13, 2.061e10)]
    assert all(p["investment"] is None for p in doc.projects)


def test_places_from_the_name_and_the_clause_not_the_whole_article():
    doc = linked("北京、天津两地代表出席会议。沪苏湖铁路开工建设。")
    assert by_name(doc)["沪苏湖铁路"]["places"] == ["上海市", "苏州市", "湖州市"]


def test_stages_with_dates_and_plans_apart():
    doc = linked("2022年6月5日，沪苏湖铁路开工建设。沪苏湖铁路将于2024年底建成通车。", published="2022-06-06T10:00:00+08:00")
    p = by_name(doc)["沪苏湖铁路"]
    assert (p["stage"], p["stage_date"]) == ("groundbreaking", "2022-06-05")  # a plan to finish is no completion
    assert [(s["stage"], s["modality"]) for s in p["stages"]] == [("groundbreaking", "happened"),
                                                                   ("completion", "planned")]


def test_a_project_known_only_by_plans_is_at_the_planning_stage():
    doc = linked("规划建设通苏嘉甬高铁。")
    assert by_name(doc)["通苏嘉甬高铁"]["stage"] == "planned"


def test_the_place_of_a_ceremony_is_not_its_project():
    doc = linked("3月8日，集中开工仪式在当涂经济开发区产业园举行。")
    assert all(p["stage"] is None for p in doc.projects)


def test_kinds_of_projects_and_no_project_of_a_generic_word():
    doc = linked("推进重大项目建设，湖州项目进展顺利。嘉善县长三角数字经济产业基金设立。")
    names = {p["name"]: p["kind"] for p in doc.projects}
    assert "重大项目" not in names and "湖州项目" not in names
    assert names.get("嘉善县长三角数字经济产业基金") == "fund"
