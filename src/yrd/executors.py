"""How an ingest runs on this machine: in this process, or in forked worker processes.

- :func:`in_process`: this process reads, finishes and writes, in input order.
- :func:`processes`: N processes each take inputs from a queue and write their own batches; a write transaction
  holds the store's write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so each batch sees every
  batch committed before it and duplicates are found whatever process stored the first copy. The order in which
  documents are stored is not the input order. The workers tune their own cycle collector (they own their
  process); the parent loads the tables and freezes them before forking, so the workers share their pages.

The Ray executor (``yrd.scale.ray_backfill``) yields finished rows in input order and writes them here, through
:func:`write_in_order`, so its result is the one-process result exactly.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
from collections.abc import Callable, Iterator

from .errors import InputError
from .store.db import StoreFault
from .batches import BatchWriter, Run, StoredIds, Summary, process_target, take, tuned_collector
from .pipeline import Failure, read_failure
from .read.inputs import iter_paths

Executor = Callable[[Run], None]


def local(workers: int) -> Executor:
    return processes(workers) if workers > 1 else in_process


def write_in_order(job: Run, results: Iterator[tuple]) -> None:
    """Write ``(target, items)`` pairs as they come (items as :func:`yrd.ingest.process_target` returns them)."""
    writer = BatchWriter(job.url, job.options.batch_size, job.summary, job.on_failure)
    for target, items in results:
        job.summary.inputs += 1
        if isinstance(target, InputError):
            items = [read_failure(target)]
        take(job.summary, items, writer, job.on_failure)
        if job.progress is not None:
            job.progress(1)
    writer.close()


def in_process(job: Run) -> None:
    stored = StoredIds(job.lookup)
    write_in_order(job, ((t, [] if isinstance(t, InputError) else process_target(t, job.options, stored))
                         for t in iter_paths(job.paths)))


def _worker_main(job: Run, tasks, results) -> None:
    """A worker process: inputs from ``tasks`` until None; every batch it fills it writes itself. It says which
    inputs it starts on, so that if it dies the parent can name them."""
    try:
        _work(job, tasks, results)
    except StoreFault as exc:  # the store failed: the parent stops the run and says so once
        results.put(("fault", os.getpid(), None, str(exc), 0))


def _work(job: Run, tasks, results) -> None:
    with tuned_collector(warm=False):  # (the parent loaded the tables before the fork)
        stored = StoredIds(job.lookup)
        summary = Summary()
        failures: list[Failure] = []
        writer = BatchWriter(job.url, job.options.batch_size, summary, failures.append, patient=False)
        pid, parent = os.getpid(), os.getppid()
        while True:
            try:
                chunk = tasks.get(timeout=1)
            except queue.Empty:
                if os.getppid() != parent:
                    return  # the parent was killed (kill -9): no one will send more, or read what this writes
                continue
            if chunk is None:
                break
            results.put(("start", pid, None, chunk, 0))
            before = summary.as_dict(), len(summary.failures)
            for target in chunk:
                take(summary, process_target(target, job.options, stored), writer, failures.append)
            results.put(("input", pid, _delta(summary, before), failures[:], len(chunk)))
            failures.clear()
        before = summary.as_dict(), len(summary.failures)
        writer.close()
        results.put(("done", pid, _delta(summary, before), failures[:], 0))


def _delta(summary: Summary, before: tuple[dict, int]) -> dict:
    now = summary.as_dict()
    return {k: now[k] - before[0][k] for k in ("documents read", "new", "unchanged", "duplicates", "new versions")}


_CHUNK = 8  # inputs handed to a worker at a time: one message each way per eight files, not per file


def processes(workers: int) -> Executor:
    def execute(job: Run) -> None:
        with tuned_collector():  # load the tables once, before the fork, and keep them out of the collector
            _parallel(job, workers)

    return execute


def _parallel(job: Run, workers: int) -> None:
    summary, progress = job.summary, job.progress
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    tasks = ctx.Queue(maxsize=8 * workers)  # bounded: a 10 GB directory never sits in memory
    results = ctx.Queue()
    child = Run([], job.url, job.lookup, job.options, Summary())
    procs: list = []
    inflight: dict[int, list[str]] = {}  # worker pid -> the inputs it is on
    all_sent = False

    def start() -> None:
        p = ctx.Process(target=_worker_main, args=(child, tasks, results), daemon=True)
        p.start()
        procs.append(p)

    for _ in range(workers):
        start()

    def collect(block: bool) -> bool:
        try:
            kind, pid, delta, failures, inputs = results.get(block=block, timeout=1 if block else None)
        except queue.Empty:
            return False
        if kind == "start":
            inflight[pid] = failures  # (the chunk)
            return False
        if kind == "fault":
            for p in procs:
                p.terminate()
            raise StoreFault(failures)  # (its message)
        inflight.pop(pid, None)
        summary.documents += delta["documents read"]
        summary.new += delta["new"]
        summary.unchanged += delta["unchanged"]
        summary.duplicates += delta["duplicates"]
        summary.versions += delta["new versions"]
        for f in failures:
            job.failed(f)
        if inputs and progress is not None:
            progress(inputs)
        return kind == "done"

    def reap() -> None:
        """A worker that died (a crash in a library, the kernel's OOM killer, a signal) costs the inputs it was on
        and what it had read but not yet written; they are named, a new worker takes its place, the run goes on."""
        for p in [p for p in procs if p.exitcode not in (None, 0)]:
            procs.remove(p)
            while collect(block=False):
                pass
            chunk = inflight.pop(p.pid, [])
            how = f"signal {-p.exitcode}" if p.exitcode < 0 else f"exit code {p.exitcode}"
            for target in chunk:
                job.failed(Failure(target, "read", f"worker died: the ingest worker died ({how}) on this input or "
                                   f"another of the {len(chunk)} it was given; run the same command again to retry"))
            if chunk and progress is not None:
                progress(len(chunk))
            summary.lost_workers += 1
            start()
            if all_sent:
                tasks.put(None)

    done = 0

    def send(chunk: list[str]) -> None:
        nonlocal done
        while True:
            try:
                tasks.put(chunk, timeout=0.1)
                break
            except queue.Full:
                done += collect(block=False)
                reap()
        while collect(block=False):
            done += 1

    chunk: list[str] = []
    for target in iter_paths(job.paths):
        summary.inputs += 1
        if isinstance(target, InputError):
            job.failed(read_failure(target))
            if progress is not None:
                progress(1)
            continue
        chunk.append(target)
        if len(chunk) == _CHUNK:
            send(chunk)
            chunk = []
    if chunk:
        send(chunk)
    all_sent = True
    for _ in procs:
        tasks.put(None)
    while done < workers:
        if collect(block=True):
            done += 1
        else:
            reap()
    for p in procs:
        p.join()
