"""``yrd export``: the filtered knowledge base as JSON lines, CSV, Excel, GeoJSON or Parquet.

Every format reads the same documents ``query.where(filters)`` selects (current,
canonical unless duplicates are asked for), in published order, streamed.
"""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, islice

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, and_, func, select
from sqlalchemy.engine import Connection

from .errors import YrdError
from .model import EXPORT_FORMATS, EXPORT_TABLES
from .store import query
from .store.query import Filters, where
from .store.schema import documents, entities, facts

FORMATS, TABLES = EXPORT_FORMATS, EXPORT_TABLES
BINARY = ("xlsx", "parquet")
SEP = "；"
BATCH = 500
FX = facts.alias("fx")  # the outer facts, aliased so no EXISTS in query.where can correlate to it
_PUBLISHED = (documents.c.published_date.asc().nulls_last(), documents.c.published_at, documents.c.id)


def export(conn: Connection, fmt: str, out: str | None, filters: Filters, table: str = "documents") -> int:
    """Write the documents ``filters`` select to ``out`` (None or "-": stdout) in ``fmt``; returns records written.

    Records are the chosen table's rows for csv, documents for jsonl, xlsx and parquet, features for geojson.
    """
    if fmt not in FORMATS:
        raise YrdError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if table not in TABLES:
        raise YrdError(f"table {table!r}: expected one of {', '.join(TABLES)}")
    if table != "documents" and fmt != "csv":
        raise YrdError(f"--table {table} applies to --format csv only (xlsx has every table as a sheet)")
    if fmt in BINARY and out in (None, "-"):
        raise YrdError(f"--format {fmt} needs --output FILE")
    filters.validate()
    if fmt == "jsonl":
        with _text_out(out) as fh:
            return _jsonl(conn, filters, fh)
    if fmt == "csv":
        with _text_out(out, bom=True, newline="") as fh:
            return _csv(conn, filters, table, fh)
    if fmt == "geojson":
        with _text_out(out) as fh:
            return _geojson(conn, filters, fh)
    if fmt == "xlsx":
        return _xlsx(conn, filters, out)
    return _parquet(conn, filters, out)


# --- output targets ------------------------------------------------------------------------------------


@contextmanager
def _atomic(path: str) -> Iterator[str]:
    """A temporary path beside ``path``, renamed over it only when writing succeeded."""
    tmp = path + ".part"
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise YrdError(f"{path}: cannot write the export ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextmanager
def _text_out(out: str | None, bom: bool = False, newline: str | None = None):
    encoding = "utf-8-sig" if bom else "utf-8"
    if out in (None, "-"):
        sys.stdout.flush()
        buf = getattr(sys.stdout, "buffer", None)
        if buf is None:  # a text-only stream (tests, notebooks)
            if bom:
                sys.stdout.write("\ufeff")
            yield sys.stdout
            return
        wrapper = io.TextIOWrapper(buf, encoding=encoding, newline=newline)
        try:
            yield wrapper
        finally:
            wrapper.flush()
            wrapper.detach()
        return
    with _atomic(out) as tmp:
        with open(tmp, "w", encoding=encoding, newline=newline) as fh:
            yield fh


# --- rows --------------------------------------------------------------------------------------------


def _stream(conn: Connection, stmt):
    return conn.execute(stmt.execution_options(yield_per=BATCH))


def _jsonl(conn: Connection, f: Filters, fh) -> int:
    n = 0
    stmt = select(documents.c.duplicate_of, documents.c.sheet, documents.c.text).where(where(f)).order_by(*_PUBLISHED)
    for row in _stream(conn, stmt):
        sheet = query.factsheet(row)
        fh.write(json.dumps(sheet, ensure_ascii=False) + "\n")
        n += 1
    return n


DOC_COLUMNS = ("id", "title", "published_at", "publisher", "author", "url", "path", "format", "script", "duplicate_of",
               "similarity", "places", "adcodes", "organizations", "people", "n_amounts", "n_targets", "n_events",
               "n_relations", "chars")


def _documents_rows(conn: Connection, f: Filters) -> Iterator[tuple]:
    stmt = (select(documents.c.id, documents.c.title, documents.c.published_at, documents.c.publisher,
                   documents.c.author, documents.c.source_url, documents.c.source_path, documents.c.format,
                   documents.c.script, documents.c.duplicate_of, documents.c.similarity, documents.c.sheet,
                   documents.c.text)
            .where(where(f)).order_by(*_PUBLISHED))
    for r in _stream(conn, stmt):
        s = query.factsheet(r)
        yield (r.id, r.title, r.published_at, r.publisher, r.author, r.source_url, r.source_path, r.format, r.script,
               r.duplicate_of, r.similarity, SEP.join(p["name"] for p in s.get("places", [])),
               SEP.join(p["adcode"] for p in s.get("places", []) if p.get("adcode")),
               SEP.join(o["name"] for o in s.get("organizations", [])),
               SEP.join(p["name"] for p in s.get("people", [])),
               len(s.get("amounts", [])), len(s.get("targets", [])), len(s.get("events", [])),
               len(s.get("relations", [])), len(s.get("text", "")))


FACT_COLUMNS = ("doc_id", "kind", "label", "code", "type", "date", "deadline", "value", "unit", "start", "end", "text")


def _facts_stmt(f: Filters, *cols, kind: str | None = None):
    kind = kind or f.kind  # --kind: only facts of that kind
    cond = [where(f)] + ([FX.c.kind == kind] if kind else [])
    return (select(*cols).select_from(FX.join(documents, documents.c.num == FX.c.doc_num)).where(and_(*cond))
            .order_by(*_PUBLISHED, FX.c.start, FX.c.id))


def _fact_column(name: str):
    return documents.c.id.label("doc_id") if name == "doc_id" else FX.c[name]


def _facts_rows(conn: Connection, f: Filters) -> Iterator[tuple]:
    yield from (tuple(r) for r in _stream(conn, _facts_stmt(f, *(_fact_column(c) for c in FACT_COLUMNS))))


PROJECT_COLUMNS = ("name", "aliases", "places", "adcodes", "stage", "stage_date", "investment", "investment_unit",
                   "investment_approx", "investment_source", "n_sources", "sources")


def _projects_rows(conn: Connection, f: Filters) -> Iterator[tuple]:
    _, items = query.projects(conn, f, limit=10**9)
    sources: dict[int, list[str]] = {}
    rows = conn.execute(select(FX.c.entity_id, documents.c.id, documents.c.published_date, documents.c.published_at)
                        .distinct()
                        .select_from(FX.join(documents, documents.c.num == FX.c.doc_num))
                        .where(and_(FX.c.entity_id.in_([p["id"] for p in items]), where(f))).order_by(*_PUBLISHED))
    for eid, doc_id, *_ in rows:
        sources.setdefault(eid, []).append(doc_id)
    for p in items:
        inv = p["investment"] or {}
        ids = sources.get(p["id"], [])
        yield (p["name"], SEP.join(p["aliases"]), SEP.join(x["name"] for x in p["places"]),
               SEP.join(x["adcode"] for x in p["places"] if x["adcode"]), p["stage"], p["stage_date"],
               inv.get("value"), inv.get("unit"), inv.get("approx"), (inv.get("source") or {}).get("title"),
               len(ids), SEP.join(ids))


TARGET_COLUMNS = ("deadline", "metric", "value", "unit", "approx", "subject", "status", "report_value", "report_unit",
                  "report_date", "report_title", "source_id", "source_title", "source_date", "text")


def _targets_rows(conn: Connection, f: Filters) -> Iterator[tuple]:
    _, items = query.targets(conn, f, limit=10**9)
    for t in items:
        rep = t["latest_report"] or {}
        yield (t["deadline"], t["metric"], t["value"], t["unit"], t["approx"], t["subject"], t["status"],
               rep.get("value"), rep.get("unit"), rep.get("published_at"), (rep.get("source") or {}).get("title"),
               t["source"]["id"], t["source"]["title"], t["source"]["published_at"], t["span"]["text"])


RELATION_COLUMNS = ("type", "parties", "topic", "doc_id", "title", "date", "text")


def _relations_rows(conn: Connection, f: Filters) -> Iterator[tuple]:
    stmt = _facts_stmt(f, FX.c.type, FX.c.data, documents.c.id.label("doc_id"), documents.c.title,
                       documents.c.published_date, FX.c.text, kind="relation")
    for r in _stream(conn, stmt):
        data = json.loads(r.data)
        yield (r.type, SEP.join(data.get("parties", [])), data.get("topic"), r.doc_id, r.title,
               r.published_date.isoformat() if r.published_date else None, r.text)


_TABLES = {"documents": (DOC_COLUMNS, _documents_rows), "facts": (FACT_COLUMNS, _facts_rows),
           "projects": (PROJECT_COLUMNS, _projects_rows), "targets": (TARGET_COLUMNS, _targets_rows),
           "relations": (RELATION_COLUMNS, _relations_rows)}


def _csv(conn: Connection, f: Filters, table: str, fh) -> int:
    header, rows = _TABLES[table]
    w = csv.writer(fh)
    w.writerow(header)
    n = 0
    for row in rows(conn, f):
        w.writerow(row)
        n += 1
    return n


# --- xlsx --------------------------------------------------------------------------------------------


def _xlsx(conn: Connection, f: Filters, out: str) -> int:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise YrdError("--format xlsx needs openpyxl (pip install openpyxl)") from None
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(ws, value):
        if not isinstance(value, str):
            return value
        c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:32767])
        c.data_type = "s"  # untrusted text: always a string, never a formula
        return c

    def width(v) -> int:
        s = "" if v is None else str(v)
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s[:80])

    counts = {}
    for name, (header, rows) in _TABLES.items():
        ws = wb.create_sheet(name)
        it = rows(conn, f)
        head = list(islice(it, 200))  # sample rows for column widths, set before the first row is written
        for i, col in enumerate(header):
            w = max([width(col)] + [width(r[i]) for r in head])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(w + 2, 8), 60)
        ws.freeze_panes = "A2"
        first = []
        for col in header:
            c = WriteOnlyCell(ws, value=col)
            c.font = bold
            first.append(c)
        ws.append(first)
        n = 0
        for row in chain(head, it):
            ws.append([cell(ws, v) for v in row])
            n += 1
        counts[name] = n
    with _atomic(out) as tmp:
        wb.save(tmp)
    return counts["documents"]


# --- geojson -----------------------------------------------------------------------------------------


def _geojson(conn: Connection, f: Filters, fh) -> int:
    canonical = func.coalesce(documents.c.duplicate_of, documents.c.id)
    stmt = (select(FX.c.entity_id, canonical.label("doc"), func.count().label("n"),
                   func.max(documents.c.published_at).label("pub"))
            .select_from(FX.join(documents, documents.c.num == FX.c.doc_num))
            .where(and_(FX.c.kind == "place", FX.c.entity_id.is_not(None), where(f)))
            .group_by(FX.c.entity_id, canonical))
    seen: dict[int, dict] = {}
    for r in _stream(conn, stmt):
        e = seen.setdefault(r.entity_id, {"mentions": 0, "docs": []})
        e["mentions"] += r.n
        e["docs"].append((r.pub or "", r.doc))
    ents = conn.execute(select(entities.c.id, entities.c.name, entities.c.code, entities.c.subkind, entities.c.lat,
                               entities.c.lon).where(and_(entities.c.id.in_(list(seen)), entities.c.lat.is_not(None),
                                                          entities.c.lon.is_not(None)))).all()
    features = []
    for e in ents:
        s = seen[e.id]
        docs = [d for _, d in sorted(s["docs"], reverse=True)]  # most recent first
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
                         "properties": {"name": e.name, "adcode": e.code, "level": e.subkind, "documents": len(docs),
                                        "mentions": s["mentions"], "document_ids": docs[:20]}})
    features.sort(key=lambda x: (-x["properties"]["documents"], -x["properties"]["mentions"], x["properties"]["name"]))
    json.dump({"type": "FeatureCollection", "features": features}, fh, ensure_ascii=False)
    fh.write("\n")
    return len(features)


# --- parquet -----------------------------------------------------------------------------------------


def _arrow_schema(pa, table, skip=()):
    def typ(t):
        if isinstance(t, Boolean):
            return pa.bool_()
        if isinstance(t, Integer):
            return pa.int64()
        if isinstance(t, Float):
            return pa.float64()
        if isinstance(t, DateTime):
            return pa.timestamp("us")
        if isinstance(t, Date):
            return pa.date32()
        return pa.string()

    return pa.schema([(c.name, typ(c.type)) for c in table.columns if c.name not in skip])


def _write_parquet(pa, pq, path: str, schema, rows) -> int:
    n = 0
    with _atomic(path) as tmp:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as w:
            while batch := list(islice(rows, 5000)):
                w.write_table(pa.Table.from_pylist([r if isinstance(r, dict) else dict(r._mapping) for r in batch],
                                                   schema=schema))
                n += len(batch)
            if n == 0:
                w.write_table(schema.empty_table())
    return n


def _parquet(conn: Connection, f: Filters, out: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise YrdError("--format parquet needs pyarrow (pip install pyarrow)") from None
    doc_schema = _arrow_schema(pa, documents, skip=("raw", "sheet")).append(pa.field("factsheet", pa.string()))
    stmt = (select(*(documents.c[n] for n in doc_schema.names if n != "factsheet"), documents.c.sheet)
            .where(where(f)).order_by(*_PUBLISHED))

    def with_sheet(rows):  # the fact sheet as JSON text, as `--format jsonl` writes it
        for r in rows:
            d = dict(r._mapping)
            d.pop("sheet")
            d["factsheet"] = json.dumps(query.factsheet(r), ensure_ascii=False)
            yield d

    n = _write_parquet(pa, pq, out, doc_schema, with_sheet(_stream(conn, stmt)))
    if out.endswith(".parquet"):
        fact_schema = _arrow_schema(pa, facts).append(pa.field("doc_id", pa.string()))
        rows = _stream(conn, _facts_stmt(f, *(_fact_column(c) for c in fact_schema.names)))

        def with_data(rows):  # every fact with its JSON (mentions take theirs from the entity)
            for r in rows:
                d = dict(r._mapping)
                d["data"] = r.data or json.dumps(query.fact_data(r), ensure_ascii=False)
                yield d

        _write_parquet(pa, pq, out[: -len(".parquet")] + ".facts.parquet", fact_schema, with_data(rows))
    return n
