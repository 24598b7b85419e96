"""``yrd digest``: what arrived since a time, by place, with its sources; what arrived before is left out, a later
figure reports on an earlier target, and article text stays text in Markdown and HTML."""
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from sqlalchemy import update

from yrd.cli import main
from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import documents
from yrd.watch.digest import gather, render
from yrd.watch.times import now

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
SCRIPT_TITLE = "嘉善与青浦签约<script>alert(1)</script>"
SIGNING = {"title": SCRIPT_TITLE, "publisher": "测试<b>日报</b>", "url": "javascript:alert(3)",
           "published_at": "2026-11-28T09:00:00+08:00",
           "text": "11月28日，嘉善县与上海市青浦区在嘉善签署跨域协同合作协议，共建长三角生态绿色一体化发展示范区。"}
# a later figure on Suzhou's target (samples/articles/suzhou_plan.html: 集成电路产业规模 over 3000亿元 by 2027)
REPORT = ("苏州集成电路产业规模达2200亿元\n\n发布时间：2026-11-20 10:00 来源：苏州日报\n\n"
          "11月20日，苏州市工业和信息化局发布数据显示，今年前三季度全市集成电路产业规模达到2200亿元，同比增长18%。\n")
RAILWAY = "沪苏湖铁路正式开通运营%"


def _digest(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["digest", "--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _arrived_days_ago(url: str, title_like: str, days: int) -> str:
    """Make the documents whose title is like ``title_like`` (and their copies) arrive ``days`` ago."""
    engine = make_engine(url)
    with engine.begin() as conn:
        row = conn.execute(documents.select().where(documents.c.title.like(title_like))).first()
        conn.execute(update(documents).where(documents.c.key == row.key)
                     .values(ingested_at=now() - timedelta(days=days)))
    engine.dispose()
    return row.id


@pytest.fixture
def store(store_url, tmp_path):
    """The samples arrived now, but the railway's article ten days ago; a signing with a script in its title and
    a later report on a target arrived now."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "signing.jsonl").write_text(json.dumps(SIGNING, ensure_ascii=False) + "\n", encoding="utf-8")
    (extra / "report.txt").write_text(REPORT, encoding="utf-8")
    ingest([str(SAMPLES), str(extra)], store_url)
    railway = _arrived_days_ago(store_url, RAILWAY, 10)
    return store_url, railway


def _items(d: dict, kind: str) -> list[dict]:
    return [x for p in d["places"] for c in p["cities"] for x in c["items"][kind]]


def test_the_digest_covers_what_arrived_and_not_what_arrived_before(store):
    url, railway = store
    engine = make_engine(url)
    with engine.connect() as conn:
        week = gather(conn, now() - timedelta(days=7))
        fortnight = gather(conn, now() - timedelta(days=14))
    engine.dispose()
    names = {p["name"] for p in _items(week, "projects")}
    assert "沪苏湖铁路" not in names and "小洋山北侧支线码头配套工程" in names
    assert "沪苏湖铁路" in {p["name"] for p in _items(fortnight, "projects")}
    assert railway not in {x["source"]["id"] for kind in ("projects", "signings", "cooperation", "targets", "reports")
                           for x in _items(week, kind)}
    assert fortnight["counts"]["documents"] == week["counts"]["documents"] + 1
    # a project with its stage and investment, as its article states them, and its evidence
    port = next(p for p in _items(week, "projects") if p["name"] == "小洋山北侧支线码头配套工程")
    assert port["investment"]["text"] == "21.5亿元" and port["stage"] == "planned" and port["first_seen"]
    assert port["span"]["text"] in _text(url, port["source"]["id"])
    # signings with their place, grouped under province and city
    signing = next(s for s in _items(week, "signings") if s["source"]["title"] == SCRIPT_TITLE)
    assert signing["code"] == "330421" and signing["participants"][:2] == ["嘉善县", "上海市"]
    zhejiang = next(p for p in week["places"] if p["code"] == "330000")
    jiaxing = next(c for c in zhejiang["cities"] if c["code"] == "330400")
    assert signing in jiaxing["items"]["signings"] and jiaxing["name"] == "嘉兴市"
    assert [p["code"] for p in week["places"]][:4] == ["310000", "320000", "330000", "340000"]


def test_a_later_figure_is_a_report_on_an_earlier_target(store):
    url, _ = store
    engine = make_engine(url)
    with engine.connect() as conn:
        d = gather(conn, now() - timedelta(days=1))
    engine.dispose()
    reports = _items(d, "reports")
    assert len(reports) == 1, reports
    r = reports[0]
    assert r["metric"] == "集成电路产业规模" and r["span"]["text"] == "2200亿元" and r["value"] == 2.2e11
    assert r["target"]["deadline"] == 2027 and r["target"]["value"] == 3e11
    assert r["target"]["source"]["title"].startswith("苏州发布深度融入长三角一体化实施方案")
    assert r["code"].startswith("3205")  # Suzhou's
    # the target itself arrived in the same day: it is listed, with that report as its latest
    target = next(t for t in _items(d, "targets") if t["metric"] == "集成电路产业规模")
    assert target["latest_report"]["span"]["text"] == "2200亿元" and target["status"] == "reported"


def test_a_document_that_arrived_before_changes_no_count(store):
    url, _ = store
    engine = make_engine(url)
    with engine.connect() as conn:
        before = gather(conn, now() - timedelta(days=1), detail=False)["counts"]
    engine.dispose()
    _arrived_days_ago(url, "苏州集成电路产业规模%", 3)
    engine = make_engine(url)
    with engine.connect() as conn:
        after = gather(conn, now() - timedelta(days=1), detail=False)["counts"]
    engine.dispose()
    assert after["documents"] == before["documents"] - 1 and after["reports"] == before["reports"] - 1 == 0


def test_the_command_prints_text_and_writes_markdown_and_html(store, tmp_path):
    url, railway = store
    text = _digest(url, "--since", "7d")
    assert "沪苏湖铁路" not in text and "小洋山北侧支线码头配套工程" in text and railway not in text
    assert re.search(r"\n== 浙江省 330000 · \d+ 篇文档 documents ==\n", text) and "\n  -- 嘉兴市 330400 --\n" in text
    assert text.index("== 上海市 310000") < text.index("== 江苏省 320000") < text.index("== 浙江省 330000")
    assert "21.5亿元" in text and "2200亿元" in text
    assert "沪苏湖铁路" in _digest(url, "--since", "14d")
    # a place and its counties only
    jiaxing = _digest(url, "--since", "7d", "--place", "330400")
    assert "嘉兴市 330400" in jiaxing and "== 上海市" not in jiaxing and "南京" not in jiaxing

    md_path, html_path = tmp_path / "digest.md", tmp_path / "digest.html"
    _digest(url, "--since", "7d", "-o", str(md_path))
    _digest(url, "--since", "7d", "-o", str(html_path))
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# 新近动态") and "## 浙江省 330000" in md and "### 嘉兴市 330400" in md
    assert "- **小洋山北侧支线码头配套工程**" in md
    assert "(<https://rss.example.net/yrd/2024/03/28/ningbo-shanghai-port.html>)" in md  # the article's link
    assert "javascript:" not in md  # a URL that is not http(s) is no link, and is not written
    rendered = MarkdownIt("commonmark").render(md)
    assert "<script" not in rendered and "<b>" not in rendered
    assert "嘉善与青浦签约&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # the title, as text

    page = html_path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page and "<b>" not in page
    assert "嘉善与青浦签约&lt;script&gt;alert(1)&lt;/script&gt;" in page and "测试&lt;b&gt;日报&lt;/b&gt;" in page
    assert "javascript:" not in page and "Content-Security-Policy" in page
    tags = _tags(page)
    assert not tags & {"script", "img", "iframe", "object", "link"} and {"h1", "h2", "h3", "h4", "li", "a"} <= tags
    assert all(h.startswith("https://") for h in _hrefs(page))


def test_the_json_digest_and_bad_options(store):
    url, _ = store
    d = json.loads(_digest(url, "--since", "7d", "--format", "json"))
    assert d["counts"]["documents"] > 0 and d["complete"] and d["since"].endswith("+00:00")
    bad = CliRunner().invoke(main, ["digest", "--db", url, "--since", "a while"])
    assert bad.exit_code == 2 and "--since" in bad.output
    bad = CliRunner().invoke(main, ["digest", "--db", url, "--place", "Jiaxing"])
    assert bad.exit_code == 2 and "6-digit adcode" in bad.output


def test_nothing_new_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    text = _digest(url, "--since", "24h")
    assert "0 篇新文档" in text and "nothing new to list" in text
    assert render(json.loads(_digest(url, "--format", "json")), "html").count("<li>") == 0


def _text(url: str, doc_id: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        text = conn.scalar(documents.select().with_only_columns(documents.c.text).where(documents.c.id == doc_id))
    engine.dispose()
    return text


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.hrefs += [v for k, v in attrs if k == "href"]


def _tags(page: str) -> set[str]:
    p = _Parser()
    p.feed(page)
    return p.tags


def _hrefs(page: str) -> list[str]:
    p = _Parser()
    p.feed(page)
    return p.hrefs
