"""Every fact carries its confidence (a score and the evidence behind it) and the extractor's version; the
review queue puts the facts that feed views first, the least certain first."""
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yrd.api import create_app
from yrd.extract.confidence import version
from yrd.ingest import ingest
from yrd.model import Document, Source
from yrd.pipeline import STEPS, finish, run

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
KINDS = ("places", "people", "organizations", "amounts", "targets", "events", "relations", "projects", "portfolios")


def _doc(text, published="2026-11-30T09:30:00+08:00"):
    out = finish(Document("t", Source(), "t", published, "zh-Hans", text), STEPS)
    assert isinstance(out, Document), out
    return out


def test_every_fact_of_every_sample_has_a_confidence_and_the_extractors_version():
    seen = 0
    for doc in run([str(SAMPLES)], steps=STEPS):
        for kind in KINDS:
            for fact in getattr(doc, kind):
                c = fact["confidence"]
                assert 0 < c["score"] < 1 and c["because"] and all(isinstance(b, str) for b in c["because"]), fact
                assert fact["extractor"] == version()
                seen += 1
    assert seen > 200
    assert version().startswith("0.") and "+" in version()


def test_the_evidence_orders_the_scores():
    doc = _doc("嘉兴市与上海市签署战略合作协议。嘉兴市将加强合作。6月3日，湖州举行项目签约仪式。")
    by_name = {p["name"]: p["confidence"] for p in doc.places}
    assert "full name" in by_name["嘉兴市"]["because"] and "corroborated" in by_name["嘉兴市"]["because"]
    assert "short name" in by_name["湖州市"]["because"]
    assert by_name["嘉兴市"]["score"] > by_name["湖州市"]["score"]
    stated = [e for e in doc.events if e["date_from"] == "stated"]
    assert stated and "date stated" in stated[0]["confidence"]["because"]
    undated = _doc("湖州举行项目签约仪式，多家企业参加。")
    assert all(e["confidence"]["score"] < stated[0]["confidence"]["score"] for e in undated.events)


def test_the_review_queue_orders_by_impact_then_doubt(store_url):
    ingest([str(SAMPLES)], store_url)
    with TestClient(create_app(store_url)) as c:
        page = c.get("/api/review", params={"limit": 500}).json()
        assert page["total"] == len(page["items"]) > 50
        order = ("project", "target", "relation", "event", "portfolio", "amount", "person")
        ranks = [order.index(i["kind"]) for i in page["items"]]
        assert ranks == sorted(ranks)
        for kind in order:
            scores = [i["confidence"] for i in page["items"] if i["kind"] == kind]
            assert scores == sorted(scores), kind
        first = page["items"][0]
        assert first["because"] and first["extractor"] and first["source"]["title"]
        assert first["span"]["text"]
        only = c.get("/api/review", params={"only": "target"}).json()
        assert only["total"] > 0 and {i["kind"] for i in only["items"]} == {"target"}
        assert c.get("/api/review", params={"only": "wedding"}).status_code == 422


@pytest.mark.parametrize("kind", ["target"])
def test_the_cli_review(kind, tmp_path):
    from click.testing import CliRunner

    from yrd.cli import main

    db = f"sqlite:///{tmp_path / 'kb.db'}"
    ingest([str(SAMPLES)], db)
    out = CliRunner().invoke(main, ["review", "--only", kind, "--format", "table", "--limit", "3", "--db", db])
    assert out.exit_code == 0 and "confidence" in out.stdout and "facts to review shown" in out.stderr
