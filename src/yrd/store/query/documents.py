"""Documents: lists, one document's fact sheet, facts with their sources, and the store's totals."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ..rows import DAY0, SEQ_BITS, decompress
from ..schema import counters, documents
from .filters import Filters, _chunks, _doc_nums, copies, counter, newest_first

def list_documents(conn: Connection, f: Filters, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    if f.plain:
        total = counter(conn, "documents")
    elif f.place and Filters(place=f.place) == f:
        total = counter(conn, "place:" + f.place)  # the writer counts the canonical documents of every place
    else:
        total = conn.scalar(select(func.count()).select_from(_doc_nums(f).order_by(None).subquery()))
    nums = list(conn.scalars(newest_first(conn, f, total).limit(limit).offset(offset)))
    found = {r.num: r for r in conn.execute(select(
        documents.c.num, documents.c.id, documents.c.title, documents.c.publisher, documents.c.published_at,
        documents.c.source_url, documents.c.duplicate_of).where(documents.c.num.in_(nums)))}
    rows = [found[n] for n in nums if n in found]
    n = copies(conn, [r.id for r in rows])
    return total, [{"id": r.id, "title": r.title, "source": r.publisher, "published_at": r.published_at,
                    "url": r.source_url, "duplicate_of": r.duplicate_of, "copies": n.get(r.id, 0)} for r in rows]


def factsheet(row) -> dict:
    """The FACTSHEET.md sheet of a ``documents`` row (its compressed sheet with the text put back)."""
    stored = json.loads(decompress(row.sheet))
    sheet = {}
    for k, v in stored.items():
        sheet[k] = v
        if k == "script":
            sheet["text"] = row.text
    sheet.setdefault("text", row.text)
    sheet["duplicate_of"] = row.duplicate_of
    return sheet


def get_document(conn: Connection, doc_id: str, as_of=None) -> dict | None:
    """One document's fact sheet; ``as_of``: the version of its article current then (None if none was stored)."""
    row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
    if row is not None and as_of is not None:
        row = conn.execute(select(documents).where(and_(documents.c.key == row.key, documents.c.ingested_at <= as_of))
                           .order_by(documents.c.version.desc()).limit(1)).first()
    if row is None:
        return None
    sheet = factsheet(row)
    sheet["version"] = row.version
    sheet["is_current"] = row.is_current
    # the id of its article's version current now (a later version, a correction's: where to read it today)
    sheet["current_id"] = row.id if row.is_current else conn.scalar(select(documents.c.id).where(and_(
        documents.c.key == row.key, documents.c.is_current.is_(True))))
    sheet["copies"] = [r[0] for r in conn.execute(select(documents.c.id).where(documents.c.duplicate_of == row.id))]
    return sheet


def fact_data(row) -> dict:
    """A fact row's fact-sheet JSON; place and organisation mentions keep none (their entity has the details)."""
    if row.data:
        return json.loads(row.data)
    if row.kind == "place":
        return {"name": row.label, "code": row.code}
    return {"name": row.label}


def _sources(conn: Connection, nums: set[int]) -> dict[int, dict]:
    """The source of each document: id, title, publisher, date, URL and how many copies it has."""
    docs = {}
    for chunk in _chunks(list(nums)):
        for r in conn.execute(select(documents.c.num, documents.c.id, documents.c.title, documents.c.publisher,
                                     documents.c.published_at, documents.c.source_url).where(documents.c.num.in_(chunk))):
            docs[r.num] = {"id": r.id, "title": r.title, "publisher": r.publisher, "published_at": r.published_at,
                           "url": r.source_url, "copies": 0}
    n = copies(conn, [d["id"] for d in docs.values()])
    for d in docs.values():
        d["copies"] = n.get(d["id"], 0)
    return docs


def _evidence(conn: Connection, fact_rows) -> list[dict]:
    """Each fact with its source document (title, publisher, date) and its span."""
    docs = _sources(conn, {r.doc_num for r in fact_rows})
    out = []
    for r in fact_rows:
        d = docs.get(r.doc_num) or {"id": None, "title": None, "publisher": None, "published_at": None, "url": None,
                                    "copies": 0}
        out.append({"fact": fact_data(r), "kind": r.kind, "source": dict(d),
                    "span": {"start": r.start, "end": r.end, "text": r.text}})
    return out


def stats(conn: Connection, f: Filters | None = None) -> dict:
    """The store's totals (the counts the writer keeps); with ``f.as_of``, counted as the store stood then."""
    if f is not None and f.as_of is not None:
        return _stats_as_of(conn, f)
    canonical = documents.c.canonical.is_(True)
    names = {r.name: r.value for r in conn.execute(select(counters))}
    publishers = sorted(((k.split(":", 1)[1], v) for k, v in names.items() if k.startswith("publisher:") and v > 0),
                        key=lambda kv: (-kv[1], kv[0]))[:20]
    return {
        "documents": names.get("documents", 0),
        "duplicates": names.get("duplicates", 0),
        "old_versions": names.get("old_versions", 0),
        "facts": {k.split(":", 1)[1]: v for k, v in sorted(names.items()) if k.startswith("facts:") and v},
        "entities": {k.split(":", 1)[1]: v for k, v in sorted(names.items()) if k.startswith("entities:") and v},
        "date_range": [_day(conn.scalar(select(func.min(documents.c.num)).where(
                           and_(canonical, documents.c.num >= 1 << SEQ_BITS)))),
                       _day(conn.scalar(select(func.max(documents.c.num)).where(canonical)))],
        "publishers": [{"publisher": p, "documents": n} for p, n in publishers],
    }


def _stats_as_of(conn: Connection, f: Filters) -> dict:
    """:func:`stats` of the store as it stood at ``f.as_of``, counted from the documents and facts of then."""
    from ..schema import entities, facts
    from .filters import where

    then = where(f)
    stored = documents.c.ingested_at <= f.as_of
    copies_then = Filters(include_duplicates=True, as_of=f.as_of)
    n_docs = conn.scalar(select(func.count()).where(then)) or 0
    n_current = conn.scalar(select(func.count()).where(where(copies_then))) or 0
    n_stored = conn.scalar(select(func.count()).where(stored)) or 0
    by_kind = dict(conn.execute(select(facts.c.kind, func.count()).select_from(
        facts.join(documents, documents.c.num == facts.c.doc_num)).where(then).group_by(facts.c.kind)).all())
    ents = dict(conn.execute(select(entities.c.kind, func.count(func.distinct(entities.c.id))).select_from(
        facts.join(documents, documents.c.num == facts.c.doc_num).join(entities, entities.c.id == facts.c.entity_id))
        .where(then).group_by(entities.c.kind)).all())
    low, high = conn.execute(select(func.min(documents.c.num), func.max(documents.c.num)).where(
        and_(then, documents.c.num >= 1 << SEQ_BITS))).one()
    publishers = conn.execute(select(documents.c.publisher, func.count()).where(
        and_(then, documents.c.publisher.is_not(None))).group_by(documents.c.publisher)
        .order_by(func.count().desc(), documents.c.publisher).limit(20)).all()
    return {"as_of": f.as_of.isoformat() + "Z", "documents": n_docs, "duplicates": n_current - n_docs,
            "old_versions": n_stored - n_current, "facts": {k: v for k, v in sorted(by_kind.items()) if v},
            "entities": {k: v for k, v in sorted(ents.items()) if v}, "date_range": [_day(low), _day(high)],
            "publishers": [{"publisher": p, "documents": n} for p, n in publishers]}


def _day(num: int | None) -> date | None:
    """The publication day a ``documents.num`` holds (an index lookup away, where min(published_date) is a scan)."""
    if num is None or num >> SEQ_BITS == 0:
        return None
    return date.fromordinal((num >> SEQ_BITS) + DAY0)
