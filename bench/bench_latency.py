"""Search and API latency (p50/p95) on a store, over loopback HTTP to a real uvicorn server.

Each endpoint's first request is reported apart ("cold"): the target tracker caches the reports it looks up
until the store changes, and the database's pages come into memory.
Stores of 100,000 documents and more: bench/bench_ingest.py --scale 100 --keep DIR (100x the corpus).
Run: .venv/bin/python bench/bench_latency.py --db /tmp/yrd-100x.db [--rounds 20]
"""
from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from yrd.api import create_app
from yrd.store import make_engine
from yrd.store import query as Q

QUERIES = [q for q in (Path(__file__).resolve().parent.parent / "tests" / "store" / "search_queries.txt")
           .read_text(encoding="utf-8").splitlines() if q.strip() and not q.startswith("#")]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--ingest", metavar="CORPUS", help="make the store from CORPUS first if it does not exist")
    args = ap.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    if args.ingest and "://" not in args.db and not Path(args.db).exists():
        from yrd.ingest import ingest

        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
        ingest([args.ingest], url, workers=2, batch_size=200)
    engine = make_engine(url)
    with engine.connect() as conn:
        n = Q.stats(conn)["documents"]
        for q in QUERIES:  # the first round reads the index into memory: not what a user waits for
            Q.search(conn, q, Q.Filters(), limit=20)
        doc_id = Q.list_documents(conn, Q.Filters(), 1)[1][0]["id"]
        times = []
        for _ in range(max(1, args.rounds // 10)):
            for q in QUERIES:
                t = time.perf_counter()
                Q.search(conn, q, Q.Filters(), limit=20)
                times.append((time.perf_counter() - t) * 1000)
    print(f"store: {url} ({n:,} canonical documents)")
    print(f"search (library, {len(QUERIES)} queries x {max(1, args.rounds // 10)}): "
          f"p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    endpoints = ["/api/stats", "/api/documents?limit=50", "/api/documents?place=330400&limit=50",
                 f"/api/documents/{doc_id}", "/api/search?q=长三角一体化", "/api/search?q=嘉善&from=2023",
                 "/api/places?limit=500", "/api/places/330421", "/api/events?limit=100", "/api/projects?limit=50",
                 "/api/targets?limit=50", "/api/relations?type=cooperation"]
    print(f"{'endpoint':42} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
        for ep in endpoints:
            t = time.perf_counter()
            client.get(ep).raise_for_status()
            cold = (time.perf_counter() - t) * 1000
            ts = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                r = client.get(ep)
                ts.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
            print(f"{ep:42} {cold:8.1f} {pct(ts, 50):8.1f} {pct(ts, 95):8.1f}")
    server.should_exit = True


if __name__ == "__main__":
    main()
