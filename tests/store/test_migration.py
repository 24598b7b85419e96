"""A store made by the first release (schema 0001) is converted in place by 0002, on both backends: the same
documents, texts, facts and answers as a store ingested afresh."""
import json
import zlib
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from yrd.ingest import ingest
from yrd.pipeline import Failure, run
from yrd.store import make_engine
from yrd.store import query as Q
from yrd.store.db import MIGRATIONS
from yrd.store.rows import doc_key, pub_date
from yrd.upgrade import open_store

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"


def _upgrade(engine, revision):
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _v1_store(url):
    """The samples, stored as release 1 stored them (a row per document with its JSON fact sheet)."""
    engine = make_engine(url)
    _upgrade(engine, "0001")
    docs = [d for d in run([str(SAMPLES)]) if not isinstance(d, Failure)]
    with engine.begin() as conn:
        for i, d in enumerate(docs):
            conn.execute(sa.text(
                "INSERT INTO documents (id, key, version, is_current, source_path, source_url, format, publisher, "
                "author, title, published_at, published_date, script, text, original_text, raw, encoding, "
                "duplicate_of, similarity, factsheet, ingested_at) VALUES (:id, :key, 1, :cur, :path, :url, :format, "
                ":publisher, :author, :title, :published_at, :published_date, :script, :text, :original_text, :raw, "
                ":encoding, NULL, NULL, :factsheet, :at)"),
                dict(id=d.id, key=doc_key(d), cur=True, path=d.source.path, url=d.source.url, format=d.source.format,
                     publisher=d.source.publisher, author=d.source.author, title=d.title, published_at=d.published_at,
                     published_date=pub_date(d.published_at), script=d.script, text=d.text,
                     original_text=d.original_text if d.original_text != d.text else None, raw=zlib.compress(d.raw, 6),
                     encoding=d.encoding, factsheet=json.dumps(d.factsheet(), ensure_ascii=False),
                     at=datetime(2026, 11, 22, 12, 0, i)))
    return engine


def _answers(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        stats = Q.stats(conn)
        docs = Q.list_documents(conn, Q.Filters(), limit=100)
        total, found = Q.search(conn, "马鞍山", Q.Filters())
        hits = total, [(h["id"], h["snippet"]) for h in found]  # (scores differ between the backends)
        sheets = {d["id"]: Q.get_document(conn, d["id"]) for d in docs[1]}
        places = Q.places(conn, Q.Filters())
        net = Q.network(conn, Q.Filters())
    engine.dispose()
    for s in sheets.values():
        s.pop("copies"), s.pop("version"), s.pop("is_current")
    return stats, docs, hits, sheets, places, len(net["edges"])


def test_a_first_release_store_is_converted(store_url, tmp_path):
    engine = _v1_store(store_url)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM documents")) == 11
    engine.dispose()
    open_store(store_url).dispose()  # what opening the store with this release does
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    ingest([str(SAMPLES)], fresh)
    converted, expected = _answers(store_url), _answers(fresh)
    assert converted[0] == expected[0]  # counts: documents, duplicates, facts by kind, entities, publishers
    assert converted[1] == expected[1]  # the same documents, in the same order, with their copies
    assert converted[2] == expected[2]  # the same search hits
    assert converted[3] == expected[3]  # every fact sheet, text and facts, identical
    assert converted[4] == expected[4] and converted[5] == expected[5]
    open_store(store_url).dispose()  # and again: nothing to do
