"""What a watchlist check costs: matching a backlog, a check after a few new articles, and a check with nothing new.

Watchlists of every kind of filter (places, event types, words, organisations, kinds) delivering to JSON Lines
files are made on an empty store; the corpus (../shared/corpus, else the samples) is ingested; then:
the first check (every document new: match, make and write the alerts), a check after the samples are added
(what `yrd watch` does after a poll round that found a few articles), and checks with nothing new.
Run: .venv/bin/python bench/bench_alerts.py [--db URL] [--watchlists 24] [--rounds 50]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from harness import CORPUS, SAMPLES, main_commit, pct

from yrd.ingest import ingest
from yrd.upgrade import open_store
from yrd.watch import alerts as A

FILTERS = [{"place": "330400"}, {"place": "310000"}, {"place": "320500"}, {"place": "340100"}, {"place": "330000"},
           {"place": "320000"}, {"event_type": "signing"}, {"event_type": "groundbreaking"}, {"event_type": "meeting"},
           {"query": "一体化"}, {"query": "示范区"}, {"query": "数字经济"}, {"org": "长三角生态绿色一体化发展示范区执行委员会"},
           {"org": "华为"}, {"kind": "target"}, {"kind": "project"}, {"kind": "relation"},
           {"place": "310000", "event_type": "signing"}, {"place": "330000", "kind": "target"},
           {"query": "合作", "place": "320000"}, {"org": "上海市人民政府"}, {"kind": "portfolio"},
           {"event_type": "completion"}, {"query": "高铁"}]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="store URL (default: a new SQLite file in a temporary directory)")
    ap.add_argument("--watchlists", type=int, default=len(FILTERS))
    ap.add_argument("--rounds", type=int, default=50, help="checks with nothing new to time")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yrd-bench-alerts-"))
    url = args.db or f"sqlite:///{tmp / 'kb.db'}"
    corpus = [str(CORPUS / d) for d in ("cctv_xwlb_html", "cctv_xwlb_md", "wind_lujiazui_md", "sina_hexo_md")
              if (CORPUS / d).is_dir()] or [str(SAMPLES)]
    print(f"yrd {main_commit()}; store {url.split('://')[0]}; inputs {', '.join(Path(c).name for c in corpus)}")
    engine = open_store(url)
    with engine.begin() as conn:
        for i in range(args.watchlists):
            A.add(conn, file=str(tmp / f"w{i}.jsonl"), **FILTERS[i % len(FILTERS)])
    t = time.perf_counter()
    summary = ingest(corpus, url)
    print(f"ingest: {summary.new} documents in {time.perf_counter() - t:.1f} s (for scale)")

    t = time.perf_counter()
    c = A.check(engine)
    first = time.perf_counter() - t
    print(f"first check, {args.watchlists} watchlists: {c['documents']} documents, {c['created']} alerts made and "
          f"written in {first:.2f} s ({c['documents'] / first:,.0f} documents/s)")

    ingest([str(SAMPLES)], url)
    t = time.perf_counter()
    c = A.check(engine)
    print(f"check after a poll round's worth of new articles: {c['documents']} documents, {c['created']} alerts "
          f"in {(time.perf_counter() - t) * 1000:.1f} ms")

    times = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        c = A.check(engine)
        times.append((time.perf_counter() - t) * 1000)
        assert c["documents"] == 0 and c["created"] == 0
    print(f"check with nothing new ({args.rounds}x): median {statistics.median(times):.2f} ms, "
          f"p95 {pct(times, 95):.2f} ms")
    engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
