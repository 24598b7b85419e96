"""Corrections that last: each kind applies to every view and count, survives a new version of the article, a
re-ingest and `yrd reextract`, is reported when its span no longer matches, and travels as a file; both backends."""
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from yrd.api import create_app
from yrd.cli import main
from yrd.ingest import ingest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
PAGE = "shifanqu_jiashan.md"
TITLE = "示范区执委会在嘉善揭牌跨域数字创新中心"


def _store(store_url, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox)
    ingest([str(inbox)], store_url)
    return inbox


def _doc(c, title=TITLE):
    hit = next(d for d in c.get("/api/documents", params={"limit": 100}).json()["items"] if d["title"].startswith(title))
    return c.get(f"/api/documents/{hit['id']}").json()


def _mention(doc, name, text=None):
    place = next(p for p in doc["places"] if p["name"] == name)
    return next(m for m in place["mentions"] if text is None or m["text"] == text)


def _cli(*args):
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 0, out.stderr
    return out


def test_reject_change_add_apply_everywhere_and_last(store_url, tmp_path):
    inbox = _store(store_url, tmp_path)
    with TestClient(create_app(store_url)) as c:
        doc = _doc(c)
        shanghai = _mention(doc, "上海市")
        before = c.get("/api/entities/310000").json()["mentions"]
        _cli("correct", "reject", doc["id"], "--kind", "place", "--span", f"{shanghai['start']}:{shanghai['end']}",
             "--why", "a test: not this mention", "--by", "tester", "--db", store_url)
        after = c.get("/api/entities/310000").json()
        assert after["mentions"] == before - 1
        assert "上海市" not in {p["name"] for p in _doc(c)["places"]} or \
            shanghai not in _doc(c)["places"][[p["name"] for p in _doc(c)["places"]].index("上海市")]["mentions"]
        # change an event's date, add a place the extractors did not find
        event = next(e for e in doc["events"] if e["type"] == "unveiling")
        _cli("correct", "change", doc["id"], "--kind", "event", "--span", f"{event['start']}:{event['end']}",
             "--set", "date=2023-03-21", "--why", "the day it was unveiled", "--db", store_url)
        changed = next(e for e in _doc(c)["events"] if e["start"] == event["start"] and e["type"] == "unveiling")
        assert changed["date"] == "2023-03-21" and changed["corrected"] == "changed"
        assert any(e["date"] == "2023-03-21" for e in c.get("/api/events", params={"limit": 500}).json()["items"])
        text = doc["text"]
        at = text.index("数字创新中心")
        _cli("correct", "add", doc["id"], "--kind", "place", "--span", f"{at}:{at + 2}", "--set", "adcode=330421",
             "--why", "a test of adding", "--db", store_url)
        added = [m for p in _doc(c)["places"] if p["name"] == "嘉善县" for m in p["mentions"]]
        assert any(m["start"] == at and m["text"] == "数字" for m in added)
        # a new version of the article (a line added at its end): every decision still applies
        path = inbox / PAGE
        path.write_text(path.read_text(encoding="utf-8") + "\n\n另悉，首批入驻企业将于下月迁入。\n", encoding="utf-8")
        ingest([str(inbox)], store_url)
        new = _doc(c)
        assert new["id"] != doc["id"]
        assert shanghai not in [m for p in new["places"] if p["name"] == "上海市" for m in p["mentions"]]
        assert any(e["date"] == "2023-03-21" for e in new["events"] if e["type"] == "unveiling")
        # and a re-extraction by the running extractors
        _cli("reextract", "--force", "--db", store_url)
        again = _doc(c)
        assert shanghai not in [m for p in again["places"] if p["name"] == "上海市" for m in p["mentions"]]
        assert any(m["start"] == at for p in again["places"] if p["name"] == "嘉善县" for m in p["mentions"])
        listed = c.get("/api/corrections").json()
        assert listed["total"] == 3 and {i["status"] for i in listed["items"]} == {"applies"}
        assert {i["who"] for i in listed["items"]} >= {"tester"}


def test_a_span_that_moved_no_longer_matches_and_is_not_guessed(store_url, tmp_path):
    inbox = _store(store_url, tmp_path)
    with TestClient(create_app(store_url)) as c:
        doc = _doc(c)
        m = _mention(doc, "上海市")
        _cli("correct", "reject", doc["id"], "--kind", "place", "--span", f"{m['start']}:{m['end']}", "--why", "test",
             "--db", store_url)
        path = inbox / PAGE
        body = path.read_text(encoding="utf-8")
        cut = body.index("---", 3) + 4  # after the front matter: a line added before the article moves every span
        path.write_text(body[:cut] + "\n（本报讯）\n" + body[cut:], encoding="utf-8")
        ingest([str(inbox)], store_url)
        assert c.get("/api/corrections").json()["items"][0]["status"] == "no longer matches"
        assert "上海市" in {p["name"] for p in _doc(c)["places"]}  # the extractor's answer, not a guess
    listed = _cli("corrections", "list", "--db", store_url)
    assert "no longer matches" in listed.stdout and "1 no longer apply" in listed.stderr


def test_merge_and_block_everywhere(store_url, tmp_path):
    _store(store_url, tmp_path)
    with TestClient(create_app(store_url)) as c:
        orgs = {o["name"] for o in c.get("/api/organizations", params={"limit": 500}).json()["items"]}
        assert "示范区执委会" in orgs
        _cli("correct", "merge", "示范区执委会", "--into", "长三角生态绿色一体化发展示范区执行委员会", "--why", "the same body",
             "--db", store_url)
        orgs = {o["name"] for o in c.get("/api/organizations", params={"limit": 500}).json()["items"]}
        assert "示范区执委会" not in orgs and "长三角生态绿色一体化发展示范区执行委员会" in orgs
        qingpu = c.get("/api/entities/310118").json()["mentions"]
        short = sum(1 for d in c.get("/api/documents", params={"limit": 100}).json()["items"]
                    for p in c.get(f"/api/documents/{d['id']}").json()["places"] if p["name"] == "青浦区"
                    for m in p["mentions"] if m["text"] == "青浦")
        assert short > 0
        _cli("correct", "block", "青浦", "--code", "310118", "--everywhere", "--why", "a test of blocking",
             "--db", store_url)
        assert c.get("/api/entities/310118").json()["mentions"] == qingpu - short


def test_corrections_travel_as_a_file(store_url, tmp_path):
    _store(store_url, tmp_path)
    with TestClient(create_app(store_url)) as c:
        doc = _doc(c)
    m = _mention(doc, "上海市")
    _cli("correct", "reject", doc["id"], "--kind", "place", "--span", f"{m['start']}:{m['end']}", "--why", "test",
         "--db", store_url)
    out = tmp_path / "team.jsonl"
    _cli("corrections", "export", "-o", str(out), "--db", store_url)
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["action"] == "reject"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    ingest([str(SAMPLES)], other)
    first = _cli("corrections", "import", str(out), "--db", other)
    assert "1 correction(s) added" in first.stderr
    assert "0 correction(s) added, 1 already here" in _cli("corrections", "import", str(out), "--db", other).stderr
    with TestClient(create_app(other)) as c:
        assert m not in [x for p in _doc(c)["places"] if p["name"] == "上海市" for x in p["mentions"]]


def test_bad_corrections_are_one_line(store_url, tmp_path):
    _store(store_url, tmp_path)
    bad = CliRunner().invoke(main, ["correct", "reject", "ffffffffffffffffffff", "--kind", "place", "--span", "1:3",
                                    "--why", "x", "--db", store_url])
    assert bad.exit_code == 1 and "no document" in bad.stderr
    assert CliRunner().invoke(main, ["correct", "reject", "x", "--kind", "place", "--span", "a-b", "--why", "x",
                                     "--db", store_url]).exit_code == 2
    with TestClient(create_app(store_url, token="t")) as c:
        assert c.post("/api/corrections", json={"action": "merge", "why": "x", "surface": "a", "into": "b"}).status_code == 401
        r = c.post("/api/corrections", json={"action": "merge", "why": "x", "surface": "a", "into": "a"},
                   headers={"Authorization": "Bearer t"})
        assert r.status_code == 422 and "two different names" in r.json()["detail"]


def test_split_a_mention_off_its_entity(store_url, tmp_path):
    _store(store_url, tmp_path)
    with TestClient(create_app(store_url)) as c:
        doc = _doc(c, "苏州发布深度融入长三角一体化实施方案")
        person = doc["people"][0]
        m = person["mentions"][0]
        before = c.get("/api/entities/" + person["name"]).json()["mentions"]
        _cli("correct", "split", doc["id"], "--kind", "person", "--span", f"{m['start']}:{m['end']}", "--into",
             person["name"] + "（另一人）", "--why", "a namesake", "--db", store_url)
        other = c.get("/api/entities/" + person["name"] + "（另一人）").json()
        assert other["mentions"] == 1
        gone = c.get("/api/entities/" + person["name"])
        assert gone.status_code == 404 or gone.json()["mentions"] == before - 1


def test_a_rejected_target_relation_and_project_leave_the_tracker_the_network_the_library_and_exports(store_url, tmp_path):
    _store(store_url, tmp_path)
    with TestClient(create_app(store_url)) as c:
        targets = c.get("/api/targets", params={"limit": 500}).json()
        target = targets["items"][0]
        doc = c.get(f"/api/documents/{target['source']['id']}").json()
        t = next(x for x in doc["targets"] if x["text"] == target["span"]["text"])
        _cli("correct", "reject", doc["id"], "--kind", "target", "--span", f"{t['start']}:{t['end']}", "--why", "test",
             "--db", store_url)
        assert c.get("/api/targets", params={"limit": 500}).json()["total"] == targets["total"] - 1
        csv = c.get("/api/export", params={"format": "csv", "table": "targets"}).text
        assert t["text"] not in csv
        net = c.get("/api/relations").json()
        edges = sum(e["weight"] if "weight" in e else len(e.get("documents", [])) for e in net["edges"])
        rel_doc = next(d for d in (c.get(f"/api/documents/{i['id']}").json()
                                   for i in c.get("/api/documents", params={"limit": 100}).json()["items"])
                       if d["relations"])
        for r in rel_doc["relations"]:
            _cli("correct", "reject", rel_doc["id"], "--kind", "relation", "--span", f"{r['start']}:{r['end']}",
                 "--why", "test", "--db", store_url)
        after = c.get("/api/relations").json()
        assert sum(e["weight"] if "weight" in e else len(e.get("documents", [])) for e in after["edges"]) < edges
        projects = c.get("/api/projects", params={"limit": 500}).json()
        name = projects["items"][0]["name"]
        for item in c.get("/api/documents", params={"limit": 100}).json()["items"]:
            for p in c.get(f"/api/documents/{item['id']}").json()["projects"]:
                if p["name"] == name:
                    _cli("correct", "reject", item["id"], "--kind", "project", "--span", f"{p['start']}:{p['end']}",
                         "--why", "test", "--db", store_url)
        assert name not in {p["name"] for p in c.get("/api/projects", params={"limit": 500}).json()["items"]}


def test_as_of_a_day_before_a_correction_the_facts_are_as_they_were(store_url, tmp_path):
    import time
    from datetime import datetime, timezone

    _store(store_url, tmp_path)
    time.sleep(0.05)
    before_it = datetime.now(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
    time.sleep(0.05)
    with TestClient(create_app(store_url)) as c:
        doc = _doc(c)
        m = _mention(doc, "上海市")
        mentions = c.get("/api/entities/310000").json()["mentions"]
        _cli("correct", "reject", doc["id"], "--kind", "place", "--span", f"{m['start']}:{m['end']}",
             "--why", "test", "--db", store_url)
        assert c.get("/api/entities/310000").json()["mentions"] == mentions - 1
        assert c.get("/api/entities/310000", params={"as_of": before_it}).json()["mentions"] == mentions
        then = c.get(f"/api/documents/{doc['id']}", params={"as_of": before_it}).json()
        assert m in [x for p in then["places"] if p["name"] == "上海市" for x in p["mentions"]]
        assert c.get("/api/stats").json()["documents"] == c.get("/api/stats", params={"as_of": before_it}).json()["documents"]
        # withdrawn: the fact is back, and as of the time the correction stood it is gone
        while_it_stood = datetime.now(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
        time.sleep(0.05)
        cid = c.get("/api/corrections").json()["items"][0]["id"]
        _cli("corrections", "remove", str(cid), "--db", store_url)
        assert c.get("/api/entities/310000").json()["mentions"] == mentions
        assert c.get("/api/entities/310000", params={"as_of": while_it_stood}).json()["mentions"] == mentions - 1
