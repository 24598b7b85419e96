"""``yrd ingest --engine ray``: the same pipeline on a Ray cluster (Ray Data over the input files).

Ray workers read, clean, extract and compute each document's MinHash
signature and LSH band keys (the distributed part of near-duplicate
detection), and skip inputs the store already holds (they ask the store by id,
so every node must reach the database); the driver writes the results to the store in input order, in
transactional batches, through the same writer as a local ingest, where the
band keys meet the index of every document already stored. Because the order
and the writer are the same, a Ray run gives the same documents, facts and
duplicate links as a single-process run on the same input (a test proves it).
"""
from __future__ import annotations

import pickle
from collections.abc import Iterator

from ..errors import InputError, YrdError
from ..executors import write_in_order
from ..batches import IngestOptions, Run, StoredIds, Summary, process_target, tuned_collector
from ..ingest import ingest
from ..read.inputs import iter_paths


def _process_batch(batch: dict, stored: StoredIds, options: IngestOptions) -> dict:
    with tuned_collector():  # (a Ray worker owns its process: the tables load once per worker)
        payloads = [pickle.dumps(process_target(t, options, stored)) for t in batch["target"]]
    return {"order": batch["order"], "payload": payloads}


def ray_executor(address: str | None = None, num_cpus: int | None = None):
    """An executor (``yrd.ingest.ingest(executor=…)``) that finishes documents on Ray and writes them here."""
    def execute(job: Run) -> None:
        write_in_order(job, _results(job.paths, StoredIds(job.lookup), job.options))

    def _results(paths: list[str], stored: StoredIds, options: IngestOptions) -> Iterator[tuple]:
        import ray

        if not ray.is_initialized():
            try:
                ray.init(address=address, num_cpus=None if address else num_cpus, include_dashboard=False,
                         log_to_driver=False, configure_logging=False)
            except Exception as exc:  # noqa: BLE001 - connection refused, version mismatch …
                raise YrdError(f"cannot start or reach Ray{f' at {address}' if address else ''} "
                               f"({str(exc).splitlines()[0]})") from None
        targets = list(iter_paths(paths))
        errors = {i: t for i, t in enumerate(targets) if isinstance(t, InputError)}
        items = [{"order": i, "target": t} for i, t in enumerate(targets) if i not in errors]
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # the writer sees the input order: same result as locally
        ctx.enable_progress_bars = False  # yrd prints its own summary
        import logging

        logging.getLogger("ray.data").setLevel(logging.WARNING)
        done: dict[int, list] = {}
        if items:
            ds = ray.data.from_items(items).map_batches(
                _process_batch, batch_size=4, fn_kwargs={"stored": stored, "options": options})
            rows = iter(ds.iter_rows())
        else:
            rows = iter(())
        for i, target in enumerate(targets):  # yield in input order as results arrive
            if i in errors:
                yield target, []
                continue
            while i not in done:
                row = next(rows)
                done[int(row["order"])] = pickle.loads(row["payload"])
            yield target, done.pop(i)

    return execute


def ingest_ray(paths: list[str], url: str, address: str | None = None, options: IngestOptions | None = None,
               num_cpus: int | None = None, progress=None, on_failure=None, **overrides) -> Summary:
    """Ingest on Ray: a cluster at ``address`` (``ray://host:10001``), or a local Ray started here."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise YrdError("Ray is not installed: pip install 'ray[data]' (see the README's section on Ray)") from None
    return ingest(paths, url, options, progress=progress, on_failure=on_failure,
                  executor=ray_executor(address, num_cpus), **overrides)
