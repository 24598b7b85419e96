"""Replace the facts of stored documents (``yrd reextract``), keeping every table derived from them consistent.

For each document whose facts changed, what it adds to the counted tables is taken out (:meth:`_Writer.uncount`,
as when a document becomes a copy), its fact rows, links and rows of ``doc_entities`` and ``doc_places`` are
deleted, and the new ones are put in by the ingest writer's own code (:meth:`_Writer.insert_facts`): entity
counts, the network's edges, the counters of events, targets, facts and places come out as an ingest of the same
facts would make them. Entities nothing refers to any more are deleted, and an edge a document stopped stating
gets its topics and last date again from the documents that still state it.

The store receives finished fact rows (:func:`yrd.store.rows.fact_rows`); the re-extraction that makes them runs
above it (``yrd.reextract``). The caller holds one transaction per batch.
"""
from __future__ import annotations

import json
import re
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from .rows import FactRow, FactRows, decompress
from .schema import doc_entities, doc_places, documents, edge_docs, edges, entities, facts, links
from .write import _Pending, _Stored, _Writer

_E_KEY = entities.c.key.type.length
_FACT_COLUMNS = [facts.c[k] for k in FactRow._fields]
EntityKey = tuple[str, str]  # (kind, key): what identifies an entity in any store
_STAMP = re.compile(r'"extractor":"[^"]*"')  # the version a fact's JSON is stamped with (extract.confidence)


def unstamped(row: FactRow) -> FactRow:
    """The fact row without the extractors' version stamped in its JSON: what it says, not who said it."""
    return row._replace(data=_STAMP.sub('"extractor":null', row.data)) if '"extractor"' in row.data else row


class Content(NamedTuple):
    """What a document's facts are in the store, comparable between two stores and with new fact rows: the fact
    rows in order with their entities, the links, and the entities and place codes it is listed under."""

    facts: list[tuple[FactRow, EntityKey | None]]
    links: list[tuple[int, EntityKey, str]]  # (index into facts, entity, role), sorted
    entities: frozenset[EntityKey]
    codes: frozenset[str]

    def unstamped(self) -> Content:
        """The same without the versions stamped on the facts: equal when the facts say the same."""
        return self._replace(facts=[(unstamped(f), k) for f, k in self.facts])


class StoredDocument(NamedTuple):
    num: int
    id: str
    title: str
    is_current: bool
    canonical: bool
    extractor: str | None
    sheet: bytes  # the fact sheet's JSON (decompressed), without its text
    content: Content
    fact_ids: list[int]  # of content.facts


class Replacement(NamedTuple):
    """What re-extraction gives one stored document."""

    num: int
    rows: FactRows | None  # its new facts (None: the stored ones stay)
    sheet: bytes | None  # its new fact sheet (compressed) when only the sheet changed (None: it stays)
    extractor: str | None  # the extractors' version to record (None: the recorded one stays)
    stamps: tuple[tuple[int, str], ...] = ()  # (fact id, JSON): the same facts stamped by the running extractors


def _key(kind: str, key: str) -> EntityKey:
    return kind, key[:_E_KEY]


def content_of(rows: FactRows) -> Content:
    """The :class:`Content` that ``rows`` would be once stored."""
    keys = [_key(e.kind, e.key) for e in rows.entities]
    return Content([(f, keys[e] if e is not None else None) for f, e in zip(rows.facts, rows.fact_entities)],
                   sorted((link.fact, keys[link.entity], link.role) for link in rows.links),
                   frozenset(keys), frozenset(rows.codes))


def lock(conn: Connection) -> None:
    """Hold the store's write lock until the transaction ends (as an ingest's batch does)."""
    _Writer(conn).lock()


def to_redo(conn: Connection, version: str, force: bool = False) -> tuple[list[int], int]:
    """The current documents whose facts an older extractor found (every current one with ``force``), in the order
    they were stored; and how many current documents the running extractors made already."""
    current = documents.c.is_current.is_(True)
    rows = conn.execute(select(documents.c.num, documents.c.extractor).where(current)
                        .order_by(documents.c.ingested_at, documents.c.num)).all()
    nums = [r.num for r in rows if force or r.extractor != version]
    return nums, len(rows) - len(nums) if not force else 0


class StoredText(NamedTuple):
    """What rebuilding a stored document needs."""

    num: int
    id: str
    title: str
    text: str
    original_text: str | None  # the text before script conversion, where it differs
    sheet: bytes  # the fact sheet's JSON (decompressed), without its text


def stored_texts(conn: Connection, nums: list[int]) -> list[StoredText]:
    """The :class:`StoredText` of each document of ``nums`` still stored, in that order."""
    found = {}
    for chunk in _chunks(nums):
        for r in conn.execute(select(documents.c.num, documents.c.id, documents.c.title, documents.c.text,
                                     documents.c.original_text, documents.c.sheet).where(documents.c.num.in_(chunk))):
            found[r.num] = StoredText(r.num, r.id, r.title, r.text, r.original_text, decompress(r.sheet))
    return [found[n] for n in nums if n in found]


def stored_documents(conn: Connection, nums: list[int]) -> dict[int, StoredDocument]:
    """Each document's flags, recorded extractor, fact sheet and :class:`Content`, as stored now."""
    out: dict[int, StoredDocument] = {}
    for chunk in _chunks(nums):
        heads = conn.execute(select(documents.c.num, documents.c.id, documents.c.title, documents.c.is_current,
                                    documents.c.canonical, documents.c.extractor, documents.c.sheet)
                             .where(documents.c.num.in_(chunk))).all()
        rows: dict[int, list] = {r.num: [] for r in heads}
        ids: dict[int, list] = {r.num: [] for r in heads}
        index: dict[int, int] = {}  # fact id -> its index among its document's facts
        for r in conn.execute(select(facts.c.id, facts.c.doc_num, *_FACT_COLUMNS, entities.c.kind.label("e_kind"),
                                     entities.c.key.label("e_key"))
                              .select_from(facts.outerjoin(entities, entities.c.id == facts.c.entity_id))
                              .where(facts.c.doc_num.in_(chunk)).order_by(facts.c.id)):
            fact = FactRow(*(r._mapping[c.name] for c in _FACT_COLUMNS))
            index[r.id] = len(rows[r.doc_num])
            rows[r.doc_num].append((fact, (r.e_kind, r.e_key) if r.e_key is not None else None))
            ids[r.doc_num].append(r.id)
        linked: dict[int, list] = {n: [] for n in rows}
        for r in conn.execute(select(links.c.fact_id, links.c.doc_num, links.c.role, entities.c.kind, entities.c.key)
                              .join(entities, entities.c.id == links.c.entity_id).where(links.c.doc_num.in_(chunk))):
            linked[r.doc_num].append((index[r.fact_id], (r.kind, r.key), r.role))
        listed: dict[int, set] = {n: set() for n in rows}
        for r in conn.execute(select(doc_entities.c.doc_num, entities.c.kind, entities.c.key)
                              .join(entities, entities.c.id == doc_entities.c.entity_id)
                              .where(doc_entities.c.doc_num.in_(chunk))):
            listed[r.doc_num].add((r.kind, r.key))
        codes: dict[int, set] = {n: set() for n in rows}
        for r in conn.execute(select(doc_places.c.doc_num, doc_places.c.code).where(doc_places.c.doc_num.in_(chunk))):
            codes[r.doc_num].add(r.code)
        for h in heads:
            content = Content(rows[h.num], sorted(linked[h.num]), frozenset(listed[h.num]), frozenset(codes[h.num]))
            out[h.num] = StoredDocument(h.num, h.id, h.title, h.is_current, h.canonical, h.extractor,
                                        decompress(h.sheet), content, ids[h.num])
    return out


class _Doc(NamedTuple):
    published_at: str | None


class _Item(NamedTuple):
    """What :meth:`_Writer.insert_facts` reads of a document's rows (a :class:`~yrd.store.rows.DocRows` but the
    document's own row, which is stored already)."""

    document: _Doc
    entities: list
    facts: list
    fact_entities: list
    links: list
    codes: list


def replace(conn: Connection, batch: list[Replacement]) -> None:
    """Write re-extraction's results for a batch of current documents (the caller holds the transaction and the
    write lock: :func:`lock`)."""
    w = _Writer(conn)
    todo = [r for r in batch if r.rows is not None]
    if todo:
        _replace_facts(w, todo)
    for r in batch:
        values = {}
        if r.rows is not None:
            values.update(sheet=r.rows.sheet, kinds=r.rows.kinds, event_types=r.rows.event_types)
        elif r.sheet is not None:
            values["sheet"] = r.sheet
        if r.extractor is not None:
            values["extractor"] = r.extractor
        if values:
            conn.execute(update(documents).where(documents.c.num == r.num).values(**values))
    stamps = [{"fid": fid, "data": data} for r in batch if r.rows is None for fid, data in r.stamps]
    if stamps:
        conn.execute(update(facts).where(facts.c.id == bindparam("fid")).values(data=bindparam("data")), stamps)
    w._flush_counts()


def _replace_facts(w: _Writer, todo: list[Replacement]) -> None:
    conn = w.conn
    nums = [r.num for r in todo]
    state = {r.num: r for r in w._select_in("SELECT num, id, key, canonical, published_at FROM documents "
                                             "WHERE num IN ({IN})", nums)}
    was_listed = {r[0] for r in w._select_in("SELECT entity_id FROM doc_entities WHERE doc_num IN ({IN})", nums)}
    was_listed.update(r[0] for r in w._select_in("SELECT entity_id FROM facts WHERE doc_num IN ({IN}) "
                                                  "AND entity_id IS NOT NULL", nums))
    stated = {tuple(r) for r in w._select_in("SELECT a, b, type, doc_num FROM edge_docs WHERE doc_num IN ({IN})", nums)}
    for num in nums:
        if state[num].canonical:
            w.uncount(num)
    for kind, n in w._select_in("SELECT kind, count(*) FROM facts WHERE doc_num IN ({IN}) GROUP BY kind", nums):
        w.counts["facts:" + kind] -= n
    for chunk in _chunks(nums):
        for table in (links, facts, doc_entities, doc_places):
            conn.execute(delete(table).where(table.c.doc_num.in_(chunk)))
    pending = []
    for r in todo:
        s = state[r.num]
        f = r.rows
        stored = _Stored(r.num, s.id, s.key, True, None if s.canonical else s.id, s.published_at, "", False)
        pending.append(_Pending(_Item(_Doc(s.published_at), f.entities, f.facts, f.fact_entities, f.links, f.codes),
                                r.num, 0, stored))
    w.insert_facts(pending)
    _settle_edges(w, stated, nums)
    _drop_orphans(w, was_listed)


def _settle_edges(w: _Writer, stated: set[tuple], nums: list[int]) -> None:
    """The edges the batch's documents stated before: gone if no document states them now; else their last date
    and topics again from the documents that do (the topics only if they are not the same set)."""
    touched = {(a, b, t) for a, b, t, _ in stated}
    if not touched:
        return
    conn = w.conn
    now = {tuple(r) for r in w._select_in("SELECT a, b, type, doc_num FROM edge_docs WHERE doc_num IN ({IN})", nums)}
    touched |= {(a, b, t) for a, b, t, _ in now}
    found = {(r.a, r.b, r.type): r for r in w._select_in(
        "SELECT a, b, type, count, topics, last_date FROM edges WHERE (a, b, type) IN ({IN})", list(touched), width=3)}
    gone, updates = [], []
    for k, r in found.items():
        if r.count <= 0:
            gone.append({"ea": k[0], "eb": k[1], "et": k[2]})
            continue
        key = {"a": k[0], "b": k[1], "t": k[2]}
        last = conn.scalar(select(func.max(documents.c.published_at)).select_from(
            edge_docs.join(documents, documents.c.num == edge_docs.c.doc_num)).where(
            and_(edge_docs.c.a == k[0], edge_docs.c.b == k[1], edge_docs.c.type == k[2])))
        topics = json.loads(r.topics)
        again = _topics(conn, *k)
        if set(again) != set(topics):
            topics = again
        if last != r.last_date or topics != json.loads(r.topics):
            updates.append({**{"e" + x: v for x, v in key.items()}, "d": last,
                            "topics": json.dumps(topics[:10], ensure_ascii=False)})
    if gone:
        conn.execute(delete(edges).where(and_(edges.c.a == bindparam("ea"), edges.c.b == bindparam("eb"),
                                              edges.c.type == bindparam("et"))), gone)
    if updates:
        conn.execute(update(edges).where(and_(edges.c.a == bindparam("ea"), edges.c.b == bindparam("eb"),
                                              edges.c.type == bindparam("et"))).values(
            last_date=bindparam("d"), topics=bindparam("topics")), updates)


def _topics(conn: Connection, a: int, b: int, kind: str) -> list[str]:
    """The topics of the relations of type ``kind`` between entities ``a`` and ``b`` in the documents that state
    the edge, in the order they were stored (the order an ingest lists them in)."""
    la, lb = links.alias("la"), links.alias("lb")
    q = (select(facts.c.data)
         .join(edge_docs, edge_docs.c.doc_num == facts.c.doc_num)
         .join(la, and_(la.c.fact_id == facts.c.id, la.c.entity_id == a, la.c.role == "party"))
         .join(lb, and_(lb.c.fact_id == facts.c.id, lb.c.entity_id == b, lb.c.role == "party"))
         .where(and_(edge_docs.c.a == a, edge_docs.c.b == b, edge_docs.c.type == kind, facts.c.kind == "relation",
                     facts.c.type == kind)).order_by(facts.c.id))
    out: list[str] = []
    for (data,) in conn.execute(q):
        topic = json.loads(data).get("topic")
        if topic and topic not in out:
            out.append(topic)
    return out


def _drop_orphans(w: _Writer, candidates: set[int]) -> None:
    """Delete the entities among ``candidates`` that no fact, link or document refers to any more (an ingest of
    the same facts would not have made them)."""
    if not candidates:
        return
    orphans = w._select_in(
        "SELECT id, kind FROM entities WHERE id IN ({IN}) "
        "AND NOT EXISTS (SELECT 1 FROM facts WHERE facts.entity_id = entities.id) "
        "AND NOT EXISTS (SELECT 1 FROM links WHERE links.entity_id = entities.id) "
        "AND NOT EXISTS (SELECT 1 FROM doc_entities WHERE doc_entities.entity_id = entities.id)", sorted(candidates))
    if not orphans:
        return
    conn = w.conn
    ids = [r.id for r in orphans]
    for chunk in _chunks(ids):
        conn.execute(delete(edges).where(edges.c.a.in_(chunk)))  # (no document states them: demoted copies' edges)
        conn.execute(delete(edges).where(edges.c.b.in_(chunk)))
        conn.execute(delete(entities).where(entities.c.id.in_(chunk)))
    for r in orphans:
        w.counts["entities:" + r.kind] -= 1


def _chunks(values: list, n: int = 500):
    for i in range(0, len(values), n):
        yield values[i:i + n]
