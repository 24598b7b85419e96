"""``yrd ingest``: read, clean, extract, deduplicate and store, in parallel workers and transactional batches.

How to run (processes, batches) is kept apart from what to run (the pipeline):
workers read, clean, extract and prepare documents (signature, buckets, rows);
one writer stores them, a batch per transaction, so a killed ingest loses at
most the batch in flight and the same command resumes it. Memory does not grow
with the store: whether an input is already stored is asked of the store
itself (an indexed lookup by id), never of a set held in memory.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from .errors import InputError
from .pipeline import Failure, Known, reason_kind, run
from .read import ReadOptions
from .read.inputs import iter_paths
from .store.db import make_engine, migrate
from .store.schema import documents, ingest_log
from .store.write import Prepared, prepare, write_batch


@dataclass
class Summary:
    inputs: int = 0
    documents: int = 0
    new: int = 0
    unchanged: int = 0
    duplicates: int = 0
    versions: int = 0
    failed: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"inputs": self.inputs, "documents read": self.documents, "new": self.new,
                "unchanged": self.unchanged, "duplicates": self.duplicates, "new versions": self.versions,
                "failed": dict(self.failed)}

    def lines(self) -> list[str]:
        out = [f"read {self.inputs} input(s), {self.documents} document(s): {self.new} new "
               f"({self.duplicates} duplicate(s) of stored articles, {self.versions} new version(s)), "
               f"{self.unchanged} already stored"]
        if self.failed:
            out.append("failed: " + ", ".join(f"{n} {reason}" for reason, n in self.failed.most_common()))
        return out


class StoredIds:
    """``id in stored``: is a document with this id in the store? One indexed lookup, in any process (each
    process opens its own connection; nothing is held in memory)."""

    def __init__(self, url: str | None):
        self.url = url
        self._conn = None
        self._pid = None

    def __contains__(self, doc_id: object) -> bool:
        if not self.url or not isinstance(doc_id, str):
            return False
        if self._conn is None or self._pid != os.getpid():  # not a connection inherited across a fork
            self._conn = make_engine(self.url).connect()
            self._pid = os.getpid()
        try:
            return self._conn.scalar(_STORED_ID, {"id": doc_id}) is not None
        finally:
            self._conn.rollback()  # hold no snapshot between lookups

    def __getstate__(self):
        return {"url": self.url}

    def __setstate__(self, state):
        self.url, self._conn, self._pid = state["url"], None, None


_STORED_ID = select(documents.c.id).where(documents.c.id == bindparam("id"))


def process_target(target: str, max_bytes: int, stored: StoredIds | None = None) -> list[Prepared | Failure | Known]:
    """Everything one input holds, ready to store (runs in a worker process)."""
    out: list[Prepared | Failure | Known] = []
    for item in run([target], ReadOptions(max_bytes=max_bytes), known=stored):
        out.append(item if isinstance(item, (Failure, Known)) else prepare(item))
    return out


_STORED: StoredIds | None = None  # the store's ids, for the worker processes (set before the pool starts)


def _worker(args: tuple[str, int]) -> list[Prepared | Failure | Known]:
    return process_target(args[0], args[1], _STORED)


def count_inputs(paths: Iterable[str]) -> int:
    return sum(1 for _ in iter_paths(paths))


def _results(paths: list[str], workers: int, max_bytes: int, stored: StoredIds) -> Iterator[tuple[str | InputError, list]]:
    targets = iter_paths(paths)
    if workers <= 1:
        for t in targets:
            yield t, ([] if isinstance(t, InputError) else process_target(t, max_bytes, stored))
        return
    global _STORED
    _STORED = stored
    # fork: workers share the loaded gazetteer copy-on-write
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(stored,)) as pool:
        while True:
            chunk = list(islice(targets, 64 * workers))  # bounded: a 10 GB directory never sits in memory
            if not chunk:
                break
            jobs = [(t, max_bytes) for t in chunk if not isinstance(t, InputError)]
            done = iter(pool.imap(_worker, jobs, chunksize=2))
            for t in chunk:
                yield t, ([] if isinstance(t, InputError) else next(done))


def _init_worker(stored: StoredIds) -> None:
    global _STORED
    _STORED = stored


def _warm_up() -> None:
    """Load the gazetteer and lexicons once, before workers fork, so they share them."""
    from .extract.pipeline import extract_all
    from .model import Document, Source

    extract_all(Document("warm-up", Source(), "", None, "zh-Hans", "上海市。"))


def ingest(paths: list[str], url: str, workers: int = 1, batch_size: int = 100, max_bytes: int = 50 * 2**20,
           progress=None, on_failure=None, source=None) -> Summary:
    """Ingest every article under ``paths`` into the store at ``url``; returns the summary.

    ``source(paths, stored, max_bytes)`` may replace the local worker pool (the Ray backfill does): it yields
    ``(target, items)`` in input order, where items are what :func:`process_target` returns, and ``stored``
    answers whether an id is already in the store.
    """
    engine = make_engine(url)
    migrate(engine)
    summary = Summary()
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        log_id = conn.execute(insert(ingest_log).values(started_at=started, command=json.dumps(paths, ensure_ascii=False))
                              ).inserted_primary_key[0]
    engine.dispose()  # no pooled connection crosses into the forked workers
    stored = StoredIds(url)
    if workers > 1 and source is None:
        _warm_up()
    batch: list[Prepared] = []

    def add(r):
        summary.new += r.new
        summary.unchanged += r.unchanged
        summary.duplicates += r.duplicates
        summary.versions += r.versions

    def flush():
        if not batch:
            return
        try:
            with engine.begin() as conn:
                add(write_batch(conn, batch))
        except SQLAlchemyError:
            # one document the database refuses must not cost the batch: store them one by one
            for item in batch:
                try:
                    with engine.begin() as conn:
                        add(write_batch(conn, [item]))
                except SQLAlchemyError as exc:
                    where = item.doc.source.path or item.doc.source.url or item.doc.id
                    reason = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0][:160]
                    failure = Failure(where, "store", f"the database refused it ({reason}); please report this input")
                    summary.failed["store: refused"] += 1
                    summary.failures.append(failure)
                    if on_failure:
                        on_failure(failure)
        batch.clear()

    results = source(paths, stored, max_bytes) if source else _results(paths, workers, max_bytes, stored)
    for target, items in results:
        summary.inputs += 1
        if isinstance(target, InputError):
            items = [Failure(target.where, "read", target.reason)]
        for item in items:
            if isinstance(item, Known):
                summary.documents += 1
                summary.unchanged += 1
                continue
            if isinstance(item, Failure):
                summary.failed[f"{item.stage}: {reason_kind(item.reason)}"] += 1
                summary.failures.append(item)
                if on_failure:
                    on_failure(item)
                continue
            summary.documents += 1
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
        if progress is not None:
            progress(1)
    flush()
    with engine.begin() as conn:
        conn.execute(update(ingest_log).where(ingest_log.c.id == log_id).values(
            finished_at=datetime.now(timezone.utc).replace(tzinfo=None),
            summary=json.dumps(summary.as_dict(), ensure_ascii=False)))
    engine.dispose()
    return summary
