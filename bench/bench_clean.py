"""Reading + cleaning throughput over ../shared/corpus, next to trafilatura alone on the same files.

Prints documents per second (CPU time of this one process, i.e. per core) for
  - yrd read + clean on every corpus file,
  - yrd read + clean on the HTML pages only,
  - trafilatura.extract alone on the same HTML pages (and on every file).
Run: .venv/bin/python bench/bench_clean.py [--repeat N] [CORPUS_DIR]
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from yrd.clean import clean
from yrd.errors import InputError, Rejected
from yrd.read import read_input

ROOT = Path(__file__).resolve().parent.parent


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv"))


def run_yrd(files: list[Path]) -> tuple[float, int, int]:
    docs = chars = 0
    start = time.process_time()
    for path in files:
        for raw in read_input(str(path)):
            if isinstance(raw, InputError):
                continue
            try:
                doc = clean(raw)
            except Rejected:
                continue
            docs += 1
            chars += len(doc.text)
    return time.process_time() - start, docs, chars


def run_trafilatura(files: list[Path]) -> tuple[float, int, int]:
    import trafilatura

    texts = [p.read_bytes() for p in files]
    docs = chars = 0
    start = time.process_time()
    for data in texts:
        out = trafilatura.extract(data, include_comments=False)
        if out:
            docs += 1
            chars += len(out)
    return time.process_time() - start, docs, chars


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"bench: corpus not found at {corpus}; pass its path")
    files = corpus_files(corpus)
    html = [p for p in files if p.suffix in (".shtml", ".html", ".htm")]
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; corpus: {len(files)} files ({len(html)} HTML pages)")
    rows = []
    for label, fn, subset in (
        ("yrd read+clean, all files", run_yrd, files),
        ("yrd read+clean, HTML pages", run_yrd, html),
        ("trafilatura.extract, HTML pages", run_trafilatura, html),
        ("trafilatura.extract, all files", run_trafilatura, files),
    ):
        best = min((fn(subset) for _ in range(args.repeat)), key=lambda r: r[0])
        secs, docs, chars = best
        rows.append((label, len(subset), docs, secs, len(subset) / secs, chars / secs))
    print(f"{'stage':34} {'files':>6} {'docs':>6} {'cpu s':>7} {'files/s':>8} {'chars/s':>10}")
    for label, n, docs, secs, fps, cps in rows:
        print(f"{label:34} {n:6d} {docs:6d} {secs:7.2f} {fps:8.1f} {cps:10.0f}")
    ratio = rows[1][4] / rows[2][4]
    print(f"\nyrd / trafilatura on the same HTML pages: {ratio:.2f}x (files per CPU second, one core)")


if __name__ == "__main__":
    main()
