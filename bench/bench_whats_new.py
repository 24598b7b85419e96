"""What is new, timed on a store: the count and first page of /api/documents?since=, /api/new (counts only), the
whole digest (targets' statuses, reports) and its HTML, for a few windows back from the newest arrival.

Windows count back from the store's newest ``ingested_at`` (a store ingested at once has everything in every window:
the worst case, a backfill, where the digest reads the facts of its CAP newest documents).
Run: .venv/bin/python bench/bench_whats_new.py --db /tmp/yrd-100x.db [--windows 1d,7d,90d] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from yrd.store import make_engine
from yrd.store import query as Q
from yrd.store.schema import documents
from yrd.watch.digest import gather, render
from yrd.watch.times import parse_duration


def timed(fn, rounds: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--windows", default="1d,7d,90d")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    engine = make_engine(url)
    with engine.connect() as conn:
        newest = conn.scalar(select(func.max(documents.c.ingested_at)))
        total = Q.stats(conn)["documents"]
        if isinstance(newest, str):
            newest = datetime.fromisoformat(newest)
        print(f"store: {url} ({total:,} documents, newest arrival {newest})")
        print(f"{'window':>7} {'arrived':>9} {'count ms':>9} {'page ms':>8} {'/api/new ms':>12} {'digest ms':>10} "
              f"{'html ms':>8} {'items':>6}")
        for w in args.windows.split(","):
            since = newest - timedelta(seconds=parse_duration(w, "window")) + timedelta(microseconds=1)
            f = Q.Filters(since=since)
            count_ms, n = timed(lambda: Q.count_arrived(conn, f), args.rounds)
            page_ms, _ = timed(lambda: Q.list_documents(conn, f, 20, 0), args.rounds)
            new_ms, _ = timed(lambda: gather(conn, since, detail=False), args.rounds)
            digest_ms, d = timed(lambda: gather(conn, since), args.rounds)
            html_ms, _ = timed(lambda: render(d, "html"), args.rounds)
            items = sum(v for k, v in d["counts"].items() if k not in ("documents", "new_projects"))
            print(f"{w:>7} {n:>9,} {count_ms:>9.1f} {page_ms:>8.1f} {new_ms:>12.0f} {digest_ms:>10.0f} {html_ms:>8.0f} "
                  f"{items:>6,}")
    engine.dispose()


if __name__ == "__main__":
    main()
