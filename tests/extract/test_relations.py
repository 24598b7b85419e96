"""Relations: one per agreement with whole parties, membership apart from cooperation, no ancestor or host as a
partner, topics from the taxonomy; invented sentences."""
import pytest

from yrd.extract.pipeline import extract_all
from yrd.model import Document, Source


def relations(text: str) -> list[tuple]:
    doc = Document("t", Source(), "", "2024-06-05T10:00:00+08:00", "zh-Hans", text)
    extract_all(doc)
    for r in doc.relations:
        assert doc.text[r["start"]:r["end"]] == r["text"]
    return [(r["type"], sorted(r["parties"]), r["topic"]) for r in doc.relations]


def test_an_enumeration_of_agreements_gives_one_relation_each():
    got = relations("签约项目包括：南京市与马鞍山市战略合作、苏州市和嘉兴市共建产业园。")
    assert ("cooperation", ["南京市", "马鞍山市"], "general") in got
    assert ("cooperation", ["嘉兴市", "苏州市"], "industry") in got
    assert len(got) == 2


def test_a_chain_of_places_is_one_party_and_an_ancestor_no_partner():
    got = relations("奥克斯集团与安徽省马鞍山市当涂县合作共建智能家电产业园项目。")
    assert got == [("cooperation", ["奥克斯集团", "当涂县"], "industry")]
    assert relations("杭州市与上城区签署合作协议。") == []  # a place and its own city


def test_the_host_of_a_meeting_is_no_party():
    got = relations("湖州市和宣城市在南京召开联席会议，签署生态环境联保协议。")
    assert got == [("cooperation", ["宣城市", "湖州市"], "ecology_water")]


def test_joining_an_alliance_is_membership_not_cooperation():
    got = relations("浙江省衢州市、安徽省黄山市正式加入杭州都市圈。")
    assert got == [("membership", ["杭州都市圈", "衢州市", "黄山市"], None)]


def test_a_region_with_a_membership_word_lists_its_members():
    got = relations("宁波都市圈包括宁波、舟山、台州三市。")
    assert got == [("membership", ["台州市", "宁波市", "宁波都市圈", "舟山市"], None)]


def test_a_list_beside_a_region_without_a_membership_word_is_no_membership():
    assert relations("《规划》提出，发挥上海、杭州都市圈和合肥都市圈的辐射作用。") == []


@pytest.mark.parametrize("text,topic", [
    ("两市签署《太湖流域水环境综合治理合作协议》，南京市与无锡市携手。", None),
    ("南京市与无锡市签署《太湖流域水环境综合治理合作协议》。", "ecology_water"),
    ("南京市与无锡市签署战略合作框架协议。", "general"),
    ("南京市与马鞍山市在产业领域的合作日益深化。", "industry"),
])
def test_topics_come_from_the_taxonomy(text, topic):
    got = relations(text)
    if topic is None:
        assert all(r[0] == "cooperation" for r in got)
    else:
        assert got[0][2] == topic


def test_a_relation_told_twice_is_one_with_its_mentions():
    doc = Document("t", Source(), "", "2024-06-05T10:00:00+08:00", "zh-Hans",
                   "南京市与马鞍山市签署战略合作协议。南京市与马鞍山市将共建宁马都市圈，签署战略合作协议。")
    extract_all(doc)
    coop = [r for r in doc.relations if r["type"] == "cooperation"]
    assert len(coop) == 1 and len(coop[0]["mentions"]) == 1


def test_a_line_connects_the_places_of_its_name_and_those_it_is_said_to_link():
    got = relations("沪苏湖铁路开工建设。")
    assert got == [("connects", ["上海市", "沪苏湖铁路", "湖州市", "苏州市"], "transport")]
