"""The dashboard end to end: a real Chromium against a real server over a store built from the samples.

Every page is watched: a console error, an uncaught exception, a failed request, an HTTP error or a
request to any host but 127.0.0.1 fails the test. Screenshots of every view go to
artifacts/screenshots/ (gitignored) for a human to look at.

Needs Debian's chromium at /usr/bin/chromium (``make test`` installs it); without it the tests fail.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from yrd.api import create_app
from yrd.ingest import ingest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# untrusted text that must stay text: a plain-text article (title and paragraph) and a JSON Lines one (title,
# publisher, a javascript: URL)
XSS_TITLE = "长三角示范区新闻<script>window.__xss=1</script>"
XSS_TEXT = ("长三角示范区新闻<script>window.__xss=1</script>\n\n"
            "发布时间：2024-05-06 10:00 来源：测试日报\n\n"
            "5月6日，嘉善县与上海市青浦区、苏州市吴江区签署跨域协同合作协议<img src=x onerror=\"window.__xss=2\">，"
            "共建长三角生态绿色一体化发展示范区。\n\n"
            "根据协议，三地将在2026年前共同建设10个跨域协同项目，总投资约50亿元。\n")
XSS_JSON_TITLE = "<script>window.__xss=5</script>G60科创走廊<img src=x onerror=\"window.__xss=6\">"
XSS_JSON = {"title": XSS_JSON_TITLE,
            "text": "9月1日，长三角G60科创走廊九城市在松江召开联席会议，审议通过《科创走廊协同创新行动方案》。"
                    "会议明确，到2027年走廊人工智能核心产业规模突破2500亿元。",
            "url": "javascript:window.__xss=7", "published_at": "2024-09-01T09:00:00+08:00",
            "publisher": "测试<b onmouseover=\"window.__xss=8\">日报</b>"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn serving create_app(url) in a background thread on a free 127.0.0.1 port."""
    tmp = tmp_path_factory.mktemp("dash")
    extra = tmp / "extra"
    extra.mkdir()
    (extra / "xss_article.txt").write_text(XSS_TEXT, encoding="utf-8")
    (extra / "xss_feed.jsonl").write_text(json.dumps(XSS_JSON, ensure_ascii=False) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp / 'dash.db'}"
    ingest([str(SAMPLES), str(extra)], url)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/api/stats", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start within 30 s")
        time.sleep(0.1)
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: the dashboard tests need Debian's chromium (apt-get install chromium; "
                    "`make test` installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Watch:
    """Everything that went wrong on a page: console errors, exceptions, failed or foreign requests."""

    def __init__(self, page: Page, allow_status: set[str] | None = None):
        self.problems: list[str] = []
        self.allow_status = allow_status or set()
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", self._response)
        page.on("request", self._request)

    def _response(self, r):
        if r.status >= 400 and urlparse(r.url).path not in self.allow_status:
            self.problems.append(f"HTTP {r.status}: {r.url}")

    def _request(self, r):
        u = urlparse(r.url)
        if u.scheme in ("data", "blob"):
            return
        if u.hostname != "127.0.0.1":
            self.problems.append(f"request to another host: {r.url}")

    def check(self):
        problems, self.problems = self.problems, []
        assert not problems, "\n".join(problems)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    # nothing may leave the machine: refuse any other host outright (and the Watch reports it)
    context.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1"
                  else route.abort())
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.watch = Watch(pg)
    yield pg
    problems = pg.watch.problems
    context.close()
    assert not problems, "\n".join(problems)


def shot(page: Page, name: str, full_page: bool = False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # let transitions settle
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def settle(page: Page):
    """Wait until the view has rendered and the network is quiet (a reload or goto earlier would abort requests
    still in flight, which the Watch counts as failures)."""
    expect(page.locator("#app")).not_to_have_attribute("aria-busy", "true")
    page.wait_for_load_state("networkidle")


def open_view(page: Page, server: str, route: str):
    if page.url.startswith(server):
        settle(page)
    page.goto(f"{server}/{route}")
    settle(page)


def no_xss(page: Page):
    assert page.evaluate("typeof window.__xss") == "undefined", "an injected script ran"
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


# --- the flows ---------------------------------------------------------------------------------------


def test_map_city_place_document_reader(page, server):
    open_view(page, server, "#/map")
    huzhou = page.locator('path[data-adcode="330500"]')
    expect(huzhou).to_have_count(1)
    assert int(huzhou.get_attribute("data-documents")) > 0
    expect(page.locator(".leaflet-tooltip.city-label").first).to_be_visible()
    expect(page.locator(".rank-row").first).to_be_visible()
    assert page.locator("path.leaflet-interactive").count() > 41  # cities + markers + cooperation lines
    assert page.locator(".leaflet-tile").count() == 0  # no tiles, ever
    shot(page, "01-map")
    # the year filter narrows every layer through the API
    page.locator("#map-year").select_option("2024")
    expect(page).to_have_url(f"{server}/#/map?year=2024")
    expect(page.locator('path[data-adcode="330500"]')).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(f"{server}/#/map")
    expect(huzhou).to_have_count(1)

    huzhou.dispatch_event("click")
    expect(page).to_have_url(f"{server}/#/place/330500")
    expect(page.locator("#entity-name")).to_have_text("湖州市")
    docs = page.locator("#entity-documents a.doc-link")
    expect(docs.first).to_be_visible()
    assert docs.count() > 0
    expect(page.locator("#entity-facts .fact-item").first).to_be_visible()
    expect(page.locator("#mini-map path").first).to_be_attached()
    shot(page, "02-place-huzhou", full_page=True)

    title = docs.first.inner_text()
    docs.first.click()
    expect(page.locator("#reader-title")).to_have_text(title)
    highlights = page.locator("#reader-text .hl")
    expect(highlights.first).to_be_visible()
    assert highlights.count() > 0
    assert page.locator("#reader-text .hl.k-place").count() > 0
    # hover shows the normalised value: a place's adcode
    tip = page.locator("#reader-text .hl.k-place").first.get_attribute("title")
    assert tip.startswith("地点: ") and any(p["adcode"] and p["adcode"] in tip for p in api(server, "/api/places")["items"])
    # the text is rendered whole: segments concatenate to the document's text
    doc_id = page.url.split("#/doc/")[1].split("?")[0]
    doc = api(server, f"/api/documents/{doc_id}")
    assert page.locator("#reader-text").inner_text().replace("\n", "") == doc["text"].replace("\n", "")
    shot(page, "03-reader", full_page=True)

    # a legend toggle hides a kind and shows it again
    toggle = page.locator('.legend-toggle[data-kind="place"]')
    toggle.click()
    expect(page.locator("#reader-text .hl.k-place")).to_have_count(0)
    toggle.click()
    assert page.locator("#reader-text .hl.k-place").count() > 0
    page.watch.check()


def test_reader_tells_the_time_in_beijing_time_with_its_zone(page, server):
    # a feed stamp in GMT (stored 2022-09-18T07:46:12+00:00) is shown as Beijing time, the zone said
    from datetime import datetime, timedelta, timezone

    hits = api(server, "/api/search?q=" + quote("宁马一体化先行区"))["items"]
    doc = next(h for h in hits if h["published_at"] and h["published_at"].endswith("+00:00"))
    beijing = datetime.fromisoformat(doc["published_at"]).astimezone(timezone(timedelta(hours=8)))
    open_view(page, server, f"#/doc/{doc['id']}")
    published = page.locator(".reader-side dt", has_text="发布时间").locator("xpath=following-sibling::dd[1]")
    expect(published).to_have_text(beijing.strftime("%Y-%m-%d %H:%M") + " (UTC+8)")
    assert beijing.strftime("%H:%M") != doc["published_at"][11:16]  # not the stored UTC clock time
    expect(page.locator(".reader .meta").first).to_contain_text(beijing.strftime("%Y-%m-%d"))
    page.watch.check()


def test_language_switch_is_remembered(page, server):
    open_view(page, server, "#/map")
    nav = page.locator('[data-nav="timeline"]')
    expect(nav).to_have_text("时间线")
    page.locator("#lang-switch").click()
    expect(nav).to_have_text("Timeline")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    settle(page)
    page.reload()
    expect(page.locator('[data-nav="timeline"]')).to_have_text("Timeline")
    expect(page.locator("#map path[data-adcode]").first).to_be_attached()
    shot(page, "04-map-en")
    open_view(page, server, "#/projects")
    expect(page.locator("#pj-export")).to_contain_text("Export CSV")
    expect(page.locator("#pj-export-xlsx")).to_contain_text("Export Excel")
    page.locator("#lang-switch").click()
    expect(page.locator('[data-nav="timeline"]')).to_have_text("时间线")
    expect(page.locator("#pj-export")).to_contain_text("导出 CSV")
    # the Excel button downloads a real workbook built by the server
    with page.expect_download() as dl:
        page.locator("#pj-export-xlsx").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    assert open(dl.value.path(), "rb").read(2) == b"PK"  # an xlsx is a zip
    page.watch.check()


def test_search_highlights_hits(page, server):
    open_view(page, server, "#/search")
    page.locator("#search-q").fill("嘉善")
    page.locator("#search-go").click()
    expect(page).to_have_url(f"{server}/#/search?q={quote('嘉善')}")
    marks = page.locator("#search-results .result mark")
    expect(marks.first).to_have_text("嘉善")
    assert page.locator("#search-results .result").count() >= 1
    shot(page, "05-search")
    # filters narrow through the API: a publisher no sample has gives nothing
    open_view(page, server, f"#/search?q={quote('嘉善')}&from=2030-01-01")
    expect(page.locator("#search-results .state.empty")).to_be_visible()
    page.watch.check()


def test_timeline(page, server):
    open_view(page, server, "#/timeline")
    expect(page.locator("#timeline-chart .main-svg").first).to_be_attached()
    items = page.locator(".event-item")
    expect(items.first).to_be_visible()
    assert items.count() > 3
    assert "?at=" in items.first.locator("a.doc-link").get_attribute("href")
    shot(page, "06-timeline", full_page=True)
    page.locator("#tl-type").select_option("signing")
    expect(page).to_have_url(f"{server}/#/timeline?type=signing")
    expect(page.locator(".event-item").first).to_be_visible()
    types = page.locator(".event-item").evaluate_all("els => [...new Set(els.map(e => e.dataset.type))]")
    assert types == ["signing"]
    # the place box takes a name and resolves it to its adcode
    page.locator("#tl-place").fill("嘉善县")
    page.locator("#tl-place").press("Enter")
    expect(page).to_have_url(f"{server}/#/timeline?type=signing&place=330421")
    page.watch.check()


def test_projects_table_export_and_evidence(page, server):
    open_view(page, server, "#/projects")
    row = page.locator('tr[data-project="沪苏湖铁路"]')
    expect(row).to_be_visible()
    expect(row.locator('td[data-col="investment"]')).to_contain_text("386.37")
    shot(page, "07-projects")

    page.locator('th[data-col="name"]').click()
    expect(page.locator('th[data-col="name"]')).to_have_attribute("aria-sort", "ascending")
    with page.expect_download() as dl:
        page.locator("#pj-export").click()
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode()), "the CSV needs a UTF-8 BOM for Excel"
    csv = raw.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("name,") and "沪苏湖铁路" in csv and "386.37" in csv
    assert dl.value.suggested_filename.endswith(".csv")

    # the investment links to its evidence: the reader flashes exactly that span
    row.locator('td[data-col="investment"] a').click()
    expect(page.locator("#reader-text .at").first).to_be_visible()
    at = "".join(page.locator("#reader-text .at").all_inner_texts())
    assert at == "约386.37亿元"
    shot(page, "08-reader-at-span")

    # the project's page
    open_view(page, server, "#/projects")
    row.locator("td.name a").click()
    expect(page.locator("#entity-name")).to_have_text("沪苏湖铁路")
    expect(page.locator("#entity-facts .fact-item").first).to_be_visible()
    shot(page, "09-project-page", full_page=True)
    page.watch.check()


def test_targets(page, server):
    open_view(page, server, "#/targets")
    card = page.locator('.target[data-metric="集成电路产业规模"]')
    expect(card).to_be_visible()
    expect(card.locator(".badge.status")).to_be_visible()
    expect(card.locator(".target-goal")).to_contain_text("3000亿元")
    assert "?at=" in card.locator("a.doc-link").get_attribute("href")
    assert page.locator(".year-group").count() >= 2
    shot(page, "10-targets", full_page=True)
    page.locator("#tg-status").select_option("open")
    expect(page.locator('.target[data-status="overdue"]')).to_have_count(0)  # (no such status any more)
    page.watch.check()


def test_network(page, server):
    open_view(page, server, "#/network")
    expect(page.locator("#network canvas").first).to_be_attached()
    expect(page.locator("#nw-summary")).to_contain_text("节点")
    assert page.locator(".network-layout .rank-row").count() > 0
    shot(page, "11-network")
    page.locator("#nw-type").select_option("cooperation")
    expect(page).to_have_url(re.compile(r"#/network\?type=cooperation(&scope=delta)?$"))
    expect(page.locator("#network canvas").first).to_be_attached()
    # clicking a node on the canvas opens its page (the position comes from Cytoscape's registry on the container)
    page.wait_for_timeout(300)
    pos = page.evaluate("""() => {
      const cy = document.getElementById('network')._cyreg.cy;
      const n = cy.nodes().filter(n => n.data('kind') === 'place')[0] || cy.nodes()[0];
      const p = n.renderedPosition();
      return {x: p.x, y: p.y, href: n.data('href'), label: n.data('label')};
    }""")
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    expect(page).to_have_url(f"{server}/{pos['href']}")
    expect(page.locator("#entity-name")).to_have_text(pos["label"])
    # and through the ranking list
    open_view(page, server, "#/network")
    page.locator(".network-layout .rank-row").first.click()
    expect(page.locator("#entity-name")).to_be_visible()
    page.watch.check()


def test_untrusted_text_stays_text(page, server):
    # search results
    open_view(page, server, f"#/search?q={quote('跨域协同')}")
    title = page.locator("#search-results .result-title").filter(has_text="长三角示范区新闻")
    expect(title).to_have_text(XSS_TITLE)
    # the tag inside the paragraph is markup residue: the cleaner took it out (the title's stays, as text)
    expect(page.locator("#search-results .snippet").first).not_to_contain_text("<img")
    no_xss(page)
    shot(page, "12-search-xss")

    # the reader: title and paragraph literal
    title.click()
    expect(page.locator("#reader-title")).to_have_text(XSS_TITLE)
    expect(page.locator("#reader-text")).to_contain_text("签署跨域协同合作协议，共建长三角")
    assert page.locator("#reader-text .hl").count() > 0
    no_xss(page)
    shot(page, "13-reader-xss", full_page=True)

    # the JSON Lines article: a script title, a tag in the publisher, a javascript: URL that must not become a link
    hits = api(server, "/api/search?q=" + quote("科创走廊协同创新行动方案"))["items"]
    doc = next(h for h in hits if h["title"] == XSS_JSON_TITLE)
    open_view(page, server, f"#/doc/{doc['id']}")
    expect(page.locator("#reader-title")).to_have_text(XSS_JSON_TITLE)
    expect(page.locator(".reader-side")).to_contain_text('测试<b onmouseover="window.__xss=8">日报</b>')
    page.locator(".reader-side").hover()
    no_xss(page)
    # and in every list that shows titles
    for route in ("#/timeline", "#/targets", "#/map", "#/network"):
        open_view(page, server, route)
        page.wait_for_timeout(200)
        no_xss(page)
    page.watch.check()


def test_unknown_route_and_missing_document(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    pg = context.new_page()
    watch = Watch(pg, allow_status={"/api/documents/ffffffffffffffffffff"})
    pg.goto(f"{server}/#/nowhere")
    expect(pg.locator("#app")).to_contain_text("页面不存在")
    settle(pg)
    pg.goto(f"{server}/#/doc/ffffffffffffffffffff")
    expect(pg.locator("#app .state.error")).to_contain_text("404")
    # the browser logs the deliberate 404 as a console error; nothing else may fail
    watch.problems = [p for p in watch.problems if "404" not in p]
    watch.check()
    context.close()


def test_responsive_small_screen(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    pg = context.new_page()
    watch = Watch(pg)
    pg.goto(f"{server}/#/map")
    expect(pg.locator('#map path[data-adcode="320500"]')).to_be_attached()
    settle(pg)
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal overflow"
    shot(pg, "14-map-phone")
    pg.goto(f"{server}/#/search?q={quote('嘉善')}")
    expect(pg.locator("#search-results mark").first).to_be_visible()
    shot(pg, "15-search-phone")
    watch.check()
    context.close()
