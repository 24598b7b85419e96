"""Places: the issue's examples and the known failure modes of naive matching."""
import pytest

from yrd.extract.places import find_places


def places(text, publisher=None):
    found = find_places(text, publisher)
    for p in found:
        for m in p["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    return {p["name"]: p for p in found}


def test_district_resolved_by_the_city_beside_it():
    p = places("宁波江北的企业与重庆两江新区签约。")
    assert p["江北区"]["adcode"] == "330205"
    assert p["江北区"]["mentions"][0]["text"] == "江北"


@pytest.mark.parametrize("word", ["合作", "新城", "江海", "通道", "东风", "市中"])
def test_ordinary_words_that_equal_a_short_place_name_are_not_places(word):
    text = f"两地将在{word}方面深化交流，推动发展。"
    assert not any(m["text"] == word for p in find_places(text) for m in p["mentions"])


def test_a_place_inside_a_persons_name_is_not_a_place():
    p = places("芜湖市委书记宁波在会上表示，芜湖将深度融入长三角。")
    assert "宁波市" not in p
    assert p["芜湖市"]["adcode"] == "340200"


@pytest.mark.parametrize("site", ["中国江苏网", "浙江在线"])
def test_a_publishers_site_name_is_not_a_place(site):
    p = places(f"据{site}报道，湖州市与嘉兴市签署合作协议。")
    assert set(p) >= {"湖州市", "嘉兴市"}
    assert "江苏省" not in p and "浙江省" not in p


def test_abbreviations_resolve_to_their_members():
    p = places("沪苏浙皖三省一市共同推进，宁杭两地和锡常泰城市群建设提速。")
    assert {"上海市", "江苏省", "浙江省", "安徽省", "南京市", "杭州市", "无锡市", "常州市", "泰州市"} <= set(p)
    assert p["锡常泰城市群"]["level"] == "area" and p["锡常泰城市群"]["scope"] == "delta"


def test_full_names_codes_levels_and_coordinates():
    p = places("浙江省湖州市德清县和上海市青浦区")
    assert p["德清县"]["adcode"] == "330521" and p["德清县"]["level"] == "county"
    assert p["湖州市"]["level"] == "city" and p["浙江省"]["level"] == "province"
    assert p["青浦区"]["adcode"] == "310118"
    assert 30 < p["德清县"]["lat"] < 31 and 119 < p["德清县"]["lon"] < 121


def test_new_districts_and_renamed_units():
    p = places("杭州临平区、钱塘区和南通市海门区；老地名闸北区")
    assert p["临平区"]["adcode"] == "330113"
    assert p["钱塘区"]["adcode"] == "330114"
    assert p["海门区"]["adcode"] == "320614"
    assert p["静安区"]["adcode"] == "310106"  # 闸北区 merged into 静安区 in 2015
    assert p["静安区"]["mentions"][0]["text"] == "闸北区"


def test_named_zones_with_their_host():
    p = places("长三角生态绿色一体化发展示范区、苏州工业园区、G60科创走廊和乌镇")
    assert p["长三角生态绿色一体化发展示范区"]["level"] == "zone"
    assert p["苏州工业园区"]["parent_adcode"] == "320500"
    assert p["长三角G60科创走廊"]["parent_adcode"] == "310117"
    assert p["乌镇"]["level"] == "zone"
    assert p["长三角"]["level"] == "area"  # the region at the head of a zone's name: the zone lies in it
    assert p["长三角"]["mentions"][0]["text"] == "长三角" and p["长三角"]["scope"] == "delta"


def test_one_entry_per_place_with_all_mentions():
    text = "湖州市与嘉兴签约。湖州将共建园区，湖州市委表示支持。"
    p = places(text)
    assert [m["text"] for m in p["湖州市"]["mentions"]] == ["湖州市", "湖州", "湖州市"]


def test_street_names_are_not_cities():
    assert "南京市" not in places("上海南京路步行街客流回升")


def test_ambiguous_district_without_context_is_left_out():
    assert "鼓楼区" not in places("鼓楼的夜市很热闹")  # 南京、徐州、福州、开封都有鼓楼区
    assert places("南京鼓楼区")["鼓楼区"]["adcode"] == "320106"


def test_region_and_foreign_countries():
    p = places("长三角地区对印度尼西亚出口增长")
    assert p["长三角"]["level"] == "area"
    assert p["印度尼西亚"]["level"] == "foreign"


# --- evidence: a name is a place where it is a word of the sentence, and far-away or ambiguous ones need support


@pytest.mark.parametrize("text,word", [
    ("加快创新和发展。", "新和"), ("打造新平台。", "新平"), ("阿里巴巴集团在杭州。", "阿里"), ("建设国家示范县。", "范县"),
    ("沿海地区发展很快。", "海地"), ("世界上海拔最高的工程。", "上海"), ("绿水青山就是金山银山。", "金山"),
])
def test_a_name_inside_another_word_is_no_place(text, word):
    assert not any(m["text"] == word for p in find_places(text) for m in p["mentions"])


@pytest.mark.parametrize("text,wrong", [
    ("森林资源十分丰富。", "资源县"), ("加强太湖治理。", "太湖县"), ("登上黄山。", "黄山市"), ("沪渝高速全线贯通。", "重庆市"),
    ("沪铜期货上涨。", "铜陵市"), ("沪苏湖铁路开通。", "湖州市"), ("平原地区。", "平原县"), ("成渝地区双城经济圈建设。", "双城区"),
])
def test_no_far_away_unit_from_an_ordinary_word(text, wrong):
    """资源, 太湖, 黄山, 沪渝 (a road's name), 沪铜 (a ticker), 沪苏湖 (a line's name), 平原, 双城: no unit."""
    assert wrong not in places(text)


@pytest.mark.parametrize("text,unit", [
    ("广西资源县位于桂林市东北部。", "资源县"), ("资源县地处越城岭山脉腹地。", "资源县"),
    ("广西资源境内森林资源丰富，与桂林相邻。", "资源县"), ("安徽太湖县召开大会。", "太湖县"),
    ("安庆市太湖县推进蕲太高速建设。", "太湖县"), ("四川通江县银耳节开幕，巴中市领导出席。", "通江县"),
    ("上海市金山区践行绿水青山就是金山银山。", "金山区"), ("新疆新和县隶属阿克苏地区。", "新和县"),
    ("西藏阿里地区海拔很高。", "阿里地区"), ("黄山市屯溪区老街游客众多。", "黄山市"),
])
def test_an_article_about_a_homonym_place_still_finds_it(text, unit):
    """The words that are no place elsewhere are places where the article corroborates them (full name, parent)."""
    assert unit in places(text)


def test_a_name_hidden_behind_a_rejected_match_is_found():
    """和安 (a town's short name) would hide 安徽省 in 浙江省和安徽省; a hidden short or old name stays hidden."""
    assert {"浙江省", "安徽省"} <= set(places("浙江省和安徽省共同签署协议。"))
    assert {"江苏省", "安徽省"} <= set(places("总书记先后对江苏和安徽工作作出重要指示。"))
    assert "浦东新区" not in places("开车到湖东侧的青浦东航路，过去绕行需要半小时。")


def test_every_place_has_a_scope():
    p = places("上海市、成都市和日本东京都，京津冀协同发展。")
    assert p["上海市"]["scope"] == "delta" and p["成都市"]["scope"] == "china" and p["日本"]["scope"] == "foreign"
    assert p["京津冀"]["scope"] == "china" and {"北京市", "天津市", "河北省"} <= set(p)
