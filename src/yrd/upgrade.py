"""Opening a store from the front doors (CLI, API, ingest): the schema brought up to date, and a first-release
store's documents replayed through this release's finishing steps and writer.

The store knows nothing of the pipeline; this module, above both, hands the store the replay it needs.
"""
from __future__ import annotations

import json
import zlib

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Engine

from .model import Document, Source
from .store import make_engine, migrate


def replay_v1(conn: Connection, table: str) -> None:
    """Every document a first-release store held, in ingestion order, through the link, sign and index steps
    and this release's writer (200 at a time): the same ids, texts, facts and versions."""
    from .pipeline import INDEX, LINK, SIGN, Failure, finish
    from .store.rows import rows
    from .store.write import write_batch

    order = [r[0] for r in conn.execute(text(f"SELECT id FROM {table} ORDER BY ingested_at, version, id"))]
    for i in range(0, len(order), 200):
        ids = order[i:i + 200]
        found = {r["id"]: r for r in conn.execute(text(
            f"SELECT id, source_path, source_url, format, publisher, author, title, published_at, script, text, "
            f"original_text, raw, encoding, factsheet FROM {table} WHERE id IN :ids")
            .bindparams(bindparam("ids", expanding=True)), {"ids": ids}).mappings()}
        batch = []
        for doc_id in ids:
            r = found[doc_id]
            sheet = json.loads(r["factsheet"])
            doc = Document(
                id=r["id"], source=Source(r["source_path"], r["source_url"], r["format"], r["publisher"], r["author"]),
                title=r["title"], published_at=r["published_at"], script=r["script"], text=r["text"],
                original_text=r["original_text"] or r["text"], raw=zlib.decompress(r["raw"]) if r["raw"] else b"",
                encoding=r["encoding"] or "utf-8", meta=sheet.get("meta") or {},
                places=sheet.get("places", []), people=sheet.get("people", []),
                organizations=sheet.get("organizations", []), amounts=sheet.get("amounts", []),
                targets=sheet.get("targets", []), events=sheet.get("events", []), relations=sheet.get("relations", []))
            done = finish(doc, (LINK, SIGN, INDEX))
            if isinstance(done, Failure):
                raise RuntimeError(str(done))
            batch.append(rows(done))
        write_batch(conn, batch)


def open_store(url: str, writer: bool = False) -> Engine:
    """An engine for the store at ``url``, its schema up to date (YrdError says why a store cannot be opened)."""
    engine = make_engine(url, writer=writer)
    migrate(engine, replay=replay_v1)
    return engine
