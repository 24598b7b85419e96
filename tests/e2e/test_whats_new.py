"""The dashboard's "what is new" and "sources" views in Chromium, against a server with a token: the counts and
lists match the API, the period since the last visit comes from localStorage, a source is added and removed with
the token (kept in sessionStorage only), and nothing fails on the page (console errors, exceptions, requests).

Screenshots go to artifacts/screenshots/ (2x-*.png) for a human to look at.
"""
from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import uvicorn
from playwright.sync_api import expect
from sqlalchemy import update

from yrd.api import create_app
from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import documents
from yrd.watch import sources
from yrd.watch.sources import Health
from yrd.watch.times import now

from test_dashboard import _free_port, settle, shot  # (the dashboard's own e2e harness)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
TOKEN = "e2e-token-7f3a"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The samples, one of them arrived ten days ago; two sources (one healthy, one failing); a server with a token."""
    url = f"sqlite:///{tmp_path_factory.mktemp('new') / 'new.db'}"
    ingest([str(SAMPLES)], url)
    engine = make_engine(url)
    with engine.begin() as conn:
        old = conn.execute(documents.select().where(documents.c.title.like("沪苏湖铁路%"))).first()
        conn.execute(update(documents).where(documents.c.key == old.key).values(ingested_at=now() - timedelta(days=10)))
        ok = sources.add(conn, "https://news.example.cn/rss.xml", name="示例日报", every=3600)
        bad = sources.add(conn, "https://gov.example.cn/col/list.html", name="某市政府", links=r"/art/\d+\.html")
        sources.record(conn, ok, Health(ok=True, kind="feed", seen=21, stored=20))
        sources.record(conn, bad, Health(ok=False, error="HTTP 503 from gov.example.cn"))
        for i in range(7):
            sources.remember(conn, ok["id"], f"https://news.example.cn/a/{i}.html", "stored")
    engine.dispose()
    with _serving(create_app(url, token=TOKEN)) as base, _serving(create_app(url)) as read_only:
        yield base, old.id, read_only


@contextmanager
def _serving(app):
    """uvicorn serving ``app`` in a background thread on a free 127.0.0.1 port, until the block ends."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def api(base: str, path: str, **params) -> dict:
    with urllib.request.urlopen(base + path + ("?" + urlencode(params) if params else ""), timeout=10) as r:
        return json.load(r)


def _counts(page) -> dict[str, int]:
    return {el.get_attribute("data-kind"): int(el.get_attribute("data-count"))
            for el in page.locator("#nw-counts .count").all()}


def _shown(page, period: str) -> None:
    """Wait until the view of ``period`` has rendered (not the one before it) and the network is quiet."""
    expect(page.locator(f'.period-switch [data-period="{period}"]')).to_have_attribute("aria-current", "true")
    expect(page.locator("#nw-since")).to_have_attribute("data-since", re.compile(r"^\d{4}-"))
    settle(page)


def _check_against_api(page, base: str) -> dict:
    """The counts, the place table and the document list as the API gives them for the period shown."""
    since = page.locator("#nw-since").get_attribute("data-since")
    summary = api(base, "/api/new", since=since)
    assert _counts(page) == {k: summary["counts"][k] for k in
                             ("documents", "projects", "signings", "cooperation", "targets", "reports")}
    listed = api(base, "/api/documents", since=since, limit=20)
    expect(page.locator("#nw-doc-list li")).to_have_count(len(listed["items"]))
    assert page.locator("#nw-doc-list li").evaluate_all("els => els.map(e => e.dataset.doc)") == \
        [d["id"] for d in listed["items"]]
    for p in summary["places"]:
        if p["code"] and p["documents"]:
            row = page.locator(f'#nw-place-table tr[data-code="{p["code"]}"]')
            expect(row.locator('td[data-kind="documents"]')).to_have_text(str(p["documents"]))
            expect(row.locator('td[data-kind="signings"]')).to_have_text(str(p["counts"]["signings"] or "·"))
    return summary


def test_whats_new_by_period_and_since_the_last_visit(page, server):
    base, old_id, _ = server
    page.goto(f"{base}/#/map")
    settle(page)
    expect(page.locator('[data-nav="new"]')).to_have_text("新近")
    # the last visit was twelve days ago (as this browser remembers it)
    last = (now() - timedelta(days=12)).isoformat() + "Z"
    page.evaluate(f"localStorage.setItem('yrd.lastVisit', {json.dumps(last)})")

    page.locator('[data-nav="new"]').click()
    expect(page).to_have_url(f"{base}/#/new")
    _shown(page, "24h")
    day = _check_against_api(page, base)
    assert day["counts"]["documents"] > 0
    assert old_id not in page.locator("#nw-doc-list li").evaluate_all("els => els.map(e => e.dataset.doc)")
    shot(page, "2x-01-whats-new-24h", full_page=True)

    page.locator('.period-switch [data-period="7d"]').click()
    expect(page).to_have_url(f"{base}/#/new?period=7d")
    _shown(page, "7d")
    week = _check_against_api(page, base)
    assert week["counts"]["documents"] == day["counts"]["documents"]  # everything but the railway arrived today

    page.locator('.period-switch [data-period="visit"]').click()
    _shown(page, "visit")
    visit = _check_against_api(page, base)
    assert visit["counts"]["documents"] == week["counts"]["documents"] + 1  # the railway's article too
    assert visit["counts"]["projects"] == week["counts"]["projects"] + 1
    shot(page, "2x-02-whats-new-since-visit", full_page=True)
    # this visit is remembered for the next one; the previous one stays for this session
    remembered = page.evaluate("localStorage.getItem('yrd.lastVisit')")
    assert remembered != last and remembered > now().isoformat()[:10]
    page.reload()
    _shown(page, "visit")
    assert _counts(page)["documents"] == visit["counts"]["documents"]

    # a place's name opens its page
    page.locator('#nw-place-table tr[data-code="330500"] a').click()
    expect(page.locator("#entity-name")).to_have_text("湖州市")
    page.watch.check()


def test_sources_health_and_adding_and_removing_with_the_token(page, server):
    base, _, _ = server
    page.goto(f"{base}/#/sources")
    expect(page.locator("#src-table")).to_be_visible()
    settle(page)
    rows = page.locator("#src-table tbody tr")
    listed = api(base, "/api/sources")["items"]
    expect(rows).to_have_count(len(listed))
    for s in listed:
        row = page.locator(f'#src-table tr[data-source="{s["id"]}"]')
        expect(row).to_have_attribute("data-status", s["status"])
        expect(row.locator(".src-name")).to_have_text(s["name"])
    healthy = page.locator('#src-table tr[data-status="ok"]')
    expect(healthy.locator(".badge")).to_have_text("正常")
    expect(healthy.locator("td.num")).to_have_text("1")  # seven items in the week: one a day
    failing = page.locator('#src-table tr[data-status="failing"]')
    expect(failing.locator(".error-cell")).to_contain_text("HTTP 503 from gov.example.cn")
    expect(page.locator("[data-remove]")).to_have_count(0)  # no token, no writes
    expect(page.locator("#src-add-form")).to_have_count(0)
    shot(page, "2x-03-sources", full_page=True)

    page.locator("#src-token").fill(TOKEN)
    page.locator("#src-token-save").click()
    expect(page.locator("#src-token-state")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('yrd.token')") == TOKEN
    assert page.evaluate("localStorage.getItem('yrd.token')") is None  # never kept beyond the session

    page.locator("#src-url").fill("http://127.0.0.1:9/feed.xml")
    page.locator("#src-name").fill("本机测试源")
    page.locator("#src-every").fill("45m")
    page.locator("#src-private").check()
    page.locator("#src-add").click()
    expect(page.locator("#src-note")).to_have_text("已添加：本机测试源")
    added = next(s for s in api(base, "/api/sources")["items"] if s["url"] == "http://127.0.0.1:9/feed.xml")
    assert added["every"] == "45m" and added["allow_private"] and added["status"] == "never"
    row = page.locator(f'#src-table tr[data-source="{added["id"]}"]')
    expect(row.locator(".badge")).to_have_text("尚未轮询")
    expect(row).to_contain_text("待轮询")
    shot(page, "2x-04-sources-token", full_page=True)

    # a bad value: the server's sentence, and nothing added
    page.locator("#src-url").fill("https://example.cn/list.html")
    page.locator("#src-every").fill("soon")
    page.locator("#src-add").click()
    expect(page.locator("#src-note")).to_contain_text("422 every='soon'")
    assert len(api(base, "/api/sources")["items"]) == len(listed) + 1
    # (the browser logs the deliberate 422 as a console error; nothing else may fail)
    page.watch.problems = [p for p in page.watch.problems if "422" not in p]

    button = row.locator("[data-remove]")
    button.click()
    expect(button).to_have_text("确认删除？")
    button.click()
    expect(page.locator("#src-note")).to_have_text("已删除：本机测试源")
    expect(page.locator(f'#src-table tr[data-source="{added["id"]}"]')).to_have_count(0)
    assert added["id"] not in {s["id"] for s in api(base, "/api/sources")["items"]}

    page.locator("#src-token-clear").click()
    expect(page.locator("[data-remove]")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('yrd.token')") is None
    page.watch.check()


def test_the_views_in_english(page, server):
    base, _, _ = server
    page.goto(f"{base}/#/new?period=7d")
    _shown(page, "7d")
    page.locator("#lang-switch").click()
    expect(page.locator('[data-nav="new"]')).to_have_text("New")
    expect(page.locator('#nw-counts [data-kind="signings"] .count-l')).to_have_text("Signings")
    page.goto(f"{base}/#/sources")
    expect(page.locator("#src-table th").first).to_have_text("Name")
    settle(page)
    page.locator("#lang-switch").click()  # back to Chinese for whoever comes next
    expect(page.locator('[data-nav="sources"]')).to_have_text("来源")
    page.watch.check()


def test_a_read_only_server_offers_no_token_field(page, server):
    _, _, read_only = server
    page.goto(f"{read_only}/#/sources")
    expect(page.locator("#src-read-only")).to_be_visible()
    settle(page)
    expect(page.locator("#src-token")).to_have_count(0)
    expect(page.locator("#src-table tbody tr")).to_have_count(len(api(read_only, "/api/sources")["items"]))
    page.watch.check()
