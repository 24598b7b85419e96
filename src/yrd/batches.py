"""What every executor of an ingest shares: the options, one input through the pipeline into rows, the batch
writer, the summary, and the collector tuning for the edges that own their process.

Every executor (``yrd.executors``, ``yrd.scale``) feeds documents' rows to a :class:`BatchWriter`; every batch is
one transaction, so a killed ingest loses at most the batches in flight and the same command resumes them.
Memory does not grow with the store: whether an input is already stored is asked of the store itself (an
indexed lookup by id), never of a set held in memory.
"""
from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from . import settings
from .pipeline import STEPS, Failure, Known, reason_kind, run, run_items, warm_up
from .read import ReadOptions
from .read.inputs import iter_paths
from .store.db import StoreFault, make_engine, store_fault, trim_wal
from .store.rows import DocRows, rows
from .store.write import BatchResult, Busy, write_batch


@dataclass
class IngestOptions:
    """How an ingest runs; the defaults come from the settings table (``yrd.settings``)."""

    workers: int = field(default_factory=lambda: settings.get("workers"))
    batch_size: int = field(default_factory=lambda: settings.get("batch"))
    max_bytes: int = field(default_factory=lambda: settings.get("max_bytes"))
    timeout: float = field(default_factory=lambda: settings.get("timeout"))
    budget: float = field(default_factory=lambda: settings.get("budget"))
    decisions: list = field(default_factory=list)  # the analyst's corrections, applied to every document (correct.py)
    guard: bool = False  # fetch nothing from the machine's own networks (an ingest the server runs)
    allow: tuple = ()  # networks a guarded fetch may reach all the same

    def read_options(self) -> ReadOptions:
        return ReadOptions(max_bytes=self.max_bytes, timeout=self.timeout, guard=self.guard, allow=self.allow)


@dataclass
class Summary:
    inputs: int = 0
    documents: int = 0
    new: int = 0
    unchanged: int = 0
    duplicates: int = 0
    versions: int = 0
    failed: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # inputs that are not articles, by reason (no error)
    failures: list[Failure] = field(default_factory=list)
    lost_workers: int = 0  # worker processes that died (what they had not yet written is not stored)

    def as_dict(self) -> dict:
        return {"inputs": self.inputs, "documents read": self.documents, "new": self.new,
                "unchanged": self.unchanged, "duplicates": self.duplicates, "new versions": self.versions,
                "skipped": dict(self.skipped), "failed": dict(self.failed)}

    def lines(self) -> list[str]:
        out = [f"read {self.inputs} input(s), {self.documents} document(s): {self.new} new "
               f"({self.duplicates} duplicate(s) of stored articles, {self.versions} new version(s)), "
               f"{self.unchanged} already stored"]
        if self.skipped:
            out.append("skipped, no error: " + ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common()))
        if self.lost_workers:
            out.append(f"{self.lost_workers} worker(s) died: what they had read but not yet written is not stored; "
                       "run the same command again to store it")
        if self.failed:
            out.append("failed: " + ", ".join(f"{n} {reason}" for reason, n in self.failed.most_common()))
        return out

    def add(self, r: BatchResult) -> None:
        self.new += r.new
        self.unchanged += r.unchanged
        self.duplicates += r.duplicates
        self.versions += r.versions

    def fail(self, failure: Failure) -> None:
        (self.skipped if failure.skipped else self.failed)[f"{failure.stage}: {reason_kind(failure.reason)}"] += 1
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
            try:
                self._conn = make_engine(self.url).connect()
            except SQLAlchemyError as exc:
                _stop_on_fault(exc)
                raise
            self._pid = os.getpid()
            self._sql = f"SELECT 1 FROM documents WHERE id = {'?' if self._conn.dialect.name == 'sqlite' else '%s'}"
        try:
            return self._conn.exec_driver_sql(self._sql, (doc_id,)).first() is not None
        except SQLAlchemyError as exc:
            _stop_on_fault(exc)
            raise
        finally:
            try:
                self._conn.rollback()  # hold no snapshot between lookups
            except SQLAlchemyError:
                self._conn = None  # (a lost connection: the next lookup opens a new one)

    def __getstate__(self):
        return {"url": self.url}

    def __setstate__(self, state):
        self.url, self._conn, self._pid = state["url"], None, None


def process_target(target: str, options: IngestOptions, stored: StoredIds | None = None
                   ) -> list[DocRows | Failure | Known]:
    """Everything one input holds, finished and turned into rows (runs where the executor runs it)."""
    out: list[DocRows | Failure | Known] = []
    for item in run([target], options.read_options(), steps=STEPS, known=stored, budget=options.budget):
        out.append(item if isinstance(item, (Failure, Known)) else rows(corrected(item, options.decisions)))
    return out


def corrected(doc, decisions: list):
    """The document with the analyst's corrections applied (``yrd/correct.py``); itself when there are none."""
    if decisions:
        from .correct import apply
        from .store.rows import doc_key

        apply(doc, decisions, doc_key(doc))
    return doc


def process_fetched(data: bytes, url: str, options: IngestOptions, stored: StoredIds | None = None
                    ) -> list[DocRows | Failure | Known]:
    """What the observatory fetched from ``url`` (a page, a feed item), finished and turned into rows."""
    from .read.inputs import read_bytes

    out: list[DocRows | Failure | Known] = []
    for item in run_items(read_bytes(data, url, options.read_options()), steps=STEPS, known=stored,
                          budget=options.budget):
        out.append(item if isinstance(item, (Failure, Known)) else rows(corrected(item, options.decisions)))
    return out


def count_inputs(paths: Iterable[str]) -> int:
    return sum(1 for _ in iter_paths(paths))


_YOUNG = 10_000  # allocations between two collections of the youngest generation during a run (CPython: 700)


@contextmanager
def tuned_collector(warm: bool = True):
    """Python's cycle collector tuned for a run, then put back as it was (``warm``: the tables are loaded first).

    For the edges that own their process (the command line, a worker process), never for a library call. The
    gazetteer, lexicons and script tables (loaded once, kept for good, some 170,000 objects) are moved out of the
    collector's sight (``gc.freeze``), so its older collections no longer walk them, and the youngest generation
    is collected every 10,000 allocations instead of every 700: a document allocates tens of thousands of
    short-lived objects that reference counting frees. Together 4 % of an ingest's CPU time (BENCHMARKS.md).
    Workers forked during the run inherit both, and the frozen objects' pages stay shared with them."""
    if warm:
        warm_up()
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_YOUNG, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


class BatchWriter:
    """Documents' rows in batches, each written in one transaction; a batch the database refuses is written
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
        self.batch: list[DocRows] = []

    def add(self, item: DocRows) -> None:
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
                            done = write_batch(conn, self.batch, wait=False)
                        self.summary.add(done)  # (counted once committed: a failed commit stores nothing)
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
                _stop_on_fault(exc)
            except SQLAlchemyError as exc:
                _stop_on_fault(exc)  # else a document the database refuses: the patient path below finds it
        try:
            with self.engine.begin() as conn:
                done = write_batch(conn, self.batch)
            self.summary.add(done)
        except (SQLAlchemyError, OSError) as exc:
            _stop_on_fault(exc)
            for item in self.batch:
                try:
                    with self.engine.begin() as conn:
                        done = write_batch(conn, [item])
                    self.summary.add(done)
                except (SQLAlchemyError, OSError) as exc:
                    _stop_on_fault(exc)
                    doc = item.document
                    where = doc.source_path or doc.source_url or doc.id
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


def _stop_on_fault(exc: BaseException) -> None:
    """Raise :class:`StoreFault` if ``exc`` is the store failing (lost connection, full disk), not a document."""
    reason = store_fault(exc)
    if reason:
        raise StoreFault(f"{reason}: the ingest stops here; what was stored before is kept, run the same command "
                         "again to resume") from None


def take(summary: Summary, items: list, writer: BatchWriter | None, on_failure) -> None:
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


@dataclass
class Run:
    """One ingest as an executor sees it: where to write, what is stored already, how to report."""

    paths: list[str]
    url: str
    lookup: str | None  # the store to ask whether an input is stored (None: it was empty when the run began)
    options: IngestOptions
    summary: Summary
    progress: Callable[[int], None] | None = None
    on_failure: Callable[[Failure], None] | None = None

    def failed(self, failure: Failure) -> None:
        self.summary.fail(failure)
        if self.on_failure:
            self.on_failure(failure)
