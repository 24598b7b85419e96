"""Paragraphs from the XSLT that marks block breaks are exactly those of walking the tree in Python."""
from pathlib import Path

import pytest

from yrd.clean.html import _drop, _paragraphs_walk, paragraphs, parse_html
from yrd.errors import InputError
from yrd.read import read_input

SHAPES = Path(__file__).resolve().parents[1] / "fixtures" / "shapes"
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"

MARKUP = [
    "<p>一段<b>加粗</b>文字</p><p>第二段<br>换行之后</p>",
    "<div>外层<div>内层</div>尾巴</div><ul><li>一</li><li>二</li></ul>",
    "<table><tr><td>单元格甲</td><td>单元格乙</td></tr></table>文末",
    "<article><h1>标题</h1><section><p>正文</p></section></article>",
    "纯文本，没有标签",
]


def _both(markup: str):
    a, b = parse_html(markup), parse_html(markup)
    _drop(a)
    _drop(b)
    return paragraphs(a), _paragraphs_walk(b)


@pytest.mark.parametrize("markup", MARKUP)
def test_the_same_paragraphs_on_hand_made_markup(markup):
    fast, walked = _both(markup)
    assert fast == walked
    assert fast


def test_the_same_paragraphs_on_every_page_shape():
    pages = [p for p in sorted(SHAPES.rglob("*")) + sorted(SAMPLES.iterdir()) if p.suffix in (".html", ".htm")]
    assert pages
    for page in pages:
        for raw in read_input(str(page)):
            if isinstance(raw, InputError):
                continue
            fast, walked = _both(raw.body)
            assert fast == walked, page.name


def test_the_same_paragraphs_on_every_corpus_page(corpus):
    checked = 0
    for page in sorted(corpus.rglob("*.shtml")):
        for raw in read_input(str(page)):
            if not isinstance(raw, InputError):
                fast, walked = _both(raw.body)
                assert fast == walked, page.name
                checked += 1
    assert checked > 600
