"""Heavy work the server does for a request, off the event loop and bounded.

- **Ingest** (uploads, URLs) runs in a separate process (one, reused: it loads the tables once), so a long or
  crafted document never holds the server's interpreter; its per-document time budget works there (the
  process's main thread), and what it allocates is given back when it is replaced. At most ``queue`` ingests
  wait or run at once; one more is answered 503 with ``Retry-After``. If the process dies, the request says so
  in one line and a new one takes the next.
- **Exports** run in the server's thread pool, at most ``slots`` at once (503 beyond).
"""
from __future__ import annotations

import asyncio
import multiprocessing as mp
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from fastapi import HTTPException


class Busy(HTTPException):
    def __init__(self, what: str, retry: int):
        super().__init__(503, f"the server is busy with other {what}: try again in {retry} s",
                         headers={"Retry-After": str(retry)})


class Slots:
    """At most ``n`` holders at once; ``take()`` fails at once (no waiting in a queue nobody sees)."""

    def __init__(self, n: int, what: str, retry: int):
        self.n, self.what, self.retry = n, what, retry
        self.used = 0
        self.lock = threading.Lock()

    def __enter__(self):
        with self.lock:
            if self.used >= self.n:
                raise Busy(self.what, self.retry)
            self.used += 1
        return self

    def __exit__(self, *exc):
        with self.lock:
            self.used -= 1


def _ingest_job(paths: list[str], url: str, guard: bool, allow: tuple) -> dict:
    """In the ingest process: the ingest and its summary (plain data: it crosses a process boundary)."""
    from ..ingest import IngestOptions, ingest, tuned_collector

    with tuned_collector():
        summary = ingest(paths, url, IngestOptions(workers=1, guard=guard, allow=allow))
    return {"summary": summary.as_dict(), "lines": summary.lines(),
            "errors": [str(f) for f in summary.failures if not f.skipped][:50],
            "not_articles": [str(f) for f in summary.failures if f.skipped][:50]}


class Ingests:
    """The server's ingest process and its queue."""

    def __init__(self, queue: int = 4, tasks_per_process: int = 50):
        self.slots = Slots(queue, "ingests", 30)
        self.tasks = tasks_per_process
        self.pool: ProcessPoolExecutor | None = None
        self.lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.pool is None:
                # spawn: a fresh interpreter, not a fork of a server with threads and open connections
                self.pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), max_tasks_per_child=self.tasks)
            return self.pool

    async def run(self, paths: list[str], url: str, guard: bool, allow: tuple) -> dict:
        with self.slots:
            pool = self._pool()
            try:
                return await asyncio.wrap_future(pool.submit(_ingest_job, paths, url, guard, allow))
            except BrokenProcessPool:
                with self.lock:
                    if self.pool is pool:
                        self.pool = None
                raise HTTPException(500, "the ingest process died (out of memory, or killed); what it had "
                                         "written is kept: send the same input again to finish it") from None

    def close(self) -> None:
        with self.lock:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
