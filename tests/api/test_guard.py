"""The server under hostile requests: the token before the body, capped uploads, rate limits, fetches that
refuse the server's own network, exports that leave nothing behind, integers that do not overflow, NUL."""
import asyncio
import glob
import http.server
import io
import json
import os
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.api import create_app
from yrd.api.guard import Guard
from yrd.errors import InputError
from yrd.ingest import ingest
from yrd.read.fetch import fetch, parse_allow

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
ARTICLE = "嘉兴与上海签署合作协议\n嘉兴市与上海市签署全面合作协议，双方将共建科创走廊，推动长三角一体化发展。"


def _call(app, path, headers=(), chunks=(b"",), method="POST"):
    """Run one request through an ASGI app; return (status, body, number of body chunks the app pulled)."""
    pulled, sent = [0], []
    chunks = list(chunks)

    async def receive():
        pulled[0] += 1
        if pulled[0] > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[pulled[0] - 1], "more_body": pulled[0] < len(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [(k.encode(), v.encode()) for k, v in headers],
             "client": ("203.0.113.7", 5000), "query_string": b""}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body, pulled[0]


async def _reader(scope, receive, send):
    """An app that reads the whole body, then answers 200 with its size."""
    size = 0
    while True:
        m = await receive()
        if m["type"] == "http.disconnect":
            raise RuntimeError("client gone")
        size += len(m.get("body", b""))
        if not m.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def test_the_token_is_checked_before_a_byte_of_the_body_is_read():
    guard = Guard(_reader, token="s3cret", max_upload=1000)
    for header in ((), (("authorization", "Bearer wrong"),), (("authorization", "s3cret"),),
                   (("authorization", "Basic s3cret"),)):
        status, body, pulled = _call(guard, "/api/ingest/upload", header, [b"x" * 100] * 5)
        assert (status, pulled) == (401, 0), header
        assert b"Bearer" in body
    status, body, pulled = _call(guard, "/api/ingest/upload", (("authorization", "Bearer s3cret"),), [b"x" * 100] * 5)
    assert (status, body) == (200, b"500")


def test_an_upload_over_the_cap_is_refused_before_or_while_it_streams():
    guard = Guard(_reader, token="t", max_upload=1000)
    auth = ("authorization", "Bearer t")
    status, _, pulled = _call(guard, "/api/ingest/upload", (auth, ("content-length", "5000")), [b"x" * 1000] * 5)
    assert (status, pulled) == (413, 0)  # a declared length over the cap: not a byte read
    status, body, pulled = _call(guard, "/api/ingest/upload", (auth,), [b"x" * 400] * 50)  # chunked, no length
    assert status == 413 and b"--max-upload" in body
    assert pulled == 3  # reading stopped at the chunk that crossed the cap, not at the 50th


def test_heavy_requests_are_rate_limited_per_client():
    now = [1000.0]
    guard = Guard(_reader, token=None, max_upload=1, limits={"/api/export": (6, 2)}, clock=lambda: now[0])
    codes = [_call(guard, "/api/export", method="GET")[0] for _ in range(3)]
    assert codes == [200, 200, 429]
    status, body, _ = _call(guard, "/api/export", method="GET")
    assert status == 429 and b"try again in 10 s" in body
    now[0] += 10  # six a minute: one more after ten seconds
    assert _call(guard, "/api/export", method="GET")[0] == 200
    assert _call(guard, "/api/stats", method="GET")[0] == 200  # reads are not limited
    operator = Guard(_reader, token="t", max_upload=1, limits={"/api/export": (6, 2)}, clock=lambda: now[0])
    assert {_call(operator, "/api/export", (("authorization", "Bearer t"),), method="GET")[0] for _ in range(5)} == {200}


class _Pages(http.server.BaseHTTPRequestHandler):
    redirect_to = None

    def do_GET(self):  # noqa: N802
        if self.path == "/jump" and self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.end_headers()
            return
        body = f"<html><head><title>嘉兴与上海签署合作协议</title></head><body><div class='article'><p>{ARTICLE}</p>" \
               f"<p>{ARTICLE}</p></div></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def page_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_guarded_fetch_refuses_the_machines_own_networks(page_server):
    for url in (page_server + "/", "http://localhost:9/", "http://[::1]:9/", "http://10.1.2.3/", "http://0.0.0.0:9/",
                "http://169.254.169.254/latest/meta-data/"):
        with pytest.raises(InputError, match="loopback|private|link-local|unspecified"):
            fetch(url, 10_000, 2, guard=True)
    assert b"article" in fetch(page_server + "/", 10_000, 2, guard=True, allow=parse_allow("127.0.0.1"))
    assert b"article" in fetch(page_server + "/", 10_000, 2)  # the command line fetches what its user names
    with pytest.raises(InputError, match="only http and https"):
        fetch("file:///etc/passwd", 10_000, 2)
    with pytest.raises(ValueError, match="not an address"):
        parse_allow("intranet")


def test_every_redirect_is_checked_again(page_server):
    port = page_server.rsplit(":", 1)[1]
    _Pages.redirect_to = f"http://127.0.0.2:{port}/"  # loopback too, but not in the allow-list
    try:
        with pytest.raises(InputError, match="127.0.0.2 is a loopback"):
            fetch(page_server + "/jump", 10_000, 2, guard=True, allow=parse_allow("127.0.0.1/32"))
        _Pages.redirect_to = "file:///etc/passwd"
        with pytest.raises(InputError, match="file.*(not allowed|refused)"):
            fetch(page_server + "/jump", 10_000, 2)
    finally:
        _Pages.redirect_to = None


def test_the_server_does_not_fetch_its_own_network_unless_allowed(store_url, page_server):
    auth = {"Authorization": "Bearer t"}
    with TestClient(create_app(store_url, token="t")) as c:
        r = c.post("/api/ingest/url", json={"url": page_server + "/"}, headers=auth).json()
        assert r["new"] == 0 and "loopback" in r["errors"][0]
        r = c.post("/api/ingest/url", json={"url": "file:///etc/passwd"}, headers=auth)
        assert r.status_code == 422
    with TestClient(create_app(store_url, token="t", fetch_allow="127.0.0.0/8")) as c:
        r = c.post("/api/ingest/url", json={"url": page_server + "/"}, headers=auth).json()
        assert r["new"] == 1, r


def test_upload_errors_name_the_uploaded_file_not_a_server_path(store_url):
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "yrd-upload-*")))
    with TestClient(create_app(store_url, token="t")) as c:
        files = [("files", ("good.txt", io.BytesIO(ARTICLE.encode()), "text/plain")),
                 ("files", ("bad.jsonl", io.BytesIO(b'{"title": "x", "text": "y"}\n' + b"[" * 5000 + b"\n"),
                            "application/x-ndjson"))]
        r = c.post("/api/ingest/upload", files=files, headers={"Authorization": "Bearer t"}).json()
    assert r["new"] == 1
    assert r["errors"] and all(tempfile.gettempdir() not in e and "yrd-upload" not in e for e in r["errors"])
    assert any(e.startswith("bad.jsonl:2: not a JSON object") for e in r["errors"]), r["errors"]
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "yrd-upload-*"))) <= before  # removed once ingested


def test_exports_leave_no_file_behind_and_parquet_holds_both_tables(store_url, tmp_path):
    ingest([str(SAMPLES)], store_url)
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "yrd-export-*")))
    with TestClient(create_app(store_url, limits={})) as c:
        for fmt in ("parquet", "xlsx", "csv", "jsonl", "geojson"):
            assert c.get("/api/export", params={"format": fmt}).status_code == 200, fmt
        r = c.get("/api/export", params={"format": "parquet"})
    (tmp_path / "kb.zip").write_bytes(r.content)
    assert sorted(zipfile.ZipFile(tmp_path / "kb.zip").namelist()) == ["documents.parquet", "facts.parquet"]
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "yrd-export-*"))) == before


def test_integers_past_64_bits_and_the_organisations_kind_are_422_or_taken(store_url):
    ingest([str(SAMPLES)], store_url)
    with TestClient(create_app(store_url)) as c:
        for params in ({"offset": 2**70}, {"from": str(10**20)}, {"to": "2024-99999999999999999999"}, {"limit": 2**64}):
            r = c.get("/api/documents", params=params)
            assert r.status_code == 422, (params, r.status_code)
        assert c.get("/api/targets", params={"due": 2**70}).status_code == 422
        assert c.get("/api/organizations", params={"kind": "project"}).status_code == 200  # not a fact kind here
        government = c.get("/api/organizations", params={"kind": "government"}).json()
        assert government["total"] > 0 and {o["org_kind"] for o in government["items"]} == {"government"}
        assert c.get("/api/organizations", params={"kind": "wedding"}).status_code == 422


def test_a_nul_in_an_article_is_stored_alike_on_both_backends(store_url, tmp_path):
    record = {"title": "嘉兴\u0000与上海签署合作协议", "text": ARTICLE.replace("合作", "合\u0000作"),
              "publisher": "某\u0000报", "url": "https://example.org/nul"}
    (tmp_path / "nul.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = ingest([str(tmp_path / "nul.jsonl")], store_url)
    assert summary.new == 1 and not summary.failed
    with TestClient(create_app(store_url)) as c:
        doc = c.get("/api/documents").json()["items"][0]
        assert doc["title"] == "嘉兴与上海签署合作协议"
        assert "\u0000" not in json.dumps(c.get(f"/api/documents/{doc['id']}").json())
