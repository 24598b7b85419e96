#!/usr/bin/env python3
"""Dump every table of a store in a canonical text form, to prove that a change leaves the store identical.

    python bench/dump_store.py --db sqlite:///kb.db -o before.dump
    ... change the code, ingest the same input into a new store ...
    python bench/dump_store.py --db sqlite:///kb2.db -o after.dump && cmp before.dump after.dump

Rows are written as sorted-key JSON, tables and rows in a fixed order; compressed columns (raw bytes, fact
sheets) are decompressed, the full-text index is dumped term by term (FTS5's ``fts5vocab`` on SQLite, the
``tsvector`` on PostgreSQL). What depends on the clock (``ingested_at``, ``ingest_log``) is left out. Columns
that a schema migration renamed are dumped under their newest names (``--legacy`` maps the old ones), so a dump
of a store made before the migration compares equal to one made after.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import inspect, text  # noqa: E402

from yrd.store import make_engine  # noqa: E402

SKIP_TABLES = {"ingest_log", "alembic_version", "search_terms", "search_fts", "search_index"}
SKIP_COLUMNS = {"ingested_at"}
ORDER = {"documents": "num", "facts": "id", "entities": "id"}


def _value(table: str, column: str, v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        v = bytes(v)
        if column in ("raw", "sheet"):
            import zstandard

            v = zstandard.ZstdDecompressor().decompress(v)
            return v.decode("utf-8", "replace") if column == "sheet" else hashlib.sha1(v).hexdigest()
        return base64.b64encode(v).decode()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def facts_logical(row: dict) -> dict:
    """A fact row in the newest schema's terms: an event's or relation's ``type``, a target's ``deadline``."""
    row = dict(row)
    if "event_type" in row:
        row["type"] = row.pop("event_type")
        if row["kind"] == "target":
            row["deadline"] = int(row["date"]) if row.get("date") else None
            row["date"] = None
        else:
            row.setdefault("deadline", None)
    return row


def dump(url: str, out) -> None:
    engine = make_engine(url)
    insp = inspect(engine)
    with engine.connect() as conn:
        for table in sorted(insp.get_table_names()):
            if table in SKIP_TABLES or table.startswith("search_fts"):
                continue
            cols = [c["name"] for c in insp.get_columns(table) if c["name"] not in SKIP_COLUMNS]
            pk = ORDER.get(table) or ", ".join(f'"{c}"' for c in cols)
            out.write(f"## {table}\n")
            for r in conn.execute(text(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}" '
                                       f"ORDER BY {pk}")):
                row = {c: _value(table, c, v) for c, v in zip(cols, r)}
                if table == "facts":
                    row = facts_logical(row)
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        out.write("## search index\n")
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, search_fts, "
                                 "'instance')")
            for term, doc, off in conn.exec_driver_sql("SELECT term, doc, offset FROM temp.fts_vocab "
                                                       "ORDER BY doc, offset, term"):
                out.write(f"{doc}\t{off}\t{term}\n")
        else:
            for num, tsv in conn.execute(text("SELECT doc_num, tsv::text FROM search_index ORDER BY doc_num")):
                out.write(f"{num}\t{tsv}\n")
    engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="SQLAlchemy URL of the store")
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    dump(args.db, out)
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
