"""``yrd reextract`` on both backends: a store an older extractor made ends up as a fresh ingest with the running
extractors would make it, table by table; nothing changes when nothing changed; ``--kind`` replaces one kind;
a run killed half-way and run again gives what an uninterrupted one gives."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fastapi.testclient import TestClient

import yrd.extract.pipeline as extract_pipeline
from yrd.api import create_app
from yrd.cli import main
from yrd.extract import confidence
from yrd.ingest import ingest
from yrd.reextract import reextract
from yrd.store import make_engine
from yrd.store.rows import KIND_BITS, decompress
from yrd.store.schema import counters, doc_entities, doc_places, documents, edge_docs, edges, entities, facts, links

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
FACT = [c for c in facts.c if c.name not in ("id", "doc_num", "entity_id")]


def snapshot(url: str) -> dict:
    """Every table re-extraction may touch, in terms that do not depend on row ids (entities by kind and key,
    facts by document and position, documents by id), and the tables it must not touch, counted."""
    engine = make_engine(url)
    out = {}
    with engine.connect() as conn:
        doc_of = dict(conn.execute(sa.select(documents.c.num, documents.c.id)).all())
        key_of = {r.id: (r.kind, r.key) for r in conn.execute(sa.select(entities.c.id, entities.c.kind, entities.c.key))}
        out["documents"] = {
            r.id: {**{k: v for k, v in r._mapping.items() if k not in ("ingested_at", "raw", "sheet")},
                   "sheet": json.loads(decompress(r.sheet)), "raw": len(r.raw or b"")}
            for r in conn.execute(sa.select(documents))}
        per_doc: dict[str, list] = {}
        position = {}
        for r in conn.execute(sa.select(facts).order_by(facts.c.id)):
            rows = per_doc.setdefault(doc_of[r.doc_num], [])
            position[r.id] = (doc_of[r.doc_num], len(rows))
            rows.append((*(r._mapping[c.name] for c in FACT), key_of.get(r.entity_id)))
        out["facts"] = per_doc
        out["links"] = sorted((position[r.fact_id], key_of[r.entity_id], r.role, doc_of[r.doc_num], r.day)
                              for r in conn.execute(sa.select(links)))
        out["entities"] = sorted((r.kind, r.key, r.name, r.subkind, r.code, r.parent, r.lat, r.lon, r.scope,
                                  json.loads(r.aliases), r.documents, r.mentions)
                                 for r in conn.execute(sa.select(entities)))
        out["doc_places"] = sorted((r.code, doc_of[r.doc_num]) for r in conn.execute(sa.select(doc_places)))
        out["doc_entities"] = sorted((key_of[r.entity_id], doc_of[r.doc_num])
                                     for r in conn.execute(sa.select(doc_entities)))
        # (an edge's two ends are stored lower id first: which is which depends on the order entities were made)
        def pair(r):
            return tuple(sorted((key_of[r.a], key_of[r.b])))

        out["edges"] = sorted((*pair(r), r.type, r.count, r.last_date, r.topics) for r in conn.execute(sa.select(edges)))
        out["edge_docs"] = sorted((*pair(r), r.type, doc_of[r.doc_num]) for r in conn.execute(sa.select(edge_docs)))
        out["counters"] = dict(conn.execute(sa.select(counters.c.name, counters.c.value).where(counters.c.value != 0)).all())
        for table in ("minhash", "lsh_bands"):
            out[table] = conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))
        out["search"] = conn.scalar(sa.text("SELECT count(*) FROM search_fts" if conn.dialect.name == "sqlite"
                                            else "SELECT count(*) FROM search_index"))
    engine.dispose()
    return out


def _older_extractor(monkeypatch, drop=("place", "relation")):
    """The extractors of an older release: they found no places and no relations (the kinds in ``drop``)."""
    monkeypatch.setattr(confidence, "version", lambda: "older")
    if "place" in drop:
        monkeypatch.setattr(extract_pipeline, "find_places", lambda text, publisher, lines: [])
    if "relation" in drop:
        monkeypatch.setattr(extract_pipeline, "find_relations", lambda ctx: [])


def _older_store(url, monkeypatch, drop=("place", "relation")):
    with monkeypatch.context() as m:
        _older_extractor(m, drop)
        ingest([str(SAMPLES)], url)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The samples as the running extractors store them (SQLite: snapshots compare across backends)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'fresh.db'}"
    ingest([str(SAMPLES)], url)
    return url


@pytest.fixture(scope="module")
def older(tmp_path_factory):
    """The samples as the older extractors stored them."""
    url = f"sqlite:///{tmp_path_factory.mktemp('older') / 'older.db'}"
    with pytest.MonkeyPatch.context() as m:
        _older_store(url, m)
    return url


def test_nothing_changed_nothing_written(store_url, fresh):
    ingest([str(SAMPLES)], store_url)
    before = snapshot(store_url)
    assert before == snapshot(fresh)
    report = reextract(store_url, force=True)
    assert report.looked == 11 and report.changed == report.rewritten == 0 and not report.failed
    assert not report.kinds and "no fact changed" in report.lines()
    assert snapshot(store_url) == before
    assert reextract(store_url).looked == 0  # every document is at the running extractors' version already


def test_an_older_extractors_store_becomes_a_fresh_ingest(store_url, fresh, monkeypatch):
    _older_store(store_url, monkeypatch)
    older = snapshot(store_url)
    assert not any(f[0] in ("place", "relation") for rows in older["facts"].values() for f in rows)
    assert not older["edges"] and not older["doc_places"]

    dry = reextract(store_url, dry_run=True)
    assert snapshot(store_url) == older  # a dry run writes nothing …
    report = reextract(store_url)
    assert dry.as_dict() | {"seconds": 0} == report.as_dict() | {"seconds": 0, "dry_run": True}  # … and tells the same
    assert report.looked == 11 and report.changed == 11 and not report.failed
    place, relation = report.kinds["place"], report.kinds["relation"]
    assert place.added > 0 and place.removed == 0 and relation.added > 0
    assert len(place.examples["added"]) == 3 and all("→" in e and "《" in e for e in place.examples["added"])
    assert place.added == sum(f[0] == "place" for rows in snapshot(fresh)["facts"].values() for f in rows)

    assert snapshot(store_url) == snapshot(fresh)
    again = reextract(store_url, force=True)  # and it holds: a second pass finds nothing to change
    assert again.changed == again.rewritten == 0
    assert snapshot(store_url) == snapshot(fresh)


def test_a_new_version_that_finds_the_same_restamps_the_facts(store_url, fresh, monkeypatch):
    _older_store(store_url, monkeypatch, drop=())
    older = snapshot(store_url)
    data = [c.name for c in FACT].index("data")
    assert any('"extractor":"older"' in f[data] for rows in older["facts"].values() for f in rows)
    report = reextract(store_url)
    assert report.changed == 0 and report.rewritten == 11 and not report.kinds and "no fact changed" in report.lines()
    mine = snapshot(store_url)
    assert mine == snapshot(fresh)
    assert mine["facts"].keys() == older["facts"].keys()
    engine = make_engine(store_url)
    with engine.connect() as conn:  # restamped where they are: the fact rows keep their ids
        assert conn.scalar(sa.select(sa.func.max(facts.c.id))) == sum(len(v) for v in older["facts"].values())
    engine.dispose()


def test_an_extractor_that_finds_less_removes_facts_entities_and_edges(store_url, older, monkeypatch):
    """The other way round: the running extractors are the older ones' (facts, entities and edges to remove)."""
    ingest([str(SAMPLES)], store_url)
    with monkeypatch.context() as m:
        _older_extractor(m)
        report = reextract(store_url, force=True)
        assert report.kinds["place"].removed > 0 and report.kinds["relation"].removed > 0
        assert report.kinds["place"].added == 0
    mine, theirs = snapshot(store_url), snapshot(older)
    # the versions recorded differ ("older" for the older store's ingest too): everything else is the same
    assert {d: r | {"extractor": None} for d, r in mine["documents"].items()} == \
        {d: r | {"extractor": None} for d, r in theirs["documents"].items()}
    for table in mine:
        if table != "documents":
            assert mine[table] == theirs[table], table


def test_kind_replaces_that_kind_only(store_url, fresh, monkeypatch):
    _older_store(store_url, monkeypatch)
    engine = make_engine(store_url)
    with engine.connect() as conn:
        others = conn.execute(sa.select(facts).where(facts.c.kind != "relation").order_by(facts.c.id)).all()
    report = reextract(store_url, ["relation"])
    assert set(report.kinds) >= {"relation"} and report.kinds["relation"].added > 0
    assert "place" not in report.kinds
    with engine.connect() as conn:
        # the facts of the other kinds are as they were, ids and all, where a document's relations did not change
        changed = {r.num for r in conn.execute(sa.select(documents.c.num).where(documents.c.kinds.op("&")(KIND_BITS["relation"]) != 0))}
        kept = conn.execute(sa.select(facts).where(facts.c.kind != "relation").order_by(facts.c.id)).all()
        assert [r for r in kept if r.doc_num not in changed] == [r for r in others if r.doc_num not in changed]
        def content(rows):
            return sorted((*(r._mapping[c.name] for c in FACT), r.doc_num) for r in rows)

        assert content(kept) == content(others)  # and everywhere by content
        # the documents are not marked as done: their places are still the older extractor's
        assert set(conn.scalars(sa.select(documents.c.extractor))) == {"older"}
    engine.dispose()
    fresh_relations = [f for rows in snapshot(fresh)["facts"].values() for f in rows if f[0] == "relation"]
    mine = [f for rows in snapshot(store_url)["facts"].values() for f in rows if f[0] == "relation"]
    assert sorted(map(repr, mine)) == sorted(map(repr, fresh_relations))
    reextract(store_url)  # the rest of the way
    assert snapshot(store_url) == snapshot(fresh)


_KILLED = """
import os, sys
import yrd.store.replace as replace
from yrd.reextract import reextract

real = replace.replace
calls = []
def dying(conn, batch):
    real(conn, batch)
    calls.append(1)
    if len(calls) == 2:
        os._exit(9)  # as a SIGKILL would: the batch's transaction is not committed
import yrd.reextract
yrd.reextract.write = dying
reextract(sys.argv[1], batch_size=3)
"""


def test_killed_half_way_then_run_again(store_url, tmp_path, monkeypatch):
    _older_store(store_url, monkeypatch)
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    _older_store(reference, monkeypatch)
    reextract(reference, batch_size=3)

    killed = subprocess.run([sys.executable, "-c", _KILLED, store_url], capture_output=True, text=True, timeout=300,
                            check=False)
    assert killed.returncode == 9, killed.stderr
    engine = make_engine(store_url)
    with engine.connect() as conn:
        done = sorted(r for r in conn.scalars(sa.select(documents.c.extractor).where(documents.c.is_current)))
    engine.dispose()
    assert done.count("older") == 11 - 3  # one batch committed, the second lost with the process

    report = reextract(store_url, batch_size=3)
    assert report.looked == 8 and report.current == 3
    assert snapshot(store_url) == snapshot(reference)


def _views(url: str) -> dict:
    """What the API and the command line show of the projects, the network, the targets and the totals."""
    out = {}
    with TestClient(create_app(url)) as client:
        for path in ("/api/stats", "/api/projects?limit=500", "/api/relations", "/api/places", "/api/targets",
                     "/api/events?limit=500", "/api/organizations?limit=500"):
            out[path] = client.get(path).json()
        out["documents"] = {d["id"]: client.get(f"/api/documents/{d['id']}").json()
                            for d in client.get("/api/documents", params={"include_duplicates": "true"}).json()["items"]}
    runner = CliRunner()
    for args in (["stats"], ["projects", "--format", "jsonl"], ["network", "--format", "json"],
                 ["targets", "--format", "jsonl"]):
        result = runner.invoke(main, [*args, "--db", url])
        assert result.exit_code == 0, result.output
        lines = [line for line in result.output.splitlines() if not line.startswith("yrd:")]
        out[" ".join(args)] = json.loads("\n".join(lines)) if args[-1] == "json" or args == ["stats"] else \
            [json.loads(line) for line in lines]
    return _without_ids(out)


def _without_ids(view):
    """A view without the ids of entities and fact rows, which differ between stores; lists of records sorted
    (where two records tie, a view orders them by id); the network's edges by their ends' names."""
    if isinstance(view, dict):
        if "nodes" in view and "edges" in view:
            name = {n["id"]: n["name"] for n in view["nodes"]}
            for e in view["edges"]:
                e["source"], e["target"] = sorted((name[e["source"]], name[e["target"]]))
        return {k: 0 if k in ("id", "fact_id", "entity_id") and isinstance(v, int) else _without_ids(v)
                for k, v in view.items()}
    if isinstance(view, list):
        items = [_without_ids(v) for v in view]
        if items and all(isinstance(v, dict) for v in items):
            items.sort(key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        return items
    return re.sub(r"e:\d+", "e:0", view) if isinstance(view, str) else view


def test_views_after_reextract_are_a_fresh_ingests(store_url, fresh, monkeypatch):
    _older_store(store_url, monkeypatch)
    reextract(store_url)
    assert _views(store_url) == _views(fresh)


def test_the_command(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    _older_store(url, monkeypatch, drop=("relation",))
    runner = CliRunner()
    dry = runner.invoke(main, ["reextract", "--db", url, "--dry-run", "--kind", "relation,event"])
    assert dry.exit_code == 0, dry.output
    assert "would re-extract 11 document(s)" in dry.output and "dry run: nothing was written" in dry.output
    assert re.search(r"relation: [1-9]\d* added, 0 removed, 0 changed", dry.output)
    assert "《" in dry.output.split("relation:", 1)[1]
    bad = runner.invoke(main, ["reextract", "--db", url, "--kind", "weather"])
    assert bad.exit_code != 0 and "weather" in bad.output and "place" in bad.output
    done = runner.invoke(main, ["reextract", "--db", url, "--format", "json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["documents"] == 11 and report["facts"]["relation"]["added"] > 0 and not report["dry_run"]
    again = runner.invoke(main, ["reextract", "--db", url])
    assert "0 document(s)" in again.output and "11 already current" in again.output
