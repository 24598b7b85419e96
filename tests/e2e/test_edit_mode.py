"""The dashboard's edit mode, review view and as-of field in Chromium, against a server with a token: a place
mention is rejected in the reader with a reason and is gone from it, the correction is listed as applying and is
withdrawn; without the token no correction control exists; the review view lists the queue in the API's order;
an as-of date before the store was filled empties its counts, and every request then carries it.

Screenshots go to artifacts/screenshots/ (3x-*.png) for a human to look at.
"""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

from yrd.ingest import ingest

from test_dashboard import settle, shot  # (the dashboard's own e2e harness)
from test_whats_new import _serving

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
TOKEN = "e2e-edit-token-41c9"
REASON = "这里指代表团，不是地名"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('edit') / 'edit.db'}"
    ingest([str(SAMPLES)], url)
    from yrd.api import create_app

    with _serving(create_app(url, token=TOKEN)) as base:
        yield base


def api(base: str, path: str, **params) -> dict:
    with urllib.request.urlopen(base + path + ("?" + urlencode(params, doseq=True) if params else ""), timeout=10) as r:
        return json.load(r)


def one_mention_place(base: str) -> tuple[str, dict, dict]:
    """A document and a place in it mentioned once (so rejecting that mention removes the place)."""
    for d in api(base, "/api/documents", limit=50)["items"]:
        doc = api(base, f"/api/documents/{d['id']}")
        for p in doc["places"]:
            names = [q["name"] for q in doc["places"]]
            if p.get("adcode") and len(p["mentions"]) == 1 and names.count(p["name"]) == 1:
                return d["id"], p, doc
    pytest.fail("no sample document has a place mentioned once")


def enter_token(page, base: str) -> None:
    page.goto(f"{base}/#/sources")
    page.fill("#src-token", TOKEN)
    page.click("#src-token-save")
    expect(page.locator("#src-token-state")).to_be_visible()
    settle(page)


def test_without_the_token_no_correction_control(page, server):
    doc_id, _place, _ = one_mention_place(server)
    page.goto(f"{server}/#/doc/{doc_id}")
    expect(page.locator("#reader-text span.hl").first).to_be_visible()
    settle(page)
    page.locator("#reader-text span.k-place").first.click()
    assert page.locator(".edit-btn, .edit-form, #edit-panel").count() == 0
    busiest = api(server, "/api/places", limit=1)["items"][0]["adcode"]
    page.goto(f"{server}/#/place/{busiest}")
    expect(page.locator("#entity-facts .fact-item").first).to_be_visible()
    settle(page)
    assert page.locator(".edit-btn").count() == 0
    page.goto(f"{server}/#/review")
    expect(page.locator("#co-token-hint")).to_be_visible()
    settle(page)
    assert page.locator("[data-withdraw]").count() == 0


def test_reject_a_place_in_the_reader_then_withdraw(page, server):
    doc_id, place, doc = one_mention_place(server)
    mention = place["mentions"][0]
    assert doc["text"][mention["start"]:mention["end"]] == mention["text"]
    enter_token(page, server)
    page.goto(f"{server}/#/doc/{doc_id}")
    expect(page.locator("#edit-panel")).to_be_visible()
    settle(page)
    # a click on the mention lists the facts there, each with its control
    page.locator(f'#reader-text span.k-place[data-s="{mention["start"]}"]').click()
    row = page.locator(f'#edit-facts li[data-kind="place"][data-span="{mention["start"]}-{mention["end"]}"]')
    expect(row).to_be_visible()
    row.locator(".edit-btn").click()
    form = row.locator(".edit-form")
    # no reason: refused in the page, nothing sent
    form.locator(".edit-submit").click()
    expect(form.locator(".edit-note.bad")).to_contain_text("理由")
    # an adcode that is no unit: the server's 422 as one line
    page.watch.allow_status = {"/api/corrections"}
    form.locator(".edit-action").select_option("change")
    form.locator(".place-input").fill("999999")
    form.locator(".reason").fill(REASON)
    form.locator(".edit-submit").click()
    expect(form.locator(".edit-note.bad")).to_contain_text("422")
    page.watch.problems = [p for p in page.watch.problems if "422" not in p]
    page.watch.allow_status = set()
    shot(page, "31-edit-form")
    form.locator(".edit-action").select_option("reject")
    form.locator(".edit-submit").click()
    # the view reloads without the place
    expect(page.locator(".reader-side .fact-list li[data-kind='place']", has_text=place["name"])).to_have_count(0)
    expect(page.locator(f'#reader-text span.k-place[data-s="{mention["start"]}"]')).to_have_count(0)
    settle(page)
    shot(page, "32-reader-after-reject")
    # (a correction is stored as a new version of the article: the reader followed it, and so does the API)
    current = api(server, f"/api/documents/{doc_id}")["current_id"]
    assert current != doc_id and page.url.endswith(current)
    assert place["name"] not in [p["name"] for p in api(server, f"/api/documents/{current}")["places"]]
    assert place["name"] in [p["name"] for p in api(server, f"/api/documents/{doc_id}")["places"]]  # the version before

    page.goto(f"{server}/#/review")
    corr = page.locator("#co-table tbody tr", has_text=REASON)
    expect(corr).to_have_count(1)
    expect(corr).to_have_attribute("data-status", "applies")
    expect(corr).to_contain_text("生效")
    settle(page)
    shot(page, "33-review")
    listed = [c for c in api(server, "/api/corrections")["items"] if c["why"] == REASON]
    assert len(listed) == 1 and listed[0]["status"] == "applies" and listed[0]["text"] == mention["text"]
    # withdrawn (two clicks): the place is back
    button = corr.locator("[data-withdraw]")
    button.click()
    button.click()
    expect(page.locator("#co-note")).to_contain_text(f"#{listed[0]['id']}")
    expect(page.locator("#co-table tbody tr", has_text=REASON)).to_have_count(0)
    settle(page)
    now = api(server, f"/api/documents/{doc_id}")["current_id"]
    assert place["name"] in [p["name"] for p in api(server, f"/api/documents/{now}")["places"]]
    # the entity page has the control on each fact too, its form with the reason
    busiest = api(server, "/api/places", limit=1)["items"][0]["adcode"]
    page.goto(f"{server}/#/place/{busiest}")
    item = page.locator("#entity-facts .fact-item").first
    item.locator(".edit-btn").click()
    expect(item.locator(".edit-form .reason")).to_be_visible()
    settle(page)


def test_add_a_place_on_a_selection(page, server):
    doc_id, place, _doc = one_mention_place(server)
    m = place["mentions"][0]
    enter_token(page, server)
    page.goto(f"{server}/#/doc/{doc_id}")
    expect(page.locator("#edit-panel")).to_be_visible()
    settle(page)
    # select the mention's characters as a user would, then add it as a place (the same unit: nothing changes
    # but the decision is kept, on exactly that span)
    page.evaluate("""([s, e]) => {
        const el = document.querySelector(`#reader-text span[data-s="${s}"]`);
        const r = document.createRange();
        r.setStart(el.firstChild, 0); r.setEnd(el.firstChild, e - s);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
        el.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    }""", [m["start"], m["end"]])
    form = page.locator("#edit-panel .edit-form")
    expect(form).to_contain_text(m["text"])
    form.locator(".place-input").fill(place["adcode"])
    form.locator(".reason").fill("测试：选中添加")
    form.locator(".edit-submit").click()
    expect(page.locator("#edit-panel .edit-form")).to_have_count(0)  # reloaded
    settle(page)
    added = [c for c in api(server, "/api/corrections")["items"] if c["why"] == "测试：选中添加"]
    assert [(c["action"], c["start"], c["end"], c["text"]) for c in added] == [("add", m["start"], m["end"], m["text"])]
    req = urllib.request.Request(f"{server}/api/corrections/{added[0]['id']}", method="DELETE",
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    urllib.request.urlopen(req, timeout=30).close()


def test_review_lists_the_queue_in_the_api_order(page, server):
    page.goto(f"{server}/#/review")
    expect(page.locator("#rv-items .review-row").first).to_be_visible()
    settle(page)
    want = api(server, "/api/review", limit=25, offset=0)
    shown = [int(x) for x in page.locator("#rv-items .review-row").evaluate_all("els => els.map(e => e.dataset.fact)")]
    assert shown == [i["id"] for i in want["items"]]
    expect(page.locator("#rv-total")).to_have_attribute("data-total", str(want["total"]))
    # each row links to its document in the reader at the span
    first = want["items"][0]
    href = page.locator("#rv-items .review-row").first.locator("a.doc-link").get_attribute("href")
    assert href == f"#/doc/{first['source']['id']}?at={first['span']['start']}-{first['span']['end']}"
    # one kind only
    page.select_option("#rv-kind", "event")
    expect(page.locator("#rv-items .review-row").first).to_have_attribute("data-kind", "event")
    settle(page)
    kinds = set(page.locator("#rv-items .review-row").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds == {"event"}
    shot(page, "34-review-events")


def test_as_of_a_day_before_the_store_empties_it(page, server):
    now = api(server, "/api/stats")
    assert now["documents"] > 0
    then = api(server, "/api/stats", as_of="2000-01-01")
    page.goto(f"{server}/#/timeline")
    expect(page.locator("[data-stat=documents] .stat-n")).to_have_text(str(now["documents"]))
    settle(page)
    asked: list[str] = []
    page.on("request", lambda r: urlparse(r.url).path.startswith("/api/") and asked.append(r.url))
    page.fill("#as-of", "2000-01-01")
    expect(page.locator("#as-of-banner")).to_contain_text("截至 2000-01-01 的知识库")
    expect(page.locator("[data-stat=documents] .stat-n")).to_have_text(str(then["documents"]))
    expect(page.locator("#timeline-list .state.empty")).to_be_visible()
    settle(page)
    shot(page, "35-as-of")
    assert asked and all(parse_qs(urlparse(u).query).get("as_of") == ["2000-01-01"] for u in asked), asked
    # kept while navigating, and cleared by one click
    page.goto(f"{server}/#/projects")
    expect(page.locator("#as-of-banner")).to_be_visible()
    settle(page)
    page.click("#as-of-clear")
    expect(page.locator("#as-of-banner")).to_have_count(0)
    expect(page.locator("[data-stat=documents] .stat-n")).to_have_text(str(now["documents"]))
    settle(page)
