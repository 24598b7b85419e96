"""Labelled stamps outside the article (发布时间：… 来源：…): the whole-text search finds what reading the page
text line by line finds — the publisher of the first short line that names a 来源, the first date of the first
short line with a date cue."""
import random
import re

import pytest

from yrd.clean.dates import find_date_in_text
from yrd.clean.html import _paragraphs_walk, _drop, paragraphs, parse_html, stamp_from_text, text_lines


def _line_by_line(text):
    """The specification: every line, in order."""
    date = publisher = None
    for line in (text or "").split("\n"):
        line = line.strip()
        if len(line) > 120:
            continue
        if not publisher:
            m = re.search(r"(?:来源|來源)[\s\u3000]*[:：][\s\u3000]*([^\s\u3000|｜]{2,30})", line)
            if m:
                publisher = m.group(1)
        if not date and re.search(r"(?:时间|時間|日期|发布|發布|\d{4}[-年/])", line):
            date = find_date_in_text(line)
    return date, publisher


CASES = [
    "首页 > 新闻\n发布时间：2024-05-06 10:21　来源：湖州日报\n正文",
    "來源：新華社\n發布時間：2023年8月9日",
    "来源：\n新华社",  # the label and the name on two lines: no publisher
    "来源\n：人民日报\n来源：光明日报",
    "时间：近日\n2024-01-02 来源: 人民网 | 编辑：王",
    "据" + "很长的正文" * 30 + "来源：不算\n来源：算数",  # the first line is too long to be a stamp
    "2024年的计划\n日期：2024/3/5\n",
    "来源\u3000：\u3000 东方网\r\n",
    "",
]
FRAGMENTS = ["来源：新华社", "來源: 澎湃新闻", "来源：", "发布时间：2024-06-01 08:00", "2023年", "日期：2022-1-2",
             "时间", "正文" * 70, "　", "|", "｜", "来源：南方都市报｜编辑", "2021-12-31", "\r", "新闻",
             "来源", "：人民日报", "发布"]


@pytest.mark.parametrize("text", CASES)
def test_the_same_stamps_as_line_by_line(text):
    assert stamp_from_text(text) == _line_by_line(text)


def test_the_same_stamps_on_random_pages():
    rnd = random.Random(7)
    for _ in range(3000):
        text = "".join(rnd.choice(FRAGMENTS) + rnd.choice(["", " ", "\n", "\n\n"]) for _ in range(rnd.randint(1, 12)))
        assert stamp_from_text(text) == _line_by_line(text), repr(text)


def test_the_page_text_has_the_lines_of_the_paragraphs():
    markup = ("<div><span>首页</span> &gt; <a>要闻</a></div><div class=info>发布时间：2024-05-06<br>来源：湖州日报</div>"
              "<ul><li>一</li><li> </li></ul>尾声")
    root = parse_html(markup)
    _drop(root)
    lines = [line for line in text_lines(root).split("\n") if line.strip()]
    assert lines == [line for p in paragraphs(root) for line in p.split("\n") if line.strip()]
    assert lines == [line for p in _paragraphs_walk(root) for line in p.split("\n") if line.strip()]
    assert stamp_from_text(text_lines(root)) == ("2024-05-06", "湖州日报")
