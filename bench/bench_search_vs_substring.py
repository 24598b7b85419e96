"""Search vs plain substring search (LIKE over every text) on the same store and queries: same hits, time each.

Search counts its hits exactly up to query.COUNT_CAP (10,000); beyond, "the same number" means both reach it.

Run: .venv/bin/python bench/bench_search_vs_substring.py --db /tmp/kb.db
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from yrd.search.terms import normalise_query
from yrd.store import make_engine
from yrd.store import query as Q
from yrd.store.schema import documents

QUERIES = [q for q in (Path(__file__).resolve().parent.parent / "tests" / "store" / "search_queries.txt")
           .read_text(encoding="utf-8").splitlines() if q.strip() and not q.startswith("#")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    engine = make_engine(args.db if "://" in args.db else f"sqlite:///{args.db}")
    s_times, l_times, same = [], [], 0
    with engine.connect() as conn:
        for q in QUERIES:
            t = time.perf_counter()
            result = Q.search_page(conn, q, Q.Filters(include_duplicates=True), limit=20)
            s_times.append(time.perf_counter() - t)
            cond = [documents.c.is_current.is_(True)] + [
                sa.or_(documents.c.text.ilike(f"%{p}%"), documents.c.title.ilike(f"%{p}%"))
                for p in normalise_query(q).split()]
            t = time.perf_counter()
            n = conn.scalar(sa.select(sa.func.count()).select_from(documents).where(sa.and_(*cond)))
            l_times.append(time.perf_counter() - t)
            same += n == result.total if result.exact else n > Q.COUNT_CAP
    print(f"{len(QUERIES)} queries; same number of hits for {same}")
    print(f"search (ranked, first page + total): median {statistics.median(s_times) * 1000:.1f} ms, "
          f"total {sum(s_times):.2f} s")
    print(f"substring (count only):              median {statistics.median(l_times) * 1000:.1f} ms, "
          f"total {sum(l_times):.2f} s")
    print(f"search takes {sum(s_times) / sum(l_times):.0%} of substring search's time")


if __name__ == "__main__":
    main()
