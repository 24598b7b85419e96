"""Every endpoint and its error cases, through an in-process client, on SQLite and PostgreSQL."""
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.api import create_app
from yrd.ingest import ingest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"


@pytest.fixture
def client(store_url):
    ingest([str(SAMPLES)], store_url)
    with TestClient(create_app(store_url)) as c:
        yield c


def _sources_ok(fact_with_source):
    src = fact_with_source["source"]
    assert src["id"] and src["title"] and "published_at" in src and "publisher" in src
    span = fact_with_source["span"]
    assert span["end"] > span["start"] and span["text"]


def test_stats_and_documents(client):
    stats = client.get("/api/stats").json()
    assert stats["documents"] == 10 and stats["duplicates"] == 1
    page = client.get("/api/documents", params={"limit": 3, "offset": 2}).json()
    assert page["total"] == 10 and len(page["items"]) == 3 and page["offset"] == 2
    assert client.get("/api/documents", params={"include_duplicates": "true"}).json()["total"] == 11
    doc_id = page["items"][0]["id"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    for p in doc["places"]:
        for m in p["mentions"]:
            assert doc["text"][m["start"]:m["end"]] == m["text"]
    assert client.get("/api/documents/ffffffffffffffffffff").status_code == 404
    assert client.get("/api/documents/not-an-id").status_code == 422


@pytest.mark.parametrize("params, status", [
    ({"limit": 0}, 422), ({"limit": 501}, 422), ({"offset": -1}, 422), ({"place": "33042"}, 422),
    ({"from": "2024-13"}, 422), ({"from": "2025", "to": "2024"}, 422), ({"event_type": "party"}, 422),
    ({"kind": "weather"}, 422), ({"place": "330421"}, 200), ({"from": "2023", "to": "2024-06"}, 200),
])
def test_filters_are_validated(client, params, status):
    assert client.get("/api/documents", params=params).status_code == status


def test_filters_narrow(client):
    everything = client.get("/api/documents").json()["total"]
    jiaxing = client.get("/api/documents", params={"place": "330400"}).json()["total"]
    signing = client.get("/api/documents", params={"event_type": "signing"}).json()["total"]
    recent = client.get("/api/documents", params={"from": "2024"}).json()["total"]
    assert 0 < jiaxing < everything and 0 < signing < everything and 0 < recent < everything


def test_search(client):
    r = client.get("/api/search", params={"q": "嘉善"}).json()
    assert r["total"] >= 1
    hit = r["items"][0]
    assert {"id", "title", "source", "published_at", "score", "snippet"} <= set(hit)
    assert any(part["hit"] and part["text"] == "嘉善" for part in hit["snippet_parts"])
    assert client.get("/api/search", params={"q": "長三角"}).json()["total"] == \
        client.get("/api/search", params={"q": "长三角"}).json()["total"] > 0
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search", params={"q": "，。"}).status_code == 422
    assert client.get("/api/search", params={"q": "嘉善", "place": "320100"}).json()["total"] == 0


def test_places_and_place_page(client):
    places = client.get("/api/places").json()["items"]
    huzhou = next(p for p in places if p["adcode"] == "330500")
    assert huzhou["documents"] >= 1 and 30 < huzhou["lat"] < 31.5 and 119 < huzhou["lon"] < 121
    assert all(p["level"] == "city" for p in client.get("/api/places", params={"level": "city"}).json()["items"])
    page = client.get("/api/places/330421").json()
    assert page["name"] == "嘉善县" and page["documents"]
    for fact in page["facts"]:
        _sources_ok(fact)
    assert client.get("/api/places/999999").status_code == 404
    assert client.get("/api/places/33x421").status_code == 422
    assert client.get("/api/places", params={"level": "planet"}).status_code == 422


def test_organizations_and_entities(client):
    orgs = client.get("/api/organizations", params={"limit": 100}).json()
    assert orgs["total"] >= 5
    ref = orgs["items"][0]["ref"]
    assert client.get(f"/api/entities/{ref}").json()["id"] == orgs["items"][0]["id"]
    rail = client.get("/api/entities/沪苏湖高铁").json()  # an alias
    assert rail["name"] == "沪苏湖铁路"
    assert client.get("/api/entities/不存在的机构").status_code == 404


def test_projects_targets_events_relations(client):
    projects = client.get("/api/projects").json()
    rail = next(p for p in projects["items"] if p["name"] == "沪苏湖铁路")
    assert rail["investment"]["value"] == 38637000000
    _sources_ok(rail["investment"])
    targets = client.get("/api/targets", params={"due": 2027}).json()
    assert targets["items"] and all(t["deadline"] == 2027 for t in targets["items"])
    _sources_ok(targets["items"][0])
    assert client.get("/api/targets", params={"status": "done"}).status_code == 422
    events = client.get("/api/events", params={"type": "signing"}).json()
    assert events["total"] >= 1 and all(e["type"] == "signing" for e in events["items"])
    _sources_ok(events["items"][0])
    assert client.get("/api/events", params={"type": "wedding"}).status_code == 422
    net = client.get("/api/relations", params={"type": "cooperation"}).json()
    names = {n["id"]: n["name"] for n in net["nodes"]}
    assert any({names[e["source"]], names[e["target"]]} == {"南京市", "马鞍山市"} for e in net["edges"])
    assert client.get("/api/relations", params={"type": "friendship"}).status_code == 422


def test_docs_and_dashboard_are_served_offline(client):
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    docs = client.get("/docs")
    # the vendored Swagger UI, started by a same-origin file: no inline script, nothing from another host
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text and "/static/docs.js" in docs.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", docs.text) and "//" not in re.sub(r"<!--.*?-->", "", docs.text)
    assert "script-src 'self';" in docs.headers["content-security-policy"]
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
                  "/static/docs.js", "/static/docs.css"):
        assert client.get(asset).status_code == 200, asset
    index = client.get("/")
    assert index.status_code == 200 and "default-src 'self'" in index.headers["content-security-policy"]


def test_no_response_can_be_framed(client):
    """Every response (pages, API, docs, static files, errors) forbids framing, by CSP and X-Frame-Options."""
    paths = [p for p in client.get("/openapi.json").json()["paths"] if "{" not in p]
    assert "/api/search" in paths and "/api/stats" in paths
    paths += ["/", "/docs", "/openapi.json", "/static/app.js", "/static/vendor/swagger-ui/swagger-ui-bundle.js",
              "/api/documents/ffffffffffffffffffff", "/api/documents/not-an-id", "/no/such/page", "/static/nothing.js"]
    responses = [client.get(p) for p in paths] + [client.post("/api/stats"), client.post("/api/ingest/upload")]
    assert {r.status_code for r in responses} >= {200, 404, 405, 422}
    for r in responses:
        directives = [d.strip() for d in r.headers.get("content-security-policy", "").split(";")]
        assert "frame-ancestors 'none'" in directives, (r.request.method, r.url, r.status_code)
        assert r.headers.get("x-frame-options") == "DENY", (r.request.method, r.url, r.status_code)


def test_read_only_unless_started_with_a_token(store_url, tmp_path):
    with TestClient(create_app(store_url)) as c:  # a read-only server has no ingest routes at all
        r = c.post("/api/ingest/url", json={"url": "http://127.0.0.1:9/x"})
        assert r.status_code == 404
        assert not any(p.startswith("/api/ingest") for p in c.get("/openapi.json").json()["paths"])
    with TestClient(create_app(store_url, token="s3cret")) as c:
        files = {"files": ("a.txt", io.BytesIO("嘉兴与上海签署合作协议\n嘉兴市与上海市签署全面合作协议，共建科创走廊。".encode()), "text/plain")}
        assert c.post("/api/ingest/upload", files=files).status_code == 401
        assert c.post("/api/ingest/upload", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/api/ingest/upload", files=files, headers={"Authorization": "s3cret"}).status_code == 401
        files["files"][1].seek(0)
        ok = c.post("/api/ingest/upload", files=files, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["new"] == 1
        assert c.get("/api/search", params={"q": "科创走廊"}).json()["total"] >= 1


def test_export_download(client, tmp_path):
    import openpyxl

    r = client.get("/api/export", params={"format": "xlsx", "place": "330500"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    path = tmp_path / "kb.xlsx"
    path.write_bytes(r.content)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "projects" in wb.sheetnames
    names = [row[0] for row in wb["projects"].iter_rows(min_row=2, values_only=True)]
    assert "沪苏湖铁路" in names
    csv = client.get("/api/export", params={"format": "csv", "table": "targets"})
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf") and "集成电路产业规模" in csv.text
    assert client.get("/api/export", params={"format": "pdf"}).status_code == 422


def test_the_vocabulary_is_the_models(client):
    """The dashboard takes its choices (event types, stages in order, statuses …) from yrd.model through the API."""
    from yrd.model import STAGES, VOCABULARY

    got = client.get("/api/vocabulary").json()
    assert got == {k: list(v) for k, v in VOCABULARY.items()}
    assert got["stages"] == list(STAGES) == ["planned", "approval", "signing", "groundbreaking", "construction",
                                            "completion", "launch"]
    assert client.get("/api/events", params={"type": "party"}).status_code == 422  # validated from the same list


def test_place_lists_default_to_the_delta_with_a_switch(client):
    delta = client.get("/api/places").json()["items"]
    every = client.get("/api/places", params={"scope": "all"}).json()["items"]
    assert delta and all(p["scope"] == "delta" for p in delta)
    assert len(every) >= len(delta) and {p["scope"] for p in every} >= {"delta"}
    assert client.get("/api/places", params={"scope": "mars"}).status_code == 422
    net = client.get("/api/relations", params={"scope": "delta"}).json()
    assert all(n["scope"] == "delta" for n in net["nodes"] if n["kind"] == "place")
