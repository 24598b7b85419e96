"""People with titles and organisations with a kind: the issue's examples."""
import pytest

from yrd.extract.entities import find_organizations, find_people
from yrd.extract.places import find_places


def people(text):
    found = find_people(text)
    for p in found:
        for m in p["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    return {p["name"]: p for p in found}


def orgs(text):
    found = find_organizations(text)
    for o in found:
        for m in o["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    return {o["name"]: o["kind"] for o in found}


def test_title_chain_before_the_name():
    p = people("南通市委常委、常务副市长周建华在签约仪式上表示，南通将主动承接上海产业外溢。周建华说。")
    assert p["周建华"]["title"] == "南通市委常委、常务副市长"
    assert len(p["周建华"]["mentions"]) == 2


def test_a_person_named_like_a_city():
    p = people("芜湖市委书记宁波表示，芜湖将全面融入长三角。")
    assert p["宁波"]["title"] == "芜湖市委书记"


def test_park_official():
    assert people("园区管委会主任李明介绍，园区今年新增企业60家。")["李明"]["title"] == "园区管委会主任"


def test_two_people_in_a_row_and_a_leader_with_several_titles():
    p = people("市长李明和副市长王强出席。中共中央总书记、国家主席、中央军委主席习近平发表重要讲话。")
    assert p["李明"]["title"] == "市长" and p["王强"]["title"] == "副市长"
    assert p["习近平"]["title"] == "中共中央总书记、国家主席、中央军委主席"


def test_foreign_leader_and_byline():
    p = people("国家主席习近平1月11日同印度尼西亚总统佐科通电话。（总台记者 金珠）")
    assert p["佐科"]["title"] == "印度尼西亚总统"
    assert p["金珠"]["title"] == "记者"


@pytest.mark.parametrize("text, name, kind", [
    ("长三角生态绿色一体化发展示范区执行委员会在嘉善揭牌", "长三角生态绿色一体化发展示范区执行委员会", "government"),
    ("中新苏滁高新技术产业开发区新增项目12个", "中新苏滁高新技术产业开发区", "park"),
    ("无锡市与中国（江苏）自由贸易试验区苏州片区开展合作", "中国（江苏）自由贸易试验区", "zone"),
    ("据上海海关统计，长三角区域进出口增长", "上海海关", "government"),
    ("沪苏湖铁路正式开通运营", "沪苏湖铁路", "project"),
    ("浦发银行南通分行与园区签订合作备忘录", "浦发银行", "company"),
    ("商务部和海关总署联合发布通知", "海关总署", "government"),
])
def test_organisations_stay_whole(text, name, kind):
    assert orgs(text).get(name) == kind


@pytest.mark.parametrize("text", ["构建新发展格局", "经济高速发展", "以企业为中心", "全部项目已开工", "各地干部"])
def test_words_ending_like_organisations_are_not(text):
    assert orgs(text) == {}


@pytest.mark.parametrize("text,name", [
    ("近日，在金华市金投集团有限公司与上海临港松江科技城投资发展有限公司签约下。", "上海临港松江科技城投资发展有限公司"),
    ("天津滨海高新区管委会与北京首都创业集团有限公司共同签署了协议。", "北京首都创业集团有限公司"),  # 都 of 首都
    ("南通市政府携手工业和信息化部赛迪研究院共同举办论坛。", "工业和信息化部赛迪研究院"),
    ("县文化和旅游局参加会议。", "县文化和旅游局"),
])
def test_whole_names_keep_their_first_characters(text, name):
    assert name in {o["name"] for o in find_organizations(text, find_places(text))}


@pytest.mark.parametrize("text,fragment", [
    ("全市上下要认真贯彻落实省委决定。", "全市上下要认真贯彻落实省委"),
    ("此次会议重点研究部署工作。", "此次会议重点研究部"),
    ("加快健全示范区协同机制。", "健全示范区"),
    ("上海和江苏省委书记出席。", "上海和江苏省委"),
])
def test_no_clause_run_into_a_suffix(text, fragment):
    assert fragment not in {o["name"] for o in find_organizations(text, find_places(text))}
