"""End-to-end ingest throughput per core, each stage's share, workers 1 vs 2, and peak memory.

  - read -> clean -> extract -> dedup signature -> store -> index, over ../shared/corpus, CPU seconds
    of one process, next to trafilatura.extract alone on the same HTML pages;
  - the share of each stage (timed separately on the same documents);
  - wall time with --workers 1 and --workers 2;
  - peak RSS of `yrd ingest` on N perturbed copies of the corpus (--scale 10 100 …; bench/perturb.py).
Run: .venv/bin/python bench/bench_ingest.py [CORPUS] [--scale 10]
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine

from yrd.clean import clean
from yrd.errors import InputError, Rejected
from yrd.extract.pipeline import extract_all
from yrd.ingest import ingest
from yrd.read import read_input
from yrd.store import migrate
from yrd.store.write import prepare, write_batch

ROOT = Path(__file__).resolve().parent.parent


def stage_shares(files: list[Path]) -> dict[str, float]:
    t = {"read": 0.0, "clean": 0.0, "extract": 0.0, "sign": 0.0, "store+index": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/s.db")
        migrate(engine)
        batch = []
        for path in files:
            c0 = time.process_time()
            raws = [r for r in read_input(str(path)) if not isinstance(r, InputError)]
            c1 = time.process_time()
            t["read"] += c1 - c0
            for raw in raws:
                c1 = time.process_time()
                try:
                    doc = clean(raw)
                except Rejected:
                    continue
                c2 = time.process_time()
                extract_all(doc)
                c3 = time.process_time()
                item = prepare(doc)
                c4 = time.process_time()
                t["clean"] += c2 - c1
                t["extract"] += c3 - c2
                t["sign"] += c4 - c3
                batch.append(item)
                if len(batch) >= 100:
                    c5 = time.process_time()
                    with engine.begin() as conn:
                        write_batch(conn, batch)
                    t["store+index"] += time.process_time() - c5
                    batch.clear()
        c5 = time.process_time()
        with engine.begin() as conn:
            write_batch(conn, batch)
        t["store+index"] += time.process_time() - c5
    return t


def timed_ingest(paths: list[str], workers: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        w0, c0 = time.perf_counter(), time.process_time()
        s = ingest(paths, f"sqlite:///{tmp}/i.db", workers=workers, batch_size=200)
        return time.perf_counter() - w0, time.process_time() - c0, s.documents


def peak_rss(paths: list[str]) -> tuple[float, int, float]:
    """Peak RSS (MB) of a `yrd ingest` subprocess (workers 1), its document count and wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "yrd", "ingest", *paths, "--db", f"{tmp}/m.db", "--no-progress",
                               "--batch", "200"], capture_output=True, text=True)
        wall = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        docs = 0
        for line in proc.stderr.splitlines():
            if "document(s):" in line:
                docs = int(line.split(" input(s), ")[1].split(" ")[0])
        return max(peak, before) / 1024, docs, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--scale", type=int, nargs="*", default=[], help="peak memory on N perturbed corpus copies")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"bench: corpus not found at {corpus}")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv"))
    html = [p for p in files if p.suffix == ".shtml"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"corpus {len(files)} files ({len(html)} HTML pages)")

    wall, cpu, docs = timed_ingest([str(p) for p in html], 1)
    import trafilatura

    data = [p.read_bytes() for p in html]
    c0 = time.process_time()
    for d in data:
        trafilatura.extract(d)
    traf = time.process_time() - c0
    print(f"\nend-to-end ingest (read, clean, extract, dedup, store, index), HTML pages, one core:")
    print(f"  yrd ingest          {len(html) / cpu:7.1f} documents per CPU second ({cpu:.1f} s)")
    print(f"  trafilatura.extract {len(html) / traf:7.1f} documents per CPU second ({traf:.1f} s)")
    print(f"  ratio               {traf / cpu:7.2f}x (goal >= 2x)")

    shares = stage_shares(files)
    total = sum(shares.values())
    print("\nstage shares (all corpus files):")
    for k, v in shares.items():
        print(f"  {k:12} {v / total:6.1%}  {v:6.1f} s")

    w1, _, n1 = timed_ingest([str(corpus)], 1)
    w2, _, n2 = timed_ingest([str(corpus)], 2)
    print(f"\nworkers (whole corpus, {n1} documents, wall time): --workers 1 {w1:.1f} s ({n1 / w1:.1f} docs/s); "
          f"--workers 2 {w2:.1f} s ({n2 / w2:.1f} docs/s); speed-up {w1 / w2:.2f}x (goal >= 1.8x)")

    for n in args.scale:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, str(ROOT / "bench" / "perturb.py"), str(corpus), tmp, "--times", str(n)],
                           check=True, capture_output=True)
            mb, docs, secs = peak_rss([tmp])
            print(f"peak RSS at {n}x the corpus ({docs} documents, {secs:.0f} s): {mb:.0f} MB")


if __name__ == "__main__":
    main()
