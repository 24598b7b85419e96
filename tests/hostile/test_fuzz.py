"""Fuzzing the readers, the cleaner and every extractor with pathological text (hypothesis, a fixed budget of
examples). Nothing may raise past a Failure, and nothing may run past its time budget: a pattern that backtracks
(quadratically or worse) over a long run of one kind of character shows as 'took longer than'. Findings become
regression cases in build.py.
"""
import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from yrd.model import Document
from yrd.pipeline import STEPS, Failure, process, warm_up
from yrd.read.readers import READERS, read_jsonl

#: characters the extractors give meaning to: numerals, units, separators, brackets, quotes, place and event words
ATOMS = list("0123456789一二三四五六七八九十百千万亿两第年月日号时个项。，、；：！？（）《》“”【】>＞»|/-·  \n")
WORDS = ["首页", "新闻", "上海市", "嘉兴", "长三角", "签署", "合作协议", "开工", "项目", "总投资", "亿元", "到2025年",
         "会议", "届", "次", "发布时间：", "来源：", "责任编辑：", "<div>", "</div>", "<p>", "[", "]", "{", "}", "#",
         "> ", "---\n", "&nbsp;", "http://", "%", "公里"]
BUDGET = 10.0  # seconds per million characters, at least (the pipeline's budget; the default is 5)

runs = st.builds(lambda ch, n: ch * n, st.sampled_from(ATOMS + WORDS), st.integers(1, 30_000))
pieces = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(ATOMS), runs, st.text(max_size=40)),
                  min_size=1, max_size=12)
crumbs = st.builds(lambda levels, sep, word: (" " + sep + " ").join([word] * levels),
                   st.integers(2, 60), st.sampled_from([">", "＞", "»", "›", "/", "|", "-", "→"]),
                   st.sampled_from(["新闻", "首页", " ", "正文", "a"]))
texts = st.builds(lambda head, body: head + "\n" + "".join(body), crumbs | st.just(""), pieces)


@pytest.fixture(scope="module", autouse=True)
def _tables():
    warm_up()


def _through(raw_items):
    for item in raw_items:
        out = item if isinstance(item, Exception) else process(item, STEPS, BUDGET)
        if isinstance(out, Failure):
            assert "took longer than" not in out.reason, out
            assert "internal error" not in out.reason, out
        elif isinstance(out, Document):
            for kind in ("places", "amounts", "events", "targets", "relations"):
                for fact in getattr(out, kind):
                    if "start" in fact:
                        assert out.text[fact["start"]:fact["end"]] == fact["text"], (kind, fact)


# a fixed budget: derandomized (the same examples every run), no shrinking (a finding is printed as found; it
# could take minutes to shrink a 30,000-character example)
FIXED = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck),
         "phases": [Phase.explicit, Phase.generate]}


@settings(max_examples=100, **FIXED)
@given(texts, st.sampled_from(["text", "html", "markdown"]))
def test_any_text_in_any_shape_finishes_within_its_budget(text, shape):
    body = {"html": f"<html><head><title>t</title></head><body><div>{text}</div></body></html>",
            "markdown": f"---\ntitle: t\n---\n{text}", "text": text}[shape]
    _through(READERS[shape](body.encode(), body, "fuzz", None, "utf-8"))


@settings(max_examples=40, **FIXED)
@given(texts, st.integers(0, 3000))
def test_json_lines_of_any_text_and_any_nesting(text, depth):
    lines = [json.dumps({"title": "t", "text": text}, ensure_ascii=False).encode(), b"[" * depth + b"]" * depth,
             b'{"text": ' + b"[" * depth + b"]" * depth + b"}"]
    _through(read_jsonl(lines, "fuzz.jsonl", "utf-8", cap=10_000_000))
