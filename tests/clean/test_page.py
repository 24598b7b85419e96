"""A page's layout (clean/page.py): its headline, the stamp that dates it, the article and its clutter.

The pages are invented, in the shapes real sites take (navigation, stamps, footers, flattened text)."""
from collections import Counter

import pytest

from yrd.clean.page import read_layout, scrub

BODY = "9月18日上午，南京市和马鞍山市在南京签署战略合作协议，双方将在交通、产业和生态等领域深化合作，共建宁马都市圈。"
BODY2 = "根据协议，两市将加快推进宁马城际铁路建设，力争早日建成通车，方便两地群众往来。"


def layout(*lines: str, markdown: bool = False):
    return read_layout(list(lines), markdown=markdown)


def test_the_headline_is_the_line_before_the_stamp_not_the_navigation():
    page = layout("首页", "新闻中心 > 本地新闻 > 正文", "南京马鞍山签署战略合作协议", "发布时间：2022-09-18 10:30 来源：南京日报",
                  BODY, BODY2, "版权所有 © 南京日报社", "2024-01-01 更新")
    assert page.title == "南京马鞍山签署战略合作协议"
    assert page.published.startswith("2022-09-18")  # the footer's date is not the publication
    assert page.paragraphs == [BODY, BODY2]
    assert page.dropped["breadcrumb"] >= 1 and page.dropped["metadata line"] >= 1


@pytest.mark.parametrize("stamp,day", [
    ("发布日期:2023-05-06", "2023-05-06"), ("发表于 2023-5-6 09:30", "2023-05-06"), ("2023-05-06 09:30", "2023-05-06"),
    ("發佈時間：2023年05月06日", "2023-05-06"), ("时间：2023/05/06  浏览：328", "2023-05-06"),
])
def test_a_stamp_labelled_or_bare_in_either_script_dates_the_page(stamp, day):
    page = layout("南京马鞍山签署战略合作协议", stamp, BODY, BODY2)
    assert page.title == "南京马鞍山签署战略合作协议"
    assert (page.published or "")[:10] == day


def test_a_page_without_a_trustworthy_stamp_has_no_date():
    page = layout("南京马鞍山签署战略合作协议", BODY, BODY2, "访问日期：2024-03-01")
    assert page.published is None


def test_a_markdown_heading_is_the_headline_without_its_marks():
    page = layout("# 上海市促进长三角一体化发展条例", "（2024年3月1日上海市第十六届人民代表大会常务委员会第十次会议通过 "
                  "2024年9月27日修正）", "第一条 为了推进长三角一体化发展，制定本条例。", markdown=True)
    assert page.title == "上海市促进长三角一体化发展条例"
    assert page.published.startswith("2024-09-27")  # a regulation's latest adoption or amendment


def test_the_headline_a_breadcrumb_repeats_wins_over_a_section_name():
    page = layout("新闻中心", "首页 > 要闻 > 南京马鞍山签署战略合作协议", "南京马鞍山签署战略合作协议_南京市人民政府",
                  BODY, BODY2)
    assert page.title == "南京马鞍山签署战略合作协议"


def test_a_wire_headline():
    page = layout("新华社南京9月18日电 题：宁马携手共建都市圈", BODY, BODY2)
    assert page.title == "宁马携手共建都市圈"


def test_a_flattened_page_gives_its_first_run_as_headline_and_keeps_the_article():
    page = layout("官宣!! 宁马都市圈扩容了! " + BODY + " " + BODY2)
    assert page.title == "官宣!! 宁马都市圈扩容了!"
    assert page.paragraphs[0].startswith("9月18日上午")


@pytest.mark.parametrize("opening", ["中新网南京9月18日电 ", "(本报记者 张三）南京市 ", "本报讯 "])
def test_a_flattened_page_whose_first_run_is_a_dateline_or_a_fragment_has_no_headline(opening):
    page = layout(opening + BODY + " " + BODY2)
    assert page.title is None
    assert "南京市和马鞍山市" in " ".join(page.paragraphs)


@pytest.mark.parametrize("line,kept,reason", [
    ("两市将共建宁马都市圈<!-- 广告位 -->，推进一体化。", "两市将共建宁马都市圈，推进一体化。", "markup residue"),
    ("两市将推進[繁体：推進]宁马合作。", "两市将推進宁马合作。", "converter note"),
    ("宁马城际铁路建设提速[3]。", "宁马城际铁路建设提速。", "citation mark"),
    ("两市签署协议。（责任编辑：李四）", "两市签署协议。", "byline"),
])
def test_clutter_inside_a_paragraph_is_cut_and_counted(line, kept, reason):
    dropped = Counter()
    assert scrub(line, dropped=dropped) == kept
    assert dropped[reason] == 1


def test_a_reporters_own_credit_stays():
    line = "两市签署协议。（总台记者 金珠）"
    assert scrub(line) == line
