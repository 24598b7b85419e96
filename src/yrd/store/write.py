"""Write documents into the knowledge base: once each, in transactional batches, with their facts linked.

A batch is one transaction: killed at any moment, the store holds whole
documents only, and running the same command again adds exactly what is
missing (documents are keyed by the hash of their bytes).
"""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from .. import dedup
from ..model import Document
from ..extract.text import sentences
from .schema import documents, entities, facts, links, lsh_bands, minhash, search_terms
from ..search.terms import document_terms

_RAIL = re.compile(r"(?:高速铁路|城际铁路|高铁|城际|铁路)$")
_COMPANY = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")
_INVEST = re.compile(r"投资|总投资|投入|资金|造价|金额|融资")


def org_key(name: str) -> str:
    """The normalised name that identifies an organisation or project across articles (沪苏湖高铁 = 沪苏湖铁路)."""
    key = re.sub(r"\s+", "", name)
    key = _RAIL.sub("铁路", key)
    key = _COMPANY.sub("公司", key)
    return key


@dataclass
class Prepared:
    """A document ready to store: computed in a worker, written by the single writer."""

    doc: Document
    signature: bytes


@dataclass
class BatchResult:
    new: int = 0
    unchanged: int = 0
    duplicates: int = 0
    versions: int = 0
    new_ids: list[str] = field(default_factory=list)


def prepare(doc: Document) -> Prepared:
    return Prepared(doc, dedup.to_bytes(dedup.signature(doc.text)))


def _pub_date(published_at: str | None) -> date | None:
    if not published_at:
        return None
    try:
        y, m, d = (published_at[:10].split("-") + ["1", "1"])[:3]
        return date(int(y), int(m or 1), int(d or 1))
    except ValueError:
        return None


def _doc_key(doc: Document) -> str:
    if doc.source.url:
        return doc.source.url[:700]
    return f"{doc.source.path or ''}#{doc.title}"[:700]


def write_batch(conn: Connection, batch: list[Prepared]) -> BatchResult:
    result = BatchResult()
    ids = [p.doc.id for p in batch]
    existing = set(conn.scalars(select(documents.c.id).where(documents.c.id.in_(ids))))
    seen: set[str] = set()
    for item in batch:
        doc = item.doc
        if doc.id in existing or doc.id in seen:
            result.unchanged += 1
            continue
        seen.add(doc.id)
        key = _doc_key(doc)
        previous = conn.execute(select(documents.c.id, documents.c.version)
                                .where(and_(documents.c.key == key, documents.c.is_current.is_(True)))).first()
        version = 1
        if previous is not None:
            version = previous.version + 1
            conn.execute(update(documents).where(documents.c.id == previous.id).values(is_current=False))
            result.versions += 1
        duplicate_of, sim = _find_canonical(conn, doc, item.signature, key)
        if duplicate_of:
            result.duplicates += 1
        _insert_document(conn, doc, key, version, duplicate_of, sim, item.signature)
        result.new += 1
        result.new_ids.append(doc.id)
    return result


_CANDIDATES = select(lsh_bands.c.doc_id).where(lsh_bands.c.bucket.in_(bindparam("buckets", expanding=True))).distinct()


def _find_canonical(conn: Connection, doc: Document, sig_bytes: bytes, key: str) -> tuple[str | None, float | None]:
    sig = dedup.from_bytes(sig_bytes)
    buckets = [k for _, k in dedup.band_keys(sig)]
    candidates = set(conn.scalars(_CANDIDATES, {"buckets": buckets}))
    if not candidates:
        return None, None
    rows = conn.execute(
        select(documents.c.id, documents.c.duplicate_of, documents.c.key, minhash.c.signature)
        .join(minhash, minhash.c.doc_id == documents.c.id)
        .where(documents.c.id.in_(candidates), documents.c.is_current.is_(True))
    ).all()
    best, best_sim = None, 0.0
    for row in rows:
        if row.key == key:
            continue  # an older version of the same article is not a repost
        s = dedup.similarity(sig, dedup.from_bytes(row.signature))
        if s > best_sim:
            best, best_sim = row, s
    if best is None or best_sim < dedup.THRESHOLD:
        return None, None
    canonical_id = best.duplicate_of or best.id
    canonical = conn.execute(select(documents.c.published_at, documents.c.script, documents.c.factsheet)
                             .where(documents.c.id == canonical_id)).first()
    if canonical is not None and _outranks(doc, canonical):
        # the newcomer is the better copy (earlier, original script, cleaner page): it becomes canonical
        conn.execute(update(documents).where(documents.c.duplicate_of == canonical_id).values(duplicate_of=doc.id))
        conn.execute(update(documents).where(documents.c.id == canonical_id)
                     .values(duplicate_of=doc.id, similarity=best_sim))
        return None, None
    return canonical_id, best_sim


def _outranks(doc: Document, canonical) -> bool:
    class _Old:  # the stored canonical, as dedup.authority reads it
        published_at = canonical.published_at
        script = canonical.script
        meta = json.loads(canonical.factsheet).get("meta", {})

    return dedup.authority(doc) < dedup.authority(_Old)


def _insert_document(conn: Connection, doc: Document, key: str, version: int, duplicate_of: str | None,
                     sim: float | None, sig_bytes: bytes) -> None:
    sheet = doc.factsheet()
    sheet["duplicate_of"] = duplicate_of
    conn.execute(insert(documents).values(
        id=doc.id, key=key, version=version, is_current=True, source_path=doc.source.path, source_url=doc.source.url,
        format=doc.source.format, publisher=(doc.source.publisher or None) and doc.source.publisher[:200],
        author=(doc.source.author or None) and doc.source.author[:200], title=doc.title,
        published_at=doc.published_at, published_date=_pub_date(doc.published_at), script=doc.script, text=doc.text,
        original_text=doc.original_text if doc.original_text != doc.text else None,
        raw=zlib.compress(doc.raw, 6) if doc.raw else None, encoding=doc.encoding[:80], duplicate_of=duplicate_of,
        similarity=sim, factsheet=json.dumps(sheet, ensure_ascii=False), ingested_at=datetime.now(timezone.utc).replace(tzinfo=None),
    ))
    conn.execute(insert(minhash).values(doc_id=doc.id, signature=sig_bytes))
    conn.execute(insert(lsh_bands), [{"band": b, "bucket": k, "doc_id": doc.id}
                                     for b, k in dedup.band_keys(dedup.from_bytes(sig_bytes))])
    conn.execute(insert(search_terms).values(doc_id=doc.id, terms=document_terms(doc.title, doc.text)))
    _insert_facts(conn, doc)


def _preload(conn: Connection, doc: Document) -> dict:
    """The doc's entities already in the store, fetched in one query: (kind, key) -> row."""
    keys = {p["adcode"] or f"{p['level']}:{p['name']}" for p in doc.places}
    keys |= {org_key(o["name"]) for o in doc.organizations} | {p["name"] for p in doc.people}
    if not keys:
        return {}
    rows = conn.execute(_ENTITIES, {"keys": sorted(keys)})
    return {(r.kind, r.key): r for r in rows}


_ENTITIES = select(entities.c.id, entities.c.kind, entities.c.key, entities.c.name, entities.c.aliases).where(
    entities.c.key.in_(bindparam("keys", expanding=True)))


def _fit(value, table, column):
    """Cut a string to its column's length (PostgreSQL refuses longer ones; SQLite would keep them)."""
    length = getattr(table.c[column].type, "length", None)
    return value[:length] if isinstance(value, str) and length else value


def _entity(conn: Connection, cache: dict, kind: str, key: str, name: str, **attrs) -> int:
    key, name = _fit(key, entities, "key"), _fit(name, entities, "name")
    attrs = {k: _fit(v, entities, k) for k, v in attrs.items()}
    ck = (kind, key)
    if isinstance(cache.get(ck), int):
        return cache[ck]
    row = cache.get(ck)
    if row is None:
        eid = conn.execute(insert(entities).values(kind=kind, key=key, name=name, aliases="[]", **attrs)).inserted_primary_key[0]
    else:
        eid = row.id
        if name != row.name:
            aliases = json.loads(row.aliases)
            if name not in aliases:
                aliases.append(name)
                conn.execute(update(entities).where(entities.c.id == eid).values(aliases=json.dumps(aliases, ensure_ascii=False)))
        if attrs.get("subkind") and kind == "person":
            conn.execute(update(entities).where(entities.c.id == eid).values(subkind=attrs["subkind"]))
    cache[ck] = eid
    return eid


def _insert_facts(conn: Connection, doc: Document) -> None:
    cache: dict = _preload(conn, doc)
    by_name: dict[str, int] = {}
    rows = []
    project_mentions: list[tuple[int, int, int]] = []
    for p in doc.places:
        key = p["adcode"] or f"{p['level']}:{p['name']}"
        eid = _entity(conn, cache, "place", key, p["name"], subkind=p["level"], code=p["adcode"] or p.get("code"),
                      parent=p.get("parent_adcode"), lat=p.get("lat"), lon=p.get("lon"))
        by_name[p["name"]] = eid
        for m in p["mentions"]:
            by_name.setdefault(m["text"], eid)
            rows.append(dict(kind="place", start=m["start"], end=m["end"], text=m["text"], label=p["name"],
                             code=p["adcode"] or p.get("code"), entity_id=eid,
                             data={k: v for k, v in p.items() if k != "mentions"}))
    for o in doc.organizations:
        kind = "project" if o.get("kind") == "project" else "organization"
        eid = _entity(conn, cache, kind, org_key(o["name"]), o["name"], subkind=o.get("kind"))
        by_name[o["name"]] = eid
        for m in o["mentions"]:
            rows.append(dict(kind="organization", start=m["start"], end=m["end"], text=m["text"], label=o["name"],
                             entity_id=eid, data={"name": o["name"], "kind": o.get("kind")}))
            if kind == "project":
                project_mentions.append((m["start"], m["end"], eid))
    for person in doc.people:
        eid = _entity(conn, cache, "person", person["name"], person["name"], subkind=person.get("title"))
        by_name[person["name"]] = eid
        for m in person["mentions"]:
            rows.append(dict(kind="person", start=m["start"], end=m["end"], text=m["text"], label=person["name"],
                             entity_id=eid, data={"name": person["name"], "title": person.get("title"),
                                                  "date": doc.published_at}))
    for a in doc.amounts:
        rows.append(dict(kind="amount", start=a["start"], end=a["end"], text=a["text"], label=a["unit"],
                         value=float(a["value"]), unit=a["unit"], data=a))
    for t in doc.targets:
        rows.append(dict(kind="target", start=t["start"], end=t["end"], text=t["text"], label=t["metric"][:300],
                         date=str(t["deadline"]) if t["deadline"] else None,
                         value=float(t["value"]) if t["value"] is not None else None, unit=t["unit"], data=t))
    for e in doc.events:
        rows.append(dict(kind="event", start=e["start"], end=e["end"], text=e["text"], label=e["type"],
                         event_type=e["type"], date=e["date"], data=e))
    for r in doc.relations:
        rows.append(dict(kind="relation", start=r["start"], end=r["end"], text=r["text"], label=r["type"],
                         event_type=r["type"], data=r))
    if not rows:
        return
    keys = ("kind", "start", "end", "text", "label", "code", "event_type", "date", "value", "unit", "entity_id")
    for row in rows:
        row["data"] = json.dumps(row["data"], ensure_ascii=False)
        row["doc_id"] = doc.id
        for k in ("label", "code", "event_type", "date", "unit"):
            row[k] = _fit(row.get(k), facts, k)
        for k in keys:
            row.setdefault(k, None)
    fact_ids = list(conn.scalars(insert(facts).returning(facts.c.id, sort_by_parameter_order=True), rows))
    spans = sentences(doc.text)
    link_rows = set()
    for fid, row in zip(fact_ids, rows):
        data = json.loads(row["data"])
        if row["kind"] == "event":
            for name in data.get("participants", []):
                if name in by_name:
                    link_rows.add((fid, by_name[name], "participant"))
            if data.get("place") in by_name:
                link_rows.add((fid, by_name[data["place"]], "place"))
        elif row["kind"] == "relation":
            for name in data.get("parties", []):
                if name in by_name:
                    link_rows.add((fid, by_name[name], "party"))
        elif row["kind"] == "target" and data.get("subject") in by_name:
            link_rows.add((fid, by_name[data["subject"]], "subject"))
        if row["kind"] in ("event", "amount") and project_mentions:
            s_start, s_end = _sentence(spans, row["start"])
            for p_start, _, eid in project_mentions:
                if s_start <= p_start < s_end:
                    if row["kind"] == "event":
                        link_rows.add((fid, eid, "stage"))
                    elif data.get("kind") == "money" and _INVEST.search(doc.text[s_start:row["end"]]):
                        link_rows.add((fid, eid, "investment"))
    if link_rows:
        conn.execute(insert(links), [{"fact_id": f, "entity_id": e, "role": r} for f, e, r in sorted(link_rows)])


def _sentence(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= offset < e:
            return s, e
    return offset, offset + 1
