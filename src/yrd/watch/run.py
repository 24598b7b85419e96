"""``yrd watch``: poll the due sources on their schedule, ingest what is new, then check the watchlists.

One source at a time (a site is read politely, and the store has one writer); a source that fails is recorded
with its error and a back-off, and the others go on. ``once``: every source is polled once, then the watchlists
are checked, and it returns (for cron). Otherwise it runs until ``stop`` is set (SIGTERM, SIGINT): the source
being polled is finished and recorded first, so a stop never leaves half a poll.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from ..batches import IngestOptions
from ..errors import YrdError
from ..upgrade import open_store
from . import sources
from .poll import Outcome, poll
from .polite import Fetcher
from .times import now

Report = Callable[[str], None]


@dataclass
class Round:
    polled: int = 0
    failed: int = 0  # sources whose poll failed
    new: int = 0  # items seen for the first time
    stored: int = 0  # documents stored from them
    item_failures: int = 0
    alerts: dict = field(default_factory=dict)

    def line(self) -> str:
        out = (f"polled {self.polled} source(s): {self.failed} failed, {self.new} new item(s), {self.stored} "
               f"document(s) stored, {self.item_failures} item(s) failed")
        if self.alerts:
            a = self.alerts
            delivered = sum((a.get("delivered") or {}).values())
            failed = sum((a.get("failed") or {}).values())
            out += f"; alerts: {a.get('created', 0)} new, {delivered} delivered, {failed} failed"
        return out


def check_alerts(store_url: str) -> dict:
    """The watchlists checked against what is new (``yrd.watch.alerts``)."""
    from .alerts import check

    engine = open_store(store_url)
    try:
        return check(engine)
    finally:
        engine.dispose()


def poll_round(store_url: str, fetcher: Fetcher, due_only: bool, report: Report, stop: threading.Event | None = None,
               options: IngestOptions | None = None) -> Round:
    """Poll the due sources (or all of them), one after another, then check the watchlists."""
    engine = open_store(store_url)
    try:
        with engine.connect() as conn:
            todo = sources.due(conn) if due_only else sources.listed(conn)
    finally:
        engine.dispose()
    done = Round()
    fetcher.new_round()
    for source in todo:
        if stop is not None and stop.is_set():
            break
        outcome: Outcome = poll(store_url, source, fetcher, options)
        h = outcome.health
        done.polled += 1
        done.new += h.seen
        done.stored += h.stored
        done.item_failures += len(outcome.failed)
        if not h.ok:
            done.failed += 1
            report(f"source {source['name']} ({source['url']}): {h.error}")
        for line in outcome.failed[:5]:
            report(f"source {source['name']}: {line}")
        if len(outcome.failed) > 5:
            report(f"source {source['name']}: … and {len(outcome.failed) - 5} more failed item(s)")
    try:
        done.alerts = check_alerts(store_url)
    except (YrdError, SQLAlchemyError) as exc:  # (a writer holding the store past the lock's timeout: next round)
        report(f"watchlists not checked this round: {str(exc).splitlines()[0][:200]}")
    return done


def watch(store_url: str, once: bool = False, stop: threading.Event | None = None, report: Report = print,
          fetcher: Fetcher | None = None, options: IngestOptions | None = None, idle: float = 60.0) -> Round:
    """Poll on schedule until ``stop`` (or every source once, with ``once``); returns the last round's counts."""
    if fetcher is None:
        from .. import settings

        fetcher = Fetcher(timeout=settings.get("timeout"), max_bytes=settings.get("max_bytes"),
                          interval=settings.get("host_interval"))
    stop = stop or threading.Event()
    if once:
        return poll_round(store_url, fetcher, False, report, stop, options)
    last = Round()
    while not stop.is_set():
        last = poll_round(store_url, fetcher, True, report, stop, options)
        if last.polled:
            report(last.line())
        engine = open_store(store_url)
        try:
            with engine.connect() as conn:
                nxt = sources.next_due(conn)
        finally:
            engine.dispose()
        wait = idle if nxt is None else max(0.0, min(idle, (nxt - now()).total_seconds()))
        stop.wait(max(wait, 1.0))
    return last
