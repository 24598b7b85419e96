import pytest

from yrd.clean.lines import filter_paragraphs, normalize_paragraph


def test_metadata_lines_move_to_meta():
    v = filter_paragraphs([
        "发布时间:2022-08-09 10:21:00来源: 湖州日报",
        "湖州与上海签署合作协议，双方将在科技创新领域深化合作。",
        "原标题：湖州沪湖合作再提速",
        "责任编辑：王某",
    ])
    assert v.kept == ["湖州与上海签署合作协议，双方将在科技创新领域深化合作。"]
    assert v.meta["published_at"] == "2022-08-09T10:21:00+08:00"
    assert v.meta["publisher"] == "湖州日报"
    assert v.meta["editor"] == "王某"
    assert v.meta["original_title"] == "湖州沪湖合作再提速"


def test_traditional_metadata_labels():
    v = filter_paragraphs(["發布時間：2023-06-02 09:00　來源：湖州日報", "正文第一段，內容很長很長。"])
    assert v.meta["publisher"] == "湖州日報"
    assert v.kept == ["正文第一段，內容很長很長。"]


def test_sentences_that_start_like_metadata_are_kept():
    p = "记者从商务部了解到，两项国家标准于近日公布，2025年3月1日正式实施。"
    assert filter_paragraphs([p]).kept == [p]
    q = "5、外国投资委员会公布，对某公司处以罚款，原因是未能防止未经授权的访问。"
    assert filter_paragraphs([q]).kept == [q]


def test_spam_breadcrumbs_counters_and_copyright_are_dropped():
    spam = "|".join(["在线娱乐", "真人视讯", "彩票平台", "注册送彩金", "体育投注", "棋牌游戏"] * 4)
    v = filter_paragraphs([
        "某某国际官网入口>新闻中心>嘉兴与上海签署合作协议",
        "浙江在线 > 新闻 > 地方",
        "访问量:1287次",
        spam,
        "嘉兴与上海签署合作协议，共建科创走廊。",
        "版权声明:本站文章来源于网络，如有侵权请联系删除。",
    ])
    assert v.kept == ["嘉兴与上海签署合作协议，共建科创走廊。"]
    assert v.dropped["spam"] >= 1 and v.dropped["breadcrumb"] >= 1
    assert v.dropped["page counter"] == 1 and v.dropped["copyright notice"] == 1


def test_related_headlines_after_a_list_header_are_dropped():
    v = filter_paragraphs(["正文，写了一件事。", "热门新闻", "某地举办文化节", "另一条无关标题"])
    assert v.kept == ["正文，写了一件事。"]


def test_repeated_paragraphs_kept_once():
    p = "沪苏湖铁路全线开工建设，总投资约386亿元。"
    v = filter_paragraphs([p, "第二段内容。", p, "　" + p])
    assert v.kept == [p, "第二段内容。"]
    assert v.dropped["repeated paragraph"] == 2


def test_normalize_paragraph():
    assert normalize_paragraph("\u3000\u3000上证报讯 据统计局消息\xa0") == "上证报讯 据统计局消息"
    assert normalize_paragraph("长三角\n  一体化") == "长三角一体化"  # markup line wrap inside Chinese


@pytest.mark.parametrize("paragraph", ["长三角，一体化（2019）：好！", "ＡＢ，\u0301x", "，，，", "", "G60 科创走廊 ％", "①㎡ｶ"])
def test_the_repeat_key_is_the_nfkc_form_without_spaces(paragraph):
    import unicodedata

    from yrd.clean.lines import _key

    assert _key(paragraph) == unicodedata.normalize("NFKC", "".join(paragraph.split()))
