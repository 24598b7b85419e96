"""Events: type, modality, date (own or the frame's), participants; invented sentences in the shapes news takes."""
import pytest

from yrd.extract.pipeline import extract_all
from yrd.model import Document, Source


def events(text: str, published: str | None = "2024-06-05T10:00:00+08:00") -> list[dict]:
    doc = Document("t", Source(), "", published, "zh-Hans", text)
    extract_all(doc)
    for e in doc.events:
        assert doc.text[e["start"]:e["end"]] == e["text"]
        for m in e["mentions"]:
            assert doc.text[m["start"]:m["end"]] == m["text"]
    return doc.events


def kinds(text: str, **kw) -> list[tuple]:
    return [(e["type"], e["modality"], e["date"]) for e in events(text, **kw)]


@pytest.mark.parametrize("text,expected", [
    ("6月3日，南京市与马鞍山市签署战略合作协议。", [("signing", "happened", "2024-06-03")]),
    ("沪苏湖铁路将于明年开工建设。", [("groundbreaking", "planned", "2025")]),
    ("该项目计划于2025年年底建成通车。", [("completion", "planned", "2025")]),
    ("他表示，希望这条线路早日开通。", [("launch", "quoted", None)]),
    ("长三角城市经济协调会第二十一次全体会议将于2025年在徐州召开。", [("meeting", "planned", "2025")]),
])
def test_modality_and_date(text, expected):
    assert kinds(text) == expected


def test_a_goal_with_a_deadline_is_a_target_not_an_event():
    assert kinds("到2035年，建成具有国际影响力的现代化都市圈。") == []


@pytest.mark.parametrize("text", [
    "示范区建成后，将惠及两地群众。",  # a condition
    "全年新开工面积达到500万平方米。",  # a statistic
    "截至2023年底，长三角已开通省际毗邻公交线路95条。",  # a running total
    "总书记多次主持召开一系列重要会议。",  # many, not one
    "一股思想从湖州破土而出。",  # 破土 inside another word
    "三地以“云开工”方式推进合作。",  # a term in quotes
])
def test_no_happening(text):
    assert kinds(text) == []


def test_acts_at_a_dated_meeting_take_its_date():
    text = ("9月16日，长江三角洲城市经济协调会第二十次全体会议在连云港召开。会议审议通过了《重点合作事项管理办法》，"
            "19个重大合作事项现场签约。")
    got = {e["type"]: (e["date"], e["date_from"]) for e in events(text, published="2024-09-17T08:00:00+08:00")}
    assert got == {"meeting": ("2024-09-16", "stated"), "approval": ("2024-09-16", "paragraph"),
                   "signing": ("2024-09-16", "paragraph")}


def test_a_later_sentence_that_points_back_is_the_same_happening():
    text = "6月13日，望江县人民政府与安徽菜大师公司合作项目签约仪式举行。仪式上，双方签订了投资合作协议。"
    evs = events(text, published="2024-06-14T08:00:00+08:00")
    assert [e["type"] for e in evs] == ["signing"]  # a ceremony of a signing is the signing, told twice
    assert evs[0]["date"] == "2024-06-13" and len(evs[0]["mentions"]) == 1


def test_meetings_by_name_and_session():
    assert kinds("市委十四届八次全体（扩大）会议召开。")[0][0] == "meeting"
    assert kinds("记者从杭州都市圈第九次市长联席会议上获悉，合作项目进展顺利。")[0][0] == "meeting"
    assert kinds("2020年，杭州都市圈第十一次市长联席会议。")[0][:2] == ("meeting", "happened")


def test_a_year_that_names_a_thing_does_not_date_the_act():
    got = kinds("1月26日，安徽省政府2025年政府工作报告公布。", published="2025-01-27T10:00:00+08:00")
    assert got == [("release", "happened", "2025-01-26")]
    assert kinds("通海港区2018年开港。", published=None) == [("completion", "happened", "2018")]


def test_two_happenings_of_one_type_with_their_own_dates():
    got = kinds("2021年《长江法》的颁布和2019年《长三角区域一体化发展规划》的出台，意义重大。", published=None)
    assert got == [("release", "happened", "2021"), ("release", "happened", "2019")]


def test_a_date_written_with_spaces():
    assert kinds("2019 年12 月1 日，中共中央、国务院正式发布《规划纲要》。")[0][2] == "2019-12-01"


def test_participants_of_what_was_signed_together():
    evs = events("3月8日，上海市、江苏省、浙江省和安徽省共同签署《长三角交通一体化合作协议》。")
    assert {"上海市", "江苏省", "浙江省", "安徽省"} <= set(evs[0]["participants"])
