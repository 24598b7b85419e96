"""``yrd ingest``: read, clean, extract, deduplicate and store, in parallel workers and transactional batches.

How to run (processes, batches) is kept apart from what to run (the pipeline
and the writer). Every batch is one transaction, so a killed ingest loses at
most the batches in flight and the same command resumes them. Memory does not
grow with the store: whether an input is already stored is asked of the store
itself (an indexed lookup by id), never of a set held in memory.

- One worker: this process reads, cleans, extracts, prepares and writes, in
  input order.
- N workers: N processes each take inputs from a queue and write their own
  batches; a write transaction holds the store's write lock (SQLite ``BEGIN
  IMMEDIATE``, a PostgreSQL advisory lock), so each batch sees every batch
  committed before it and duplicates are found whatever process stored the
  first copy. The order in which documents are stored is not the input order.
- A ``source`` (the Ray backfill): the source yields prepared documents in
  input order and this process writes them, so the result is the one-worker
  result exactly.
"""
from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import queue
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .errors import InputError
from .pipeline import Failure, Known, reason_kind, run
from .read import ReadOptions
from .read.inputs import iter_paths
from .store.db import make_engine, migrate, trim_wal
from .store.schema import documents, ingest_log
from .store.write import BatchResult, Busy, Prepared, prepare, write_batch


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

    def add(self, r: BatchResult) -> None:
        self.new += r.new
        self.unchanged += r.unchanged
        self.duplicates += r.duplicates
        self.versions += r.versions

    def fail(self, failure: Failure) -> None:
        self.failed[f"{failure.stage}: {reason_kind(failure.reason)}"] += 1
        self.failures.append(failure)


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
            self._sql = f"SELECT 1 FROM documents WHERE id = {'?' if self._conn.dialect.name == 'sqlite' else '%s'}"
        try:
            return self._conn.exec_driver_sql(self._sql, (doc_id,)).first() is not None
        finally:
            self._conn.rollback()  # hold no snapshot between lookups

    def __getstate__(self):
        return {"url": self.url}

    def __setstate__(self, state):
        self.url, self._conn, self._pid = state["url"], None, None



def process_target(target: str, max_bytes: int, stored: StoredIds | None = None) -> list[Prepared | Failure | Known]:
    """Everything one input holds, ready to store (runs in a worker process)."""
    out: list[Prepared | Failure | Known] = []
    for item in run([target], ReadOptions(max_bytes=max_bytes), known=stored):
        out.append(item if isinstance(item, (Failure, Known)) else prepare(item))
    return out


def count_inputs(paths: Iterable[str]) -> int:
    return sum(1 for _ in iter_paths(paths))


def _warm_up() -> None:
    """Load the gazetteer and lexicons once, before workers fork, so they share them."""
    from .clean.script import detect_script
    from .extract.pipeline import extract_all
    from .model import Document, Source

    extract_all(Document("warm-up", Source(), "", None, "zh-Hans", "上海市。"))
    detect_script("上海市。")


_YOUNG = 10_000  # allocations between two collections of the youngest generation during a run (CPython: 700)


@contextmanager
def tuned_collector(warm: bool = True):
    """Python's cycle collector tuned for a run, then put back as it was (``warm``: the tables are loaded first).

    The gazetteer, lexicons and script tables (loaded once, kept for good, some 170,000 objects) are moved out of
    the collector's sight (``gc.freeze``), so its older collections no longer walk them, and the youngest
    generation is collected every 10,000 allocations instead of every 700: a document allocates tens of
    thousands of short-lived objects that reference counting frees, and each collection of the young walked
    what was alive at that moment. Together 4 % of an ingest's CPU time (BENCHMARKS.md). Workers forked during
    the run inherit both, and the frozen objects' pages stay shared with them (the collector never writes to
    them)."""
    if warm:
        _warm_up()
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_YOUNG, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


class _Writer:
    """Batches of prepared documents, each written in one transaction; a batch the database refuses is written
    document by document, so one bad document costs only itself.

    Shared by several processes (``patient=False``), a full batch is written only if the store's write lock is
    free at that moment; otherwise the worker goes on extracting and tries again after its next input, and waits
    for the lock only once its batch has grown to four times the batch size. Both cores stay busy."""

    def __init__(self, url: str, batch_size: int, summary: Summary, on_failure: Callable | None = None,
                 patient: bool = True):
        self.engine = make_engine(url, writer=True)
        self.batch_size = batch_size
        self.summary = summary
        self.on_failure = on_failure
        self.patient = patient
        self.batch: list[Prepared] = []

    def add(self, item: Prepared) -> None:
        self.batch.append(item)

    def ready(self) -> None:
        """After an input: write the batch if it is full (and, when impatient, if the lock is free)."""
        if len(self.batch) >= self.batch_size:
            self.flush(wait=self.patient or len(self.batch) >= 4 * self.batch_size)

    def flush(self, wait: bool = True) -> None:
        if not self.batch:
            return
        if not wait:
            try:
                with self.engine.connect() as conn:
                    conn.info["try_lock"] = True
                    try:
                        with conn.begin():
                            self.summary.add(write_batch(conn, self.batch, wait=False))
                    finally:
                        conn.info.pop("try_lock", None)
                self.batch.clear()
                trim_wal(self.engine)
                return
            except Busy:
                return
            except OperationalError as exc:
                if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                    return  # SQLite: another writer is in; write after the next input
            except SQLAlchemyError:
                pass  # a document the database refuses: the patient path below finds it and stores the rest
        try:
            with self.engine.begin() as conn:
                self.summary.add(write_batch(conn, self.batch))
        except SQLAlchemyError:
            for item in self.batch:
                try:
                    with self.engine.begin() as conn:
                        self.summary.add(write_batch(conn, [item]))
                except SQLAlchemyError as exc:
                    where = item.doc.source.path or item.doc.source.url or item.doc.id
                    reason = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0][:160]
                    failure = Failure(where, "store", f"the database refused it ({reason}); please report this input")
                    self.summary.fail(failure)
                    if self.on_failure:
                        self.on_failure(failure)
        self.batch.clear()
        trim_wal(self.engine)

    def close(self) -> None:
        self.flush()
        self.engine.dispose()


def _take(summary: Summary, items: list, writer: _Writer | None, on_failure) -> None:
    """Count what one input held; hand its new documents to the writer."""
    for item in items:
        if isinstance(item, Known):
            summary.documents += 1
            summary.unchanged += 1
        elif isinstance(item, Failure):
            summary.fail(item)
            if on_failure:
                on_failure(item)
        else:
            summary.documents += 1
            writer.add(item)
    if writer is not None:
        writer.ready()


def _worker_main(url: str, lookup: str | None, batch_size: int, max_bytes: int, tasks, results) -> None:
    """A worker process: inputs from ``tasks`` until None; every batch it fills it writes itself."""
    stored = StoredIds(lookup)
    summary = Summary()
    failures: list[Failure] = []
    writer = _Writer(url, batch_size, summary, failures.append, patient=False)
    while True:
        chunk = tasks.get()
        if chunk is None:
            break
        before = summary.as_dict(), len(summary.failures)
        for target in chunk:
            _take(summary, process_target(target, max_bytes, stored), writer, failures.append)
        results.put(("input", _delta(summary, before), failures[:], len(chunk)))
        failures.clear()
    before = summary.as_dict(), len(summary.failures)
    writer.close()
    results.put(("done", _delta(summary, before), failures[:], 0))


def _delta(summary: Summary, before: tuple[dict, int]) -> dict:
    now = summary.as_dict()
    return {k: now[k] - before[0][k] for k in ("documents read", "new", "unchanged", "duplicates", "new versions")}


_CHUNK = 8  # inputs handed to a worker at a time: one message each way per eight files, not per file


def _parallel(paths: list[str], url: str, lookup: str | None, workers: int, batch_size: int, max_bytes: int,
              summary: Summary, progress, on_failure) -> None:
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    tasks = ctx.Queue(maxsize=8 * workers)  # bounded: a 10 GB directory never sits in memory
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker_main, args=(url, lookup, batch_size, max_bytes, tasks, results), daemon=True)
             for _ in range(workers)]
    for p in procs:
        p.start()

    def collect(block: bool) -> bool:
        try:
            kind, delta, failures, inputs = results.get(block=block, timeout=1 if block else None)
        except queue.Empty:
            return False
        summary.documents += delta["documents read"]
        summary.new += delta["new"]
        summary.unchanged += delta["unchanged"]
        summary.duplicates += delta["duplicates"]
        summary.versions += delta["new versions"]
        for f in failures:
            summary.fail(f)
            if on_failure:
                on_failure(f)
        if inputs and progress is not None:
            progress(inputs)
        return kind == "done"

    done = 0

    def send(chunk: list[str]) -> None:
        nonlocal done
        while True:
            try:
                tasks.put(chunk, timeout=0.1)
                break
            except queue.Full:
                done += collect(block=False)
                _check_alive(procs)
        while collect(block=False):
            done += 1

    chunk: list[str] = []
    for target in iter_paths(paths):
        summary.inputs += 1
        if isinstance(target, InputError):
            failure = Failure(target.where, "read", target.reason)
            summary.fail(failure)
            if on_failure:
                on_failure(failure)
            if progress is not None:
                progress(1)
            continue
        chunk.append(target)
        if len(chunk) == _CHUNK:
            send(chunk)
            chunk = []
    if chunk:
        send(chunk)
    for _ in procs:
        tasks.put(None)
    while done < workers:
        if collect(block=True):
            done += 1
        else:
            _check_alive(procs)
    for p in procs:
        p.join()


def _check_alive(procs) -> None:
    for p in procs:
        if p.exitcode not in (None, 0):
            raise RuntimeError(f"an ingest worker died (exit code {p.exitcode}); run the same command again to resume")


def ingest(paths: list[str], url: str, workers: int = 1, batch_size: int = 100, max_bytes: int = 50 * 2**20,
           progress=None, on_failure=None, source=None) -> Summary:
    """Ingest every article under ``paths`` into the store at ``url``; returns the summary.

    ``source(paths, stored, max_bytes)`` may replace the local workers (the Ray backfill does): it yields
    ``(target, items)`` in input order, where items are what :func:`process_target` returns, and ``stored``
    answers whether an id is already in the store; this process writes them, in that order.
    """
    engine = make_engine(url)
    migrate(engine)
    summary = Summary()
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        log_id = conn.execute(insert(ingest_log).values(started_at=started, command=json.dumps(paths, ensure_ascii=False))
                              ).inserted_primary_key[0]
        empty = conn.scalar(select(documents.c.id).limit(1)) is None
    engine.dispose()  # no pooled connection crosses into the forked workers
    # an input is looked up in the store only if the store held something when the run began (a re-run, a
    # resumed or an added-to store): within one run, the writer finds the same document twice by itself
    lookup = None if empty else url
    # the gazetteer is loaded first (before the fork: the workers share its pages), unless Ray's workers extract
    with tuned_collector(warm=source is None):
        _run(paths, url, lookup, workers, batch_size, max_bytes, summary, progress, on_failure, source)
    with engine.begin() as conn:
        conn.execute(update(ingest_log).where(ingest_log.c.id == log_id).values(
            finished_at=datetime.now(timezone.utc).replace(tzinfo=None),
            summary=json.dumps(summary.as_dict(), ensure_ascii=False)))
    engine.dispose()
    return summary


def _run(paths, url, lookup, workers, batch_size, max_bytes, summary, progress, on_failure, source) -> None:
    if workers > 1 and source is None:
        _parallel(paths, url, lookup, workers, batch_size, max_bytes, summary, progress, on_failure)
    else:
        stored = StoredIds(lookup)
        writer = _Writer(url, batch_size, summary, on_failure)
        if source is not None:
            results: Iterator = source(paths, stored, max_bytes)
        else:
            results = ((t, [] if isinstance(t, InputError) else process_target(t, max_bytes, stored))
                       for t in iter_paths(paths))
        for target, items in results:
            summary.inputs += 1
            if isinstance(target, InputError):
                items = [Failure(target.where, "read", target.reason)]
            _take(summary, items, writer, on_failure)
            if progress is not None:
                progress(1)
        writer.close()
