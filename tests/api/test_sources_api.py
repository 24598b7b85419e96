"""The sources through the API (anyone reads them and their health; the token adds and removes them) and what is
new (/api/documents?since=, /api/new), on SQLite and PostgreSQL."""
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from yrd.api import create_app
from yrd.api.guard import WRITE_CAP, Guard
from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import documents
from yrd.watch import sources
from yrd.watch.sources import Health
from yrd.watch.times import now

from test_guard import _call, _reader  # (tests/api: the guard's own ASGI harness)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def writable(store_url):
    with TestClient(create_app(store_url, token=TOKEN)) as c:
        yield c


@pytest.fixture
def news(store_url):
    """The samples, ingested now; one of them made to have arrived ten days ago."""
    ingest([str(SAMPLES)], store_url)
    engine = make_engine(store_url)
    with engine.begin() as conn:
        old = conn.execute(documents.select().where(documents.c.title.like("沪苏湖铁路%"))).first()
        conn.execute(update(documents).where(documents.c.key == old.key)
                     .values(ingested_at=now() - timedelta(days=10)))
    engine.dispose()
    with TestClient(create_app(store_url)) as c:
        yield c, old


def test_anyone_reads_the_sources_with_their_health(writable, store_url):
    assert writable.get("/api/sources").json() == {"total": 0, "items": []}
    engine = make_engine(store_url)
    with engine.begin() as conn:
        ok = sources.add(conn, "https://news.example.cn/feed.xml", name="示例新闻", every=3600)
        bad = sources.add(conn, "https://gov.example.cn/list.html", links=r"/art/\d+\.html")
        sources.add(conn, "https://never.example.cn/rss")
        sources.record(conn, ok, Health(ok=True, kind="feed", seen=14, stored=12))
        sources.record(conn, bad, Health(ok=False, error="HTTP 500 from gov.example.cn"))
        sources.remember(conn, ok["id"], "https://news.example.cn/a/1.html", "stored", doc_id="abc")
    engine.dispose()
    listed = {s["url"]: s for s in TestClient(create_app(store_url)).get("/api/sources").json()["items"]}
    assert len(listed) == 3
    good, failing, never = (listed["https://news.example.cn/feed.xml"], listed["https://gov.example.cn/list.html"],
                            listed["https://never.example.cn/rss"])
    assert (good["status"], failing["status"], never["status"]) == ("ok", "failing", "never")
    assert good["name"] == "示例新闻" and good["every"] == "1h" and good["kind"] == "feed"
    assert good["items_seen"] == 14 and good["items_stored"] == 12 and good["items_per_day"] == round(1 / 7, 1)
    # times carry their zone, the next poll is an interval after the last success
    last = datetime.fromisoformat(good["last_success_at"])
    assert last.utcoffset() == timedelta(0)
    assert datetime.fromisoformat(good["next_due_at"]) - last == timedelta(hours=1)
    assert failing["last_error"] == "HTTP 500 from gov.example.cn" and failing["failures"] == 1
    assert failing["link_pattern"] == r"/art/\d+\.html" and failing["last_success_at"] is None
    assert never["last_polled_at"] is None and never["next_due_at"] is None


def test_the_token_adds_and_removes_a_source(writable):
    body = {"url": "http://127.0.0.1:8081/feed.xml", "name": "本地", "every": "45m", "allow_private": True}
    assert writable.post("/api/sources", json=body).status_code == 401
    assert writable.post("/api/sources", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = writable.post("/api/sources", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["url"] == body["url"] and added["every_seconds"] == 2700 and added["allow_private"] is True
    assert added["status"] == "never"
    assert [s["id"] for s in writable.get("/api/sources").json()["items"]] == [added["id"]]
    again = writable.post("/api/sources", json=body, headers=AUTH)
    assert again.status_code == 409 and "registered already" in again.json()["detail"]

    assert writable.delete(f"/api/sources/{added['id']}").status_code == 401
    gone = writable.delete(f"/api/sources/{added['id']}", headers=AUTH)
    assert gone.status_code == 200 and gone.json()["removed"]["url"] == body["url"]
    assert writable.get("/api/sources").json()["total"] == 0
    assert writable.delete(f"/api/sources/{added['id']}", headers=AUTH).status_code == 404


@pytest.mark.parametrize("body, says", [
    ({"url": "ftp://example.cn/feed"}, "http(s)"),
    ({"url": "https://example.cn/feed", "every": "soon"}, "every='soon'"),
    ({"url": "https://example.cn/feed", "every": "30s"}, "at most once a minute"),
    ({"url": "https://example.cn/list", "links": "(unclosed"}, "not a regular expression"),
    ({"every": "30m"}, "url: Field required"),
    ({"url": "https://example.cn/feed", "colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"url": 5}, "url: Input should be a valid string"),
])
def test_a_bad_source_is_422_with_a_sentence(writable, body, says):
    r = writable.post("/api/sources", json=body, headers=AUTH)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and says in r.json()["detail"]
    assert writable.get("/api/sources").json()["total"] == 0


def test_a_body_that_is_no_json_and_a_large_one_are_refused(writable):
    r = writable.post("/api/sources", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"].startswith("the body is not valid JSON")
    big = writable.post("/api/sources", content=b"x" * (2 << 20), headers={**AUTH, "Content-Type": "application/json"})
    assert big.status_code == 413


def test_a_read_only_server_has_no_write_routes(store_url):
    with TestClient(create_app(store_url)) as c:
        assert c.get("/api/sources").status_code == 200
        assert c.post("/api/sources", json={"url": "https://example.cn/feed"}, headers=AUTH).status_code == 405
        assert c.delete("/api/sources/1", headers=AUTH).status_code in (404, 405)
        assert "post" not in c.get("/openapi.json").json()["paths"]["/api/sources"]


def test_documents_since_lists_what_arrived(news):
    client, old = news
    everything = client.get("/api/documents").json()["total"]
    week = client.get("/api/documents", params={"since": "7d", "limit": 500}).json()
    assert week["total"] == everything - 1 and old.id not in {d["id"] for d in week["items"]}
    fortnight = client.get("/api/documents", params={"since": "14d"}).json()
    assert fortnight["total"] == everything
    iso = (now() - timedelta(days=12)).date().isoformat()
    assert client.get("/api/documents", params={"since": iso}).json()["total"] == everything
    assert client.get("/api/documents", params={"since": "2099-01-01"}).json()["total"] == 0
    # with the other filters: the place's new documents only
    jiaxing = client.get("/api/documents", params={"place": "330400"}).json()["total"]
    assert client.get("/api/documents", params={"since": "7d", "place": "330400"}).json()["total"] == jiaxing
    huzhou = client.get("/api/documents", params={"place": "330500"}).json()["total"]
    assert client.get("/api/documents", params={"since": "7d", "place": "330500"}).json()["total"] == huzhou - 1
    bad = client.get("/api/documents", params={"since": "yesterday-ish"})
    assert bad.status_code == 422 and "since=" in bad.json()["detail"]


def test_new_counts_what_arrived_by_place(news):
    client, old = news
    week = client.get("/api/new", params={"since": "7d"}).json()
    fortnight = client.get("/api/new", params={"since": "14d"}).json()
    docs = client.get("/api/documents", params={"since": "7d"}).json()["total"]
    assert week["counts"]["documents"] == docs and fortnight["counts"]["documents"] == docs + 1
    signings = client.get("/api/events", params={"type": "signing", "scope": "all"}).json()["total"]
    assert fortnight["counts"]["signings"] == signings > 0
    targets = client.get("/api/targets", params={"scope": "all"}).json()["total"]
    assert fortnight["counts"]["targets"] == targets > 0
    # the railway's article arrived ten days ago: its project is new in the fortnight, not in the week
    assert fortnight["counts"]["projects"] == week["counts"]["projects"] + 1
    # by place: every province's counts add up to the totals, and its cities' to the province's
    for counts in (week, fortnight):
        for kind in ("projects", "signings", "cooperation", "targets", "reports"):
            assert sum(p["counts"][kind] for p in counts["places"]) == counts["counts"][kind]
            for p in counts["places"]:
                assert sum(c["counts"][kind] for c in p["cities"]) == p["counts"][kind]
    by_code = {p["code"]: p for p in fortnight["places"]}
    assert by_code["330000"]["name"] == "浙江省"
    huzhou = next(c for c in by_code["330000"]["cities"] if c["code"] == "330500")
    assert huzhou["name"] == "湖州市" and huzhou["documents"] == client.get(
        "/api/documents", params={"place": "330500"}).json()["total"]
    assert "items" not in huzhou
    # with items: the digest, each item with its source and its evidence
    full = client.get("/api/new", params={"since": "14d", "items": "true"}).json()
    railway = [x for p in full["places"] for c in p["cities"] for x in c["items"]["projects"] if x["name"] == "沪苏湖铁路"]
    assert len(railway) == 1 and railway[0]["source"]["id"] == old.id and railway[0]["first_seen"]
    assert railway[0]["investment"]["text"] == "约386.37亿元" and railway[0]["stage"] == "completion"
    # a place: its documents and the items placed inside it
    jiaxing = client.get("/api/new", params={"since": "14d", "place": "330400"}).json()
    assert jiaxing["counts"]["documents"] == client.get("/api/documents", params={"place": "330400"}).json()["total"]
    assert {p["code"] for p in jiaxing["places"] if sum(p["counts"].values())} <= {"330000", None}
    assert client.get("/api/new", params={"since": "7 days"}).status_code == 422
    assert client.get("/api/new", params={"place": "33"}).status_code == 422


def test_every_write_to_the_api_needs_the_token_before_its_body_is_read():
    guard = Guard(_reader, token="t", max_upload=10_000_000)
    for method, path in (("POST", "/api/sources"), ("DELETE", "/api/sources/3"), ("PUT", "/api/watchlists/1"),
                         ("PATCH", "/api/anything")):
        status, body, pulled = _call(guard, path, (), [b"x" * 100] * 5, method=method)
        assert (status, pulled) == (401, 0), (method, path)
        assert _call(guard, path, (("authorization", "Bearer t"),), [b"x" * 100] * 5, method=method)[:2] == (200, b"500")
    assert _call(guard, "/api/sources", (), method="GET")[0] == 200  # reading needs no token
    # a write that is no upload has a small body: refused past WRITE_CAP, declared or streamed
    auth = ("authorization", "Bearer t")
    status, _, pulled = _call(guard, "/api/sources", (auth, ("content-length", str(WRITE_CAP + 1))), [b"{}"])
    assert (status, pulled) == (413, 0)
    status, body, pulled = _call(guard, "/api/sources", (auth,), [b"x" * (WRITE_CAP // 4)] * 8)
    assert status == 413 and pulled == 5 and b"KB a request to /api/sources may have" in body


def test_a_window_that_holds_most_of_the_store_gives_the_same_page_read_in_num_order(news, monkeypatch):
    from yrd.store.query import filters

    client, old = news
    pages = [client.get("/api/documents", params={"since": "7d", "limit": 3, "offset": o}).json() for o in (0, 3, 6)]
    monkeypatch.setattr(filters, "ARRIVALS_BY_NUM", 0)  # (SQLite then reads in num order; PostgreSQL plans itself)
    assert [client.get("/api/documents", params={"since": "7d", "limit": 3, "offset": o}).json()
            for o in (0, 3, 6)] == pages
    assert old.id not in {d["id"] for p in pages for d in p["items"]} and sum(len(p["items"]) for p in pages) == 9
