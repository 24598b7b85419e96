"""Watchlists and alerts on both backends: the filters select the right facts, every alert is delivered once (to a
local webhook receiver, a local SMTP server, a file), never twice across checks and restarts, a failed delivery is
tried again, a new watchlist does not flood with history, and each watchlist's Atom feed parses."""
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fastapi.testclient import TestClient

from yrd.api import create_app
from yrd.cli import main
from yrd.errors import YrdError
from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import alerts, documents
from yrd.upgrade import open_store
from yrd.watch import alerts as A
from yrd.watch import deliver
from yrd.watch.deliver import Smtp

# small articles whose facts are known (the extractors' output for them is checked in test_filters_*)
ARTICLES = {
    "jiashan.txt": "嘉善与青浦签署合作协议\n2024年3月5日，嘉善县与上海市青浦区签署合作协议，共建数字经济产业园。\n",
    "suzhou.txt": "苏州发布数字经济规划\n根据规划，到2025年，苏州市数字经济核心产业增加值将达到5000亿元。\n",
    "huawei.txt": "华为与南京签约\n3月6日，华为技术有限公司与南京市人民政府签署战略合作协议，双方将共建人工智能创新中心。\n",
    "changxing.txt": "长兴新能源项目开工\n3月7日，湖州市长兴县新能源汽车零部件产业园项目举行开工仪式，总投资50亿元。\n",
}
HISTORY = {"old.txt": "嘉善与青浦此前签约\n2023年1月9日，嘉善县与青浦区签署战略合作协议，共建示范区数字产业园。\n"}


@pytest.fixture(autouse=True)
def no_retry_pause(monkeypatch):
    monkeypatch.setattr(deliver, "RETRY_PAUSE", 0.0)


def write(folder, articles: dict) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return str(folder)


def add(url, **kw) -> dict:
    engine = open_store(url)
    with engine.begin() as conn:
        w = A.add(conn, **kw)
    engine.dispose()
    return w


def check(url, smtp=None) -> dict:
    engine = make_engine(url)
    try:
        return A.check(engine, smtp)
    finally:
        engine.dispose()


def lines(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def what(alerts_: list[dict]) -> set[tuple[str, str, str | None]]:
    """(document title, fact kind, type) of each alert."""
    return {(a["document"]["title"], a["fact"]["kind"], a["fact"]["type"]) for a in alerts_}


class Receiver:
    """A webhook receiver on loopback: keeps every JSON body it is sent; ``status`` is what it answers."""

    def __init__(self, port: int = 0, status: int = 204):
        self.bodies, self.status = [], status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.status < 300:
                    outer.bodies.append(json.loads(body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- filters ---------------------------------------------------------------------------------------------


def test_filters_select_the_right_facts_and_a_new_watchlist_sees_no_history(store_url, tmp_path):
    ingest([write(tmp_path / "history", HISTORY)], store_url)  # stored before the watchlists: never alerted
    out = tmp_path / "out"
    lists = {
        "jiaxing": {"place": "330400"},  # 嘉兴市: includes 嘉善县 (330421)
        "zhejiang": {"place": "330000"},
        "qingpu": {"place": "310118"},
        "signing": {"event_type": "signing"},
        "ai": {"query": "人工智能"},
        "digital_traditional": {"query": "數字經濟 產業"},  # traditional words find the simplified sentence
        "nanjing_gov": {"org": "南京市人民政府"},
        "targets": {"kind": "target"},
        "jiaxing_signing": {"place": "330400", "event_type": "signing"},
    }
    for name, filters in lists.items():
        add(store_url, name=name, file=str(out / f"{name}.jsonl"), **filters)
    ingest([write(tmp_path / "new", ARTICLES)], store_url)
    counts = check(store_url)
    assert counts["documents"] == 4 and counts["failed"] == {"webhook": 0, "email": 0, "file": 0}
    got = {name: what(lines(out / f"{name}.jsonl")) for name in lists}
    title = {name: text.split("\n")[0] for name, text in ARTICLES.items()}
    jiashan = {(title["jiashan.txt"], "event", "signing"), (title["jiashan.txt"], "relation", "cooperation"),
               (title["jiashan.txt"], "project", "park")}  # (the park names no place: its article's places count)
    huawei = {(title["huawei.txt"], "event", "signing"), (title["huawei.txt"], "relation", "cooperation")}
    changxing = {(title["changxing.txt"], "event", "groundbreaking"), (title["changxing.txt"], "project", "park"),
                 (title["changxing.txt"], "project", "industrial")}
    assert got["jiaxing"] == jiashan  # the county's facts, not 湖州's nor 苏州's
    assert got["zhejiang"] == jiashan | changxing  # a province includes its cities' counties
    assert got["qingpu"] == jiashan
    assert got["signing"] == {(title["jiashan.txt"], "event", "signing"), (title["huawei.txt"], "event", "signing")}
    assert got["ai"] == huawei | {(title["huawei.txt"], "project", "centre")}  # 共建人工智能创新中心
    assert got["digital_traditional"] == {(title["suzhou.txt"], "target", None)} | jiashan  # (共建数字经济产业园)
    assert got["nanjing_gov"] == huawei  # its party and participant, not the clause that does not name it
    assert got["targets"] == {(title["suzhou.txt"], "target", None)}
    assert got["jiaxing_signing"] == {(title["jiashan.txt"], "event", "signing")}
    assert counts["created"] == sum(len(v) for v in got.values())
    assert not any("此前" in t for v in got.values() for t, _, _ in v)  # the history
    # what a place filter matched names the place itself: the county's code, or a party linked to it
    assert all(a["fact"]["place_code"] in (None, "330421") for a in lines(out / "jiaxing.jsonl"))


def test_a_watchlist_is_checked_for_its_values(store_url):
    for bad, message in [({"place": "3304", "file": "x"}, "6-digit adcode"),
                         ({"event_type": "party", "file": "x"}, "event type 'party'"),
                         ({"kind": "rumour", "file": "x"}, "fact kind 'rumour'"),
                         ({"event_type": "signing", "kind": "target", "file": "x"}, "cannot go with --kind target"),
                         ({"file": "x"}, "at least one filter"),
                         ({"place": "330400"}, "exactly one of"),
                         ({"place": "330400", "file": "x", "email": "a@b.org"}, "exactly one of"),
                         ({"place": "330400", "webhook": "ftp://127.0.0.1/x"}, r"http\(s\)"),
                         ({"place": "330400", "email": "nobody"}, "email 'nobody'")]:
        with pytest.raises(YrdError, match=message):
            add(store_url, **bad)


# --- delivery --------------------------------------------------------------------------------------------


def test_webhook_gets_each_alert_once_with_the_fact_its_span_and_document(store_url, tmp_path, receiver):
    w = add(store_url, place="330400", webhook=receiver.url)
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    first = check(store_url)
    assert first["created"] == 3 and first["delivered"]["webhook"] == 3
    assert len(receiver.bodies) == 3 and len({b["id"] for b in receiver.bodies}) == 3
    engine = make_engine(store_url)
    with engine.connect() as conn:
        texts = dict(conn.execute(sa.select(documents.c.id, documents.c.text)).all())
    engine.dispose()
    for body in receiver.bodies:
        assert body["watchlist"] == {"id": w["id"], "name": w["name"]}
        ev, doc = body["evidence"], body["document"]
        assert ev["text"] == texts[doc["id"]][ev["start"]:ev["end"]]
        assert doc["title"] == "嘉善与青浦签署合作协议" and {"url", "publisher", "published_at"} <= set(doc)
        assert body["fact"]["kind"] in ("event", "relation", "project") and body["fact"]["details"]
    assert sum("嘉善县" in b["evidence"]["text"] for b in receiver.bodies) == 2  # the signing and the cooperation
    # a second check and a "restart" (a new engine, a new process's view) send nothing again
    assert check(store_url)["delivered"]["webhook"] == 0
    assert check(store_url)["created"] == 0
    assert len(receiver.bodies) == 3


def test_a_failed_webhook_is_tried_again_next_time_then_delivered_once(store_url, tmp_path):
    down = Receiver()
    port = down.port
    down.close()  # the receiver is down: connection refused
    add(store_url, event_type="signing", webhook=f"http://127.0.0.1:{port}/hook")
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    failed = check(store_url)
    assert failed["created"] == 2 and failed["delivered"]["webhook"] == 0 and failed["failed"]["webhook"] == 1
    assert "127.0.0.1" in failed["errors"][0]
    engine = make_engine(store_url)
    with engine.connect() as conn:
        waiting = conn.execute(sa.select(alerts.c.id, alerts.c.error).where(alerts.c.delivered_at.is_(None))).all()
    engine.dispose()
    assert len(waiting) == 2 and any(r.error for r in waiting)
    up = Receiver(port)
    try:
        up.status = 500  # up but failing: still not delivered
        assert check(store_url)["failed"]["webhook"] == 1 and up.bodies == []
        up.status = 204
        again = check(store_url)
        assert again["created"] == 0 and again["delivered"]["webhook"] == 2
        assert check(store_url)["delivered"]["webhook"] == 0
        assert sorted(b["id"] for b in up.bodies) == sorted(r.id for r in waiting)  # each once
    finally:
        up.close()


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def test_email_through_a_local_smtp_server(store_url, tmp_path):
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = Smtp(host="127.0.0.1", port=port, sender="yrd@example.org", starttls=False)
        w = add(store_url, name="AI news", query="人工智能", email="ops@example.org")
        ingest([write(tmp_path / "in", ARTICLES)], store_url)
        counts = check(store_url, smtp)
        assert counts["delivered"]["email"] == 3 and len(sink.messages) == 1  # a watchlist's new alerts together
        env = sink.messages[0]
        assert env.rcpt_tos == ["ops@example.org"] and env.mail_from == "yrd@example.org"
        msg = message_from_bytes(env.original_content, policy=policy.default)
        assert "AI news" in msg["Subject"]
        body = msg.get_content()
        assert "华为技术有限公司与南京市人民政府签署战略合作协议" in body and "华为与南京签约" in body
        ids = [int(x) for x in msg["X-Yrd-Alert-Ids"].split(",")]
        assert len(ids) == 3 and all(f"[{i}]" in body for i in ids)
        assert check(store_url, smtp)["delivered"]["email"] == 0 and len(sink.messages) == 1
        engine = make_engine(store_url)
        with engine.connect() as conn:
            assert {k: A.get(conn, w["id"])[k] for k in ("alerts", "delivered", "pending")} == \
                {"alerts": 3, "delivered": 3, "pending": 0}
        engine.dispose()
    finally:
        controller.stop()


def test_email_without_a_server_waits_and_says_why(store_url, tmp_path):
    add(store_url, kind="target", email="ops@example.org")
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    counts = check(store_url, Smtp(host=None))
    assert counts["failed"]["email"] == 1 and "YRD_SMTP_HOST" in counts["errors"][0]


def test_file_alerts_are_written_once_even_after_a_crash_before_they_were_recorded(store_url, tmp_path):
    path = tmp_path / "alerts" / "all.jsonl"
    add(store_url, place="330000", file=str(path))
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    assert check(store_url)["delivered"]["file"] == 6
    written = lines(path)
    assert len(written) == 6 and len({a["id"] for a in written}) == 6
    engine = make_engine(store_url)  # a crash between writing the lines and recording them: not recorded
    with engine.begin() as conn:
        conn.execute(sa.update(alerts).values(delivered_at=None))
    engine.dispose()
    assert check(store_url)["delivered"]["file"] == 6  # recorded now…
    assert lines(path) == written  # …but not written twice


def test_a_new_version_alerts_only_what_changed(store_url, tmp_path):
    path = tmp_path / "out.jsonl"
    add(store_url, place="320000", file=str(path))  # 江苏: 苏州's target, 南京's signing
    folder = tmp_path / "in"
    ingest([write(folder, ARTICLES)], store_url)
    check(store_url)
    before = lines(path)
    assert {a["document"]["title"] for a in before} == {"苏州发布数字经济规划", "华为与南京签约"}
    (folder / "suzhou.txt").write_text(ARTICLES["suzhou.txt"].replace("5000亿元", "6000亿元"), encoding="utf-8")
    (folder / "huawei.txt").write_text(ARTICLES["huawei.txt"] + "双方还将联合举办论坛。\n", encoding="utf-8")  # a new fact
    assert ingest([str(folder)], store_url).versions == 2
    counts = check(store_url)
    new = lines(path)[len(before):]
    # the changed figure and the added sentence's meeting; the signing whose sentence did not change: not again
    assert counts["created"] == 2 and what(new) == {("苏州发布数字经济规划", "target", None),
                                                    ("华为与南京签约", "event", "meeting")}
    new.sort(key=lambda a: a["fact"]["kind"] != "target")
    assert "6000亿元" in new[0]["evidence"]["text"]


def test_nothing_new_costs_a_few_small_queries(store_url, tmp_path):
    add(store_url, place="330400", file=str(tmp_path / "out.jsonl"))
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    engine = make_engine(store_url)
    try:
        A.check(engine)
        statements = []
        sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        counts = A.check(engine)
    finally:
        engine.dispose()
    assert counts["documents"] == 0 and counts["created"] == 0
    assert len(statements) <= 3, statements
    assert not any("facts" in s or "UPDATE" in s.upper() for s in statements), statements


def test_removing_a_watchlist_removes_its_alerts(store_url, tmp_path):
    w = add(store_url, kind="target", file=str(tmp_path / "t.jsonl"))
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    check(store_url)
    engine = open_store(store_url)
    with engine.begin() as conn:
        assert A.find(conn, w["id"])["alerts"] == 1
        A.remove(conn, w["id"])
        assert conn.scalar(sa.select(sa.func.count()).select_from(alerts)) == 0
        with pytest.raises(YrdError, match="no watchlist"):
            A.find(conn, w["id"])
    engine.dispose()


# --- the command line and the API ------------------------------------------------------------------------


def test_the_command_line(store_url, tmp_path):
    run = CliRunner().invoke
    out = tmp_path / "signings.jsonl"
    r = run(main, ["alerts", "add", "--event-type", "signing", "--file", str(out), "--db", store_url])
    assert r.exit_code == 0, r.output
    assert run(main, ["alerts", "add", "--place", "33", "--file", str(out), "--db", store_url]).exit_code == 1
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    r = run(main, ["alerts", "check", "--format", "json", "--db", store_url])
    assert r.exit_code == 0 and json.loads(r.output)["delivered"]["file"] == 2
    listed = json.loads(run(main, ["alerts", "list", "--format", "json", "--db", store_url]).output)
    assert [(w["channel"], w["alerts"], w["pending"]) for w in listed] == [("file", 2, 0)]
    down = f"http://127.0.0.1:{free_port()}/hook"
    assert run(main, ["alerts", "add", "--kind", "target", "--webhook", down, "--db", store_url]).exit_code == 0
    ingest([write(tmp_path / "more", {"t.txt": "上海发布规划\n到2030年，上海市集成电路产业规模将达到5000亿元。\n"})],
           store_url)
    r = run(main, ["alerts", "check", "--db", store_url])
    assert r.exit_code == 1 and "failed 1 (webhook 1)" in r.output
    r = run(main, ["alerts", "remove", str(listed[0]["id"]), "--db", store_url])
    assert r.exit_code == 0 and "removed watchlist" in r.output
    for command in ("add", "list", "remove", "check"):
        assert "Example:" in run(main, ["alerts", command, "--help"]).output


def test_atom_feed_and_the_watchlists_api(store_url, tmp_path):
    w = add(store_url, place="330000", file=str(tmp_path / "zj.jsonl"))
    ingest([write(tmp_path / "in", ARTICLES)], store_url)
    check(store_url)
    with TestClient(create_app(store_url)) as c:  # read-only: the feed, but no watchlists
        r = c.get(f"/api/alerts/{w['id']}.atom")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(r.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == f"yrd: {w['name']}" and feed.feed.id and feed.feed.updated
        assert len(feed.entries) == 6 and len({e.id for e in feed.entries}) == 6
        sent = {a["evidence"]["text"] for a in lines(tmp_path / "zj.jsonl")}
        assert {e.summary for e in feed.entries} == sent
        assert all("#/doc/" in e.link and e.updated for e in feed.entries)
        assert c.get("/api/alerts/999.atom").status_code == 404
        assert c.get("/api/watchlists").status_code == 404
    with TestClient(create_app(store_url, token="s3cret")) as c:
        auth = {"Authorization": "Bearer s3cret"}
        assert c.get("/api/watchlists").status_code == 401
        listed = c.get("/api/watchlists", headers=auth).json()
        assert [(x["id"], x["alerts"], x["feed"]) for x in listed] == [(w["id"], 6, f"/api/alerts/{w['id']}.atom")]
        hook = {"kind": "target", "webhook": "http://127.0.0.1:9/hook"}
        r = c.post("/api/watchlists", json=hook, headers=auth)
        assert r.status_code == 422 and "--fetch-allow" in r.json()["detail"]  # not into the server's network
        r = c.post("/api/watchlists", json={"kind": "target", "file": "/tmp/x.jsonl"}, headers=auth)
        assert r.status_code == 422  # no files on the server through the API
        assert c.post("/api/watchlists", json={"kind": "target", "email": "a@b.org"}).status_code == 401
        made = c.post("/api/watchlists", json={"kind": "target", "email": "a@b.org"}, headers=auth)
        assert made.status_code == 201 and made.json()["channel"] == "email"
        assert c.delete(f"/api/watchlists/{made.json()['id']}", headers=auth).status_code == 200
        assert c.delete(f"/api/watchlists/{made.json()['id']}", headers=auth).status_code == 404
    with TestClient(create_app(store_url, token="s3cret", fetch_allow="127.0.0.1")) as c:
        r = c.post("/api/watchlists", json=hook, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 201 and r.json()["target"] == hook["webhook"]
