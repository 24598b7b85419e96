"""Grow a SQLite knowledge base to N documents for latency benchmarks, by replicating the corpus.

The corpus is ingested once (the real pipeline); then its documents, facts and
search terms are copied with new ids, shifted publication dates and keys, in
SQL, until the store holds N documents — what latency depends on (table and
index sizes) without hours of extraction. Links and LSH bands are not copied.
Run: .venv/bin/python bench/make_big_store.py --docs 100000 --db /tmp/yrd-100k.db [CORPUS]
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

from yrd.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
DOC_COLS = ("key", "version", "is_current", "source_path", "source_url", "format", "publisher", "author", "title",
            "published_at", "published_date", "script", "text", "original_text", "raw", "encoding", "duplicate_of",
            "similarity", "factsheet", "ingested_at")
FACT_COLS = ("kind", "start", "end", "text", "label", "code", "event_type", "date", "value", "unit", "entity_id", "data")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--db", required=True, help="path of the SQLite file to create")
    args = ap.parse_args()
    path = Path(args.db)
    if path.exists():
        sys.exit(f"{path} exists; remove it first")
    t0 = time.time()
    ingest([args.corpus], f"sqlite:///{path}", workers=2, batch_size=200)
    con = sqlite3.connect(path)
    base = con.execute("select count(*) from documents").fetchone()[0]
    print(f"ingested the corpus: {base} documents in {time.time() - t0:.0f} s", flush=True)
    con.execute("create temp table seed as select id from documents")
    k = 1
    while con.execute("select count(*) from documents").fetchone()[0] < args.docs:
        suffix = f"-{k}"
        cols = ", ".join(f'"{c}"' for c in DOC_COLS)
        sel = ", ".join(
            {"key": f"key || '{suffix}'",
             "published_date": f"date(published_date, '-{k} days')",
             "duplicate_of": f"CASE WHEN duplicate_of IS NULL THEN NULL ELSE duplicate_of || '{suffix}' END"}
            .get(c, f'"{c}"') for c in DOC_COLS)
        con.execute(f"insert into documents (id, {cols}) select id || '{suffix}', {sel} from documents "
                    f"where id in (select id from seed)")
        fcols = ", ".join(f'"{c}"' for c in FACT_COLS)
        con.execute(f"insert into facts (doc_id, {fcols}) select doc_id || '{suffix}', {fcols} from facts "
                    f"where doc_id in (select id from seed)")
        con.execute(f"insert into search_terms (doc_id, terms) select doc_id || '{suffix}', terms from search_terms "
                    f"where doc_id in (select id from seed)")
        con.commit()
        k += 1
        if k % 10 == 0:
            n = con.execute("select count(*) from documents").fetchone()[0]
            print(f"  {n:,} documents ({time.time() - t0:.0f} s)", flush=True)
    con.execute("analyze")
    con.commit()
    n = con.execute("select count(*) from documents").fetchone()[0]
    print(f"{path}: {n:,} documents, {path.stat().st_size / 2**30:.2f} GB, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
