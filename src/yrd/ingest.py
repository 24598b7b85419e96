"""``yrd ingest``: every article under the inputs through the pipeline into the store, in transactional batches.

What to run (the pipeline's steps, then the store's rows and writer: ``yrd.batches``) is kept apart from how to
run it (an executor: this process, forked worker processes — ``yrd.executors`` — or Ray — ``yrd.scale``).

The library never tunes the process (Python's cycle collector): the command line and the worker processes do,
at their edge (:func:`yrd.batches.tuned_collector`), so a server that calls :func:`ingest` from its threads is
left alone.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import insert, select, update

from .batches import (BatchWriter, IngestOptions, Run, StoredIds, Summary, count_inputs, process_target,
                      tuned_collector, warm_up)
from .executors import Executor, local
from .store.db import StoreFault
from .store.schema import documents, ingest_log
from .upgrade import open_store

__all__ = ["BatchWriter", "IngestOptions", "Run", "StoredIds", "Summary", "count_inputs", "ingest", "process_target",
           "tuned_collector", "warm_up"]


def ingest(paths: list[str], url: str, options: IngestOptions | None = None, *, progress=None, on_failure=None,
           executor: Executor | None = None, **overrides) -> Summary:
    """Ingest every article under ``paths`` into the store at ``url``; returns the summary.

    ``options`` (or keyword ``overrides`` of its fields: ``workers=2, batch_size=200``) say how; ``executor``
    runs it (default: :func:`yrd.executors.local` for ``options.workers``)."""
    options = options or IngestOptions()
    for name, value in overrides.items():
        if not hasattr(options, name):
            raise TypeError(f"ingest() got an unexpected option {name!r}")
        setattr(options, name, value)
    engine = open_store(url)
    summary = Summary()
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        from .store.corrections import load as load_corrections

        options.decisions = load_corrections(conn)  # (a snapshot: applied to every document of the run)
        log_id = conn.execute(insert(ingest_log).values(started_at=started, command=json.dumps(paths, ensure_ascii=False))
                              ).inserted_primary_key[0]
        empty = conn.scalar(select(documents.c.id).limit(1)) is None
    engine.dispose()  # no pooled connection crosses into forked workers
    # an input is looked up in the store only if the store held something when the run began (a re-run, a
    # resumed or an added-to store): within one run, the writer finds the same document twice by itself
    job = Run(list(paths), url, None if empty else url, options, summary, progress, on_failure)
    try:
        (executor or local(options.workers))(job)
    except StoreFault as exc:
        exc.summary = summary  # what the run did before the store failed (the caller prints it)
        raise
    with engine.begin() as conn:
        conn.execute(update(ingest_log).where(ingest_log.c.id == log_id).values(
            finished_at=datetime.now(timezone.utc).replace(tzinfo=None),
            summary=json.dumps(summary.as_dict(), ensure_ascii=False)))
    engine.dispose()
    return summary
