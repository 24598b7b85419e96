"""As of a date: a store ingested in three steps answers, as of each step, what it held then — documents stored by
then, the versions current then, copies as they stood — on every list, count and view, on both backends."""
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from yrd.api import create_app
from yrd.cli import main
from yrd.ingest import ingest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
FIRST = ["husuhu_railway.html", "suzhou_plan.html", "g60_ai_alliance.md"]
SECOND = ["nanjing_maanshan.md", "shifanqu_jiashan.md", "nanjing_maanshan_fanti.txt"]


def _now():
    time.sleep(0.05)
    at = datetime.now(timezone.utc).replace(tzinfo=None)
    time.sleep(0.05)
    return at.isoformat() + "Z"


@pytest.fixture
def three_steps(store_url, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in FIRST:
        shutil.copy(SAMPLES / name, inbox / name)
    ingest([str(inbox)], store_url)
    t1 = _now()
    for name in SECOND:
        shutil.copy(SAMPLES / name, inbox / name)
    page = (inbox / "suzhou_plan.html").read_text(encoding="utf-8")
    last = page.rindex("</p>")
    (inbox / "suzhou_plan.html").write_text(page[:last] + "。苏州市另将新建一批协同创新平台" + page[last:], encoding="utf-8")
    ingest([str(inbox)], store_url)  # the second step: three new inputs and a corrected article (a new version)
    t2 = _now()
    for path in SAMPLES.iterdir():
        shutil.copy(path, inbox / path.name)
    ingest([str(inbox)], store_url)
    t3 = _now()
    return store_url, (t1, t2, t3)


def test_every_view_as_of_each_step(three_steps):
    url, (t1, t2, t3) = three_steps
    with TestClient(create_app(url)) as c:
        def total(path, **params):
            return c.get(path, params=params).json()["total"]

        docs = [total("/api/documents", as_of=t) for t in (t1, t2, t3)]
        assert docs[0] == 3 and docs[0] < docs[1] < docs[2] == total("/api/documents")
        # the corrected article: its first version as of the first step, its second after
        first = c.get("/api/search", params={"q": "协同创新平台", "as_of": t1}).json()
        second = c.get("/api/search", params={"q": "协同创新平台", "as_of": t2}).json()
        assert first["total"] == 0 and second["total"] == 1
        assert c.get("/api/search", params={"q": "马鞍山", "as_of": t1}).json()["total"] == 0
        assert c.get("/api/search", params={"q": "马鞍山", "as_of": t2}).json()["total"] >= 1
        # stats, lists and views: the last step's answer is the present's
        stats = [c.get("/api/stats", params={"as_of": t}).json() for t in (t1, t2, t3)]
        present = c.get("/api/stats").json()
        assert [s["documents"] for s in stats] == docs
        assert stats[2]["documents"] == present["documents"] and stats[2]["duplicates"] == present["duplicates"]
        assert stats[1]["old_versions"] == 1 and stats[0]["old_versions"] == 0
        for path in ("/api/projects", "/api/events", "/api/targets", "/api/portfolios"):
            counts = [total(path, as_of=t) for t in (t1, t2, t3)]
            assert counts[0] <= counts[1] <= counts[2] == total(path), (path, counts)
            assert counts[0] < counts[2], path
        net = [c.get("/api/relations", params={"as_of": t}).json() for t in (t1, t3)]
        assert len(net[0]["edges"]) < len(net[1]["edges"])
        assert {(e["source"], e["target"], e["type"]) for e in net[1]["edges"]} == \
            {(e["source"], e["target"], e["type"]) for e in c.get("/api/relations").json()["edges"]}
        # a place's page as of each step: 马鞍山 (340500) is not in the first
        assert c.get("/api/entities/340500", params={"as_of": t1}).json()["document_count"] == 0
        assert c.get("/api/entities/340500", params={"as_of": t3}).json()["document_count"] >= 1
        assert total("/api/documents", place="340500", as_of=t1) == 0
        assert total("/api/documents", place="340500", as_of=t3) == total("/api/documents", place="340500")
        assert c.get("/api/documents", params={"as_of": "yesterday"}).status_code == 422
        # one document as of each step: the version current then, or none
        hit = c.get("/api/search", params={"q": "协同创新平台"}).json()["items"][0]
        now = c.get(f"/api/documents/{hit['id']}").json()
        then = c.get(f"/api/documents/{hit['id']}", params={"as_of": t1}).json()
        assert now["version"] == 2 and then["version"] == 1 and "协同创新平台" not in then["text"]
        late = c.get("/api/search", params={"q": "马鞍山"}).json()["items"][0]["id"]
        assert c.get(f"/api/documents/{late}", params={"as_of": t1}).status_code == 404


def test_the_cli_as_of(three_steps):
    url, (t1, t2, t3) = three_steps
    runner = CliRunner()
    out = runner.invoke(main, ["stats", "--as-of", t1, "--db", url])
    assert out.exit_code == 0 and '"documents": 3' in out.stdout
    projects = runner.invoke(main, ["projects", "--as-of", t1, "--format", "jsonl", "--db", url])
    later = runner.invoke(main, ["projects", "--as-of", t3, "--format", "jsonl", "--db", url])
    assert projects.exit_code == 0 and len(projects.stdout.splitlines()) < len(later.stdout.splitlines())
    bad = runner.invoke(main, ["projects", "--as-of", "soon", "--db", url])
    assert bad.exit_code == 2 and "--as-of" in bad.stderr
