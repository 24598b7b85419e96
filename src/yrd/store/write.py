"""Write documents into the knowledge base: once each, in transactional batches, with their facts linked.

A batch is one transaction: killed at any moment, the store holds whole
documents only, and running the same command again adds exactly what is
missing (documents are keyed by the hash of their bytes).

The work is split for speed. :func:`prepare` runs where the document was
extracted (a worker process, a Ray worker): it computes the MinHash signature,
the LSH buckets, the search terms, the compressed raw bytes and fact sheet, and
every fact row. :func:`write_batch` runs in the single writer: it decides
versions and duplicates for the whole batch with a few queries, inserts every
table with one statement per table, and keeps the tables the dashboard reads
(entity counts, documents by place and entity, the network's edges, totals)
up to date for the documents that are canonical.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import islice, repeat

import orjson
import zstandard
from sqlalchemy import and_, bindparam, delete, func, insert, select, text as sql_text, update
from sqlalchemy.engine import Connection

from .. import dedup
from ..extract.text import sentences
from ..model import Document
from ..search.terms import document_terms
from .schema import counters, doc_places, documents, edge_docs, edges, entities, facts, lsh_bands, minhash

_RAIL = re.compile(r"(?:高速铁路|城际铁路|高铁|城际|铁路)$")
_COMPANY = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")
_INVEST = re.compile(r"投资|总投资|投入|资金|造价|金额|融资")
_JUNK = ("spam", "breadcrumb", "page counter", "related-links list")
_DAY0 = date(1900, 1, 1).toordinal() - 1  # day 1 is 1900-01-01; undated documents have day 0 and sort last
SEQ_BITS = 24  # documents per publication day a ``num`` can tell apart
WRITE_LOCK = 0x79726400  # the PostgreSQL advisory lock every write transaction holds ("yrd")
FACT_KINDS = ("place", "person", "organization", "amount", "target", "event", "relation")
EVENT_TYPES = ("meeting", "signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch")
KIND_BITS = {k: 1 << i for i, k in enumerate(FACT_KINDS)}  # documents.kinds
EVENT_BITS = {t: 1 << i for i, t in enumerate(EVENT_TYPES)}  # documents.event_types
_MAX_PARAMS = 900  # bound parameters per IN (…) list, well under every backend's limit


_ZSTD = zstandard.ZstdCompressor(level=1)


def compress(data: bytes) -> bytes:
    """Raw bytes and fact sheets are stored zstd-compressed (level 1: 2x faster than zlib's fastest, as small)."""
    return _ZSTD.compress(data)


def decompress(data: bytes) -> bytes:
    return zstandard.ZstdDecompressor().decompress(data)


def dumps(obj) -> str:
    """Compact JSON of a fact or a fact sheet (orjson: ten times json.dumps); json for what orjson refuses."""
    try:
        return orjson.dumps(obj).decode()
    except (TypeError, orjson.JSONEncodeError):  # an integer beyond 64 bits, a non-str key …
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def org_key(name: str) -> str:
    """The normalised name that identifies an organisation or project across articles (沪苏湖高铁 = 沪苏湖铁路)."""
    key = re.sub(r"\s+", "", name)
    key = _RAIL.sub("铁路", key)
    key = _COMPANY.sub("公司", key)
    return key


def _fit(value, length: int):
    """Cut a string to its column's length (PostgreSQL refuses longer ones; SQLite would keep them)."""
    return value[:length] if isinstance(value, str) else value


# the lengths of the string columns the writer fills from article text (read once: a column's attributes are slow)
_PUBLISHER, _AUTHOR, _ENCODING = (documents.c[k].type.length for k in ("publisher", "author", "encoding"))
_E_KEY, _E_NAME, _E_SUBKIND, _E_CODE, _E_PARENT = (entities.c[k].type.length for k in ("key", "name", "subkind", "code",
                                                                                     "parent"))


# a fact row as ``prepare`` makes it: the columns of ``facts`` but its id, document and entity, in this order
FACT_ROW = ("kind", "start", "end", "text", "label", "code", "event_type", "date", "day", "value", "unit", "data")
KIND, START, END, TEXT, LABEL, CODE, EVENT_TYPE, DATE, DAY, VALUE, UNIT, DATA = range(len(FACT_ROW))
_LABEL, _CODE, _TYPE, _DATE, _DAY, _UNIT = (facts.c[k].type.length for k in ("label", "code", "event_type", "date",
                                                                             "day", "unit"))


def pub_date(published_at: str | None) -> date | None:
    if not published_at:
        return None
    try:
        y, m, d = (published_at[:10].split("-") + ["1", "1"])[:3]
        return date(int(y), int(m or 1), int(d or 1))
    except ValueError:
        return None


def day_number(published: date | None) -> int:
    """The publication day as the high part of ``documents.num`` (0 when unknown)."""
    return published.toordinal() - _DAY0 if published else 0


def doc_key(doc: Document) -> str:
    if doc.source.url:
        return doc.source.url[:700]
    return f"{doc.source.path or ''}#{doc.title}"[:700]


def place_codes(code: str) -> list[str]:
    """A place's code with its city's and province's: 330421 -> 330421, 330400, 330000 (so a filter on a city
    finds the documents that name only one of its counties)."""
    out = [code]
    if len(code) == 6 and code.isdigit():
        for parent in (code[:4] + "00", code[:2] + "0000"):
            if parent not in out:
                out.append(parent)
    return out


# --- the worker's part ----------------------------------------------------------------------------------


@dataclass
class EntityRef:
    kind: str  # place, organization, project, person
    key: str
    name: str
    subkind: str | None = None
    code: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Prepared:
    """A document ready to store, computed where it was extracted; the writer only decides and inserts.

    ``doc`` keeps its text and metadata (its raw bytes and fact lists travel compressed in ``raw_z`` and
    ``sheet_z``); ``fact_rows`` are the rows of ``facts`` as tuples in :data:`FACT_ROW` order (no id, document
    or entity), ``fact_entities`` the entity of each row (an index into ``entity_refs`` or None) and
    ``link_specs`` (row index, entity index, role) the links; ``codes`` the codes of its places with their
    cities' and provinces' (:func:`place_codes`), ``kinds`` and ``event_types`` its bit masks.
    """

    doc: Document
    signature: bytes
    buckets: list[int]
    terms: str
    raw_z: bytes | None
    sheet_z: bytes
    key: str
    junk: bool
    entity_refs: list[EntityRef]
    fact_rows: list[tuple]
    fact_entities: list[int | None]
    link_specs: list[tuple[int, int, str]]
    codes: list[str] = field(default_factory=list)
    kinds: int = 0
    event_types: int = 0


def sheet_json(doc: Document) -> str:
    """The fact sheet without its text (the store keeps the text in its own column)."""
    sheet = doc.factsheet()
    del sheet["text"]
    return dumps(sheet)


def prepare(doc: Document) -> Prepared:
    """Everything the writer needs for ``doc``, computed once (in a worker)."""
    sig = dedup.signature(doc.text)
    refs: list[EntityRef] = []
    ref_index: dict[tuple[str, str], int] = {}

    def ref(r: EntityRef) -> int:
        k = (r.kind, r.key)
        if k not in ref_index:
            ref_index[k] = len(refs)
            refs.append(r)
        return ref_index[k]

    published = pub_date(doc.published_at)
    pub_day = published.isoformat() if published else None
    rows: list[tuple] = []  # FactRow tuples
    row_entity: list[int | None] = []
    by_name: dict[str, int] = {}
    project_mentions: list[tuple[int, int]] = []  # (start, entity index)
    row, entity_of = rows.append, row_entity.append
    codes: set[str] = set()

    for p in doc.places:
        code = p["adcode"] or p.get("code")
        e = ref(EntityRef("place", p["adcode"] or f"{p['level']}:{p['name']}", p["name"], p["level"], code,
                          p.get("parent_adcode"), p.get("lat"), p.get("lon")))
        by_name[p["name"]] = e
        label, code = p["name"][:_LABEL], _fit(code, _CODE)
        if code and p["mentions"]:  # (what a place filter lists: its districts' documents too)
            codes.update(place_codes(code))
        for m in p["mentions"]:  # (a mention's details are its entity's: its row keeps no JSON of its own)
            by_name.setdefault(m["text"], e)
            row(("place", m["start"], m["end"], m["text"], label, code, None, None, pub_day, None, None, ""))
            entity_of(e)
    for o in doc.organizations:
        kind = "project" if o.get("kind") == "project" else "organization"
        e = ref(EntityRef(kind, org_key(o["name"]), o["name"], o.get("kind")))
        by_name[o["name"]] = e
        label = o["name"][:_LABEL]
        for m in o["mentions"]:
            row(("organization", m["start"], m["end"], m["text"], label, None, None, None, pub_day, None, None, ""))
            entity_of(e)
            if kind == "project":
                project_mentions.append((m["start"], e))
    for person in doc.people:
        e = ref(EntityRef("person", person["name"], person["name"], person.get("title")))
        by_name[person["name"]] = e
        data = dumps({"name": person["name"], "title": person.get("title"), "date": doc.published_at})
        label = person["name"][:_LABEL]
        for m in person["mentions"]:
            row(("person", m["start"], m["end"], m["text"], label, None, None, None, pub_day, None, None, data))
            entity_of(e)
    amount_rows = []
    for a in doc.amounts:
        unit = _fit(a["unit"], _UNIT)
        amount_rows.append((len(rows), a))
        row(("amount", a["start"], a["end"], a["text"], _fit(a["unit"], _LABEL), None, None, None, pub_day,
             float(a["value"]), unit, dumps(a)))
        entity_of(None)
    links: set[tuple[int, int, str]] = set()
    for t in doc.targets:
        i = len(rows)
        row(("target", t["start"], t["end"], t["text"], t["metric"][:_LABEL], None, None,
             _fit(str(t["deadline"]), _DATE) if t["deadline"] else None, pub_day,
             float(t["value"]) if t["value"] is not None else None, _fit(t["unit"], _UNIT), dumps(t)))
        entity_of(None)
        if t.get("subject") in by_name:
            links.add((i, by_name[t["subject"]], "subject"))
    event_rows = []
    for e in doc.events:
        i = len(rows)
        event_type = _fit(e["type"], _TYPE)
        row(("event", e["start"], e["end"], e["text"], _fit(e["type"], _LABEL), None, event_type, _fit(e["date"], _DATE),
             _fit(e["date"], _DAY) or pub_day, None, None, dumps(e)))
        entity_of(None)
        event_rows.append(i)
        for name in e.get("participants", []):
            if name in by_name:
                links.add((i, by_name[name], "participant"))
        if e.get("place") in by_name:
            links.add((i, by_name[e["place"]], "place"))
    for r in doc.relations:
        i = len(rows)
        row(("relation", r["start"], r["end"], r["text"], _fit(r["type"], _LABEL), None, _fit(r["type"], _TYPE), None,
             pub_day, None, None, dumps(r)))
        entity_of(None)
        for name in r.get("parties", []):
            if name in by_name:
                links.add((i, by_name[name], "party"))
    if project_mentions and (event_rows or amount_rows):
        spans = sentences(doc.text)
        for i in event_rows:
            s_start, s_end = _sentence(spans, rows[i][START])
            for p_start, e in project_mentions:
                if s_start <= p_start < s_end:
                    links.add((i, e, "stage"))
        for i, a in amount_rows:
            if a.get("kind") != "money":
                continue
            s_start, s_end = _sentence(spans, a["start"])
            for p_start, e in project_mentions:
                if s_start <= p_start < s_end and _INVEST.search(doc.text[s_start:a["end"]]):
                    links.add((i, e, "investment"))
    kinds = events = 0
    for r in rows:
        kinds |= KIND_BITS[r[KIND]]
    for i in event_rows:
        events |= EVENT_BITS.get(rows[i][EVENT_TYPE], 0)
    dropped = (doc.meta or {}).get("dropped") or {}
    raw_z = compress(doc.raw) if doc.raw else None
    slim = Document(doc.id, doc.source, doc.title, doc.published_at, doc.script, doc.text, doc.original_text,
                    b"", doc.encoding, doc.meta)
    return Prepared(
        doc=slim, signature=dedup.to_bytes(sig), buckets=dedup.band_keys(sig),
        terms=document_terms(doc.title, doc.text), raw_z=raw_z,
        sheet_z=compress(sheet_json(doc).encode("utf-8")), key=doc_key(doc),
        junk=any(dropped.get(reason) for reason in _JUNK), entity_refs=refs, fact_rows=rows,
        fact_entities=row_entity, link_specs=sorted(links), codes=sorted(codes), kinds=kinds, event_types=events,
    )


def _sentence(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= offset < e:
            return s, e
    return offset, offset + 1


# --- the writer's part ----------------------------------------------------------------------------------


@dataclass
class BatchResult:
    new: int = 0
    unchanged: int = 0
    duplicates: int = 0
    versions: int = 0
    new_ids: list[str] = field(default_factory=list)


@dataclass
class _Stored:
    """What the dedup decision needs of a document, stored or pending in this batch."""

    num: int
    id: str
    key: str
    is_current: bool
    duplicate_of: str | None
    published_at: str | None
    script: str
    junk: bool
    signature: bytes | None = None
    pending: "_Pending | None" = None

    def authority(self) -> tuple:
        return (self.published_at or "9999", self.script != "zh-Hans", self.junk)


@dataclass
class _Pending:
    item: Prepared
    num: int
    version: int
    stored: _Stored
    similarity: float | None = None

    @property
    def canonical(self) -> bool:
        return self.stored.is_current and self.stored.duplicate_of is None


_DOC_COLUMNS = ("id", "num", "key", "version", "is_current", "canonical", "source_path", "source_url", "format",
                "publisher", "author", "title", "published_at", "published_date", "script", "junk", "text",
                "original_text", "raw", "encoding", "duplicate_of", "similarity", "sheet", "kinds", "event_types",
                "ingested_at")
_ENTITY_COLUMNS = ("id", "kind", "key", "name", "subkind", "code", "parent", "lat", "lon", "aliases", "documents",
                   "mentions")


def _chunks(values: list, n: int = _MAX_PARAMS):
    it = iter(values)
    while chunk := list(islice(it, n)):
        yield chunk


class _Writer:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.mark = "?" if self.sqlite else "%s"  # the driver's parameter marker, for SQL sent through it
        self.counts: Counter = Counter()  # counter deltas
        self.next_seq: dict[int, int] = {}
        self.demoted = 0  # canonical documents this batch made copies of a better newcomer

    # -- lookups -------------------------------------------------------------------------------------

    def _select_in(self, sql: str, values: list, width: int = 1) -> list:
        """The rows of ``sql`` for all ``values``, through the driver (no statement is compiled per batch): its
        ``{IN}`` is filled with a list of markers, or of ``width``-tuples for row values, a chunk at a time."""
        one = self.mark if width == 1 else "(" + ", ".join([self.mark] * width) + ")"
        out = []
        for chunk in _chunks(values, _MAX_PARAMS // width):
            params = tuple(chunk) if width == 1 else tuple(x for row in chunk for x in row)
            marks = ", ".join([one] * len(chunk))
            out.extend(self.conn.exec_driver_sql(sql.format(IN=marks if width == 1 else "VALUES " + marks), params).all())
        return out

    def _load_days(self, days: set[int]) -> None:
        """The next free ``num`` of each publication day, in one statement (an index range per day)."""
        days = sorted(d for d in days if d not in self.next_seq)
        for chunk in _chunks(days, 200):
            one = f"SELECT {self.mark}, (SELECT max(num) FROM documents WHERE num >= {self.mark} AND num < {self.mark})"
            sql = " UNION ALL ".join([one] * len(chunk))
            params = tuple(x for d in chunk for x in (d, d << SEQ_BITS, (d + 1) << SEQ_BITS))
            for day, top in self.conn.exec_driver_sql(sql, params):
                self.next_seq[day] = (top + 1) if top is not None else day << SEQ_BITS

    def _num_for(self, published: date | None) -> int:
        day = day_number(published)
        if day not in self.next_seq:
            self._load_days({day})
        num = self.next_seq[day]
        self.next_seq[day] = num + 1
        return num

    # -- demotion: a stored canonical document stops counting ------------------------------------------

    def demote(self, num: int, publisher: str | None) -> None:
        """Take a stored document's contributions out of the counted tables (it became a copy or an old version)."""
        conn = self.conn
        per_entity = conn.execute(select(facts.c.entity_id, func.count()).where(
            and_(facts.c.doc_num == num, facts.c.entity_id.is_not(None))).group_by(facts.c.entity_id)).all()
        if per_entity:
            conn.execute(update(entities).where(entities.c.id == bindparam("eid")).values(
                documents=entities.c.documents - 1, mentions=entities.c.mentions - bindparam("n")),
                [{"eid": e, "n": n} for e, n in per_entity])
        pairs = conn.execute(select(edge_docs.c.a, edge_docs.c.b, edge_docs.c.type).where(edge_docs.c.doc_num == num)).all()
        if pairs:
            conn.execute(update(edges).where(and_(edges.c.a == bindparam("ea"), edges.c.b == bindparam("eb"),
                                                  edges.c.type == bindparam("et"))).values(count=edges.c.count - 1),
                         [{"ea": a, "eb": b, "et": t} for a, b, t in pairs])
            conn.execute(delete(edge_docs).where(edge_docs.c.doc_num == num))
        for etype, n in conn.execute(select(facts.c.event_type, func.count()).where(
                and_(facts.c.doc_num == num, facts.c.kind == "event")).group_by(facts.c.event_type)):
            self.counts["events"] -= n
            self.counts["events:" + etype] -= n
        self.counts["targets"] -= conn.scalar(select(func.count()).select_from(facts).where(
            and_(facts.c.doc_num == num, facts.c.kind == "target"))) or 0
        for (code,) in conn.execute(select(doc_places.c.code).where(doc_places.c.doc_num == num)):
            self.counts["place:" + code] -= 1
        conn.execute(update(documents).where(documents.c.num == num).values(canonical=False))
        self.counts["documents"] -= 1
        if publisher:
            self.counts["publisher:" + publisher] -= 1

    # -- the batch -------------------------------------------------------------------------------------

    def write(self, batch: list[Prepared], wait: bool = True) -> BatchResult:
        conn = self.conn
        result = BatchResult()
        if not self.sqlite:  # one writer at a time (SQLite's writers queue on its own write lock)
            if wait:
                conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            elif not conn.scalar(sql_text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}):
                raise Busy("another writer holds the store's write lock")
        ids = list(dict.fromkeys(p.doc.id for p in batch))
        existing = {r[0] for r in self._select_in("SELECT id FROM documents WHERE id IN ({IN})", ids)}
        todo: list[Prepared] = []
        seen: set[str] = set()
        for item in batch:
            if item.doc.id in existing or item.doc.id in seen:
                result.unchanged += 1
            else:
                seen.add(item.doc.id)
                todo.append(item)
        if not todo:
            return result
        # the current versions of the same articles, and every stored document that shares an LSH bucket
        keys = list({p.key for p in todo})
        previous: dict[str, _Stored] = {}
        for r in self._select_in(
                "SELECT num, id, key, duplicate_of, published_at, script, junk, version, canonical, publisher "
                "FROM documents WHERE key IN ({IN}) AND is_current = " + ("1" if self.sqlite else "true"), keys):
            previous[r.key] = (_Stored(r.num, r.id, r.key, True, r.duplicate_of, r.published_at, r.script, r.junk), r)
        buckets = list({b for p in todo for b in p.buckets})
        by_bucket: dict[int, list[int]] = defaultdict(list)
        for bucket, num in self._select_in("SELECT bucket, doc_num FROM lsh_bands WHERE bucket IN ({IN})", buckets):
            by_bucket[bucket].append(num)
        stored: dict[int, _Stored] = {}
        nums = list({n for ns in by_bucket.values() for n in ns})
        for r in self._select_in(
                "SELECT d.num, d.id, d.key, d.is_current, d.duplicate_of, d.published_at, d.script, d.junk, m.signature "
                "FROM documents d JOIN minhash m ON m.doc_num = d.num WHERE d.num IN ({IN})", nums):
            stored[r.num] = _Stored(r.num, r.id, r.key, r.is_current, r.duplicate_of, r.published_at, r.script, r.junk,
                                    r.signature)
        by_id = {s.id: s for s in stored.values()}

        self._load_days({day_number(pub_date(p.doc.published_at)) for p in todo})
        pending: list[_Pending] = []
        pending_by_key: dict[str, _Pending] = {}
        pending_by_bucket: dict[int, list[_Pending]] = defaultdict(list)
        for item in todo:
            doc = item.doc
            version = 1
            prev = pending_by_key.get(item.key)
            if prev is not None:  # an earlier version in this very batch
                version = prev.version + 1
                prev.stored.is_current = False
                result.versions += 1
            elif item.key in previous:
                old, row = previous.pop(item.key)
                version = row.version + 1
                conn.execute(update(documents).where(documents.c.num == old.num).values(is_current=False))
                if row.canonical:
                    self.demote(old.num, row.publisher)
                if old.num in stored:
                    stored[old.num].is_current = False
                self.counts["old_versions"] += 1
                result.versions += 1
            num = self._num_for(pub_date(doc.published_at))
            me = _Stored(num, doc.id, item.key, True, None, doc.published_at, doc.script, item.junk, item.signature)
            p = _Pending(item, num, version, me)
            me.pending = p
            duplicate_of, sim = self._canonical_for(p, by_bucket, stored, by_id, pending_by_bucket, pending)
            if duplicate_of:
                me.duplicate_of = duplicate_of
                p.similarity = sim
                result.duplicates += 1
            pending.append(p)
            pending_by_key[item.key] = p
            for b in item.buckets:
                pending_by_bucket[b].append(p)
            by_id[doc.id] = me
            result.new += 1
            result.new_ids.append(doc.id)
        result.duplicates += self.demoted
        self.demoted = 0
        self._insert(pending)
        self._flush_counts()
        return result

    def _canonical_for(self, p: _Pending, by_bucket, stored, by_id, pending_by_bucket, pending) -> tuple[str | None, float | None]:
        """The canonical copy ``p`` duplicates (None if it is an article of its own, or the better copy)."""
        sig = dedup.from_bytes(p.item.signature)
        candidates: dict[str, _Stored] = {}
        for b in p.item.buckets:
            for num in by_bucket.get(b, ()):
                s = stored.get(num)
                if s is not None:
                    candidates[s.id] = s
            for other in pending_by_bucket.get(b, ()):
                candidates[other.stored.id] = other.stored
        best, best_sim = None, 0.0
        for s in candidates.values():
            if not s.is_current or s.key == p.item.key:
                continue  # an older version of the same article is not a repost
            sim = dedup.similarity(sig, dedup.from_bytes(s.signature))
            if sim > best_sim:
                best, best_sim = s, sim
        if best is None or best_sim < dedup.THRESHOLD:
            return None, None
        canonical_id = best.duplicate_of or best.id
        canonical = by_id.get(canonical_id) or self._load(canonical_id, by_id)
        if canonical is not None and p.stored.authority() < canonical.authority():
            # the newcomer is the better copy (earlier, original script, cleaner page): it becomes canonical
            self._make_duplicate(canonical, p, best_sim, pending)
            return None, None
        return canonical_id, best_sim

    def _load(self, doc_id: str, by_id: dict) -> _Stored | None:
        r = self.conn.execute(select(documents.c.num, documents.c.id, documents.c.key, documents.c.is_current,
                                     documents.c.duplicate_of, documents.c.published_at, documents.c.script,
                                     documents.c.junk).where(documents.c.id == doc_id)).first()
        if r is None:
            return None
        s = _Stored(r.num, r.id, r.key, r.is_current, r.duplicate_of, r.published_at, r.script, r.junk)
        by_id[doc_id] = s
        return s

    def _make_duplicate(self, old: _Stored, new: _Pending, sim: float, pending: list[_Pending]) -> None:
        """``old`` (canonical until now) and its copies become copies of the newcomer ``new``."""
        new_id = new.stored.id
        self.demoted += 1  # one more copy, as if the newcomer had come first: the run's count of copies is order-free
        for p in pending:  # copies still in this batch
            if p.stored.duplicate_of == old.id:
                p.stored.duplicate_of = new_id
        if old.pending is not None:  # the old canonical is in this batch too: nothing stored yet
            old.duplicate_of, old.pending.similarity = new_id, sim
            return
        conn = self.conn
        conn.execute(update(documents).where(documents.c.duplicate_of == old.id).values(duplicate_of=new_id))
        row = conn.execute(select(documents.c.canonical, documents.c.publisher).where(documents.c.num == old.num)).first()
        conn.execute(update(documents).where(documents.c.num == old.num).values(duplicate_of=new_id, similarity=sim))
        old.duplicate_of = new_id
        if row is not None and row.canonical:
            self.demote(old.num, row.publisher)
        self.counts["duplicates"] += 1

    # -- inserting the batch ----------------------------------------------------------------------------

    def _bulk(self, table: str, columns: tuple[str, ...], rows: list[tuple], values: str | None = None) -> None:
        """One INSERT of many rows through the driver itself (the rows are tuples in ``columns`` order)."""
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        self.conn.exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({values or ', '.join([self.mark] * len(columns))})",
                                  rows)

    def _new_ids(self, table: str, n: int) -> list[int]:
        """``n`` new ids for ``facts`` or ``entities`` (reserved up front, so rows that refer to them are written
        without reading them back)."""
        if self.sqlite:  # the batch holds SQLite's write lock already (its documents are inserted)
            top = self.conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar() or 0
            return list(range(top + 1, top + 1 + n))
        return list(self.conn.scalars(sql_text(f"SELECT nextval('{table}_id_seq') FROM generate_series(1, :n)"), {"n": n}))

    def _insert(self, pending: list[_Pending]) -> None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else now
        doc_rows, sig_rows, band_rows, search_rows = [], [], [], []
        for p in pending:
            doc, item, s = p.item.doc, p.item, p.stored
            canonical = s.is_current and s.duplicate_of is None
            published = pub_date(doc.published_at)
            doc_rows.append((
                doc.id, p.num, item.key, p.version, s.is_current, canonical, doc.source.path, doc.source.url,
                doc.source.format, _fit(doc.source.publisher or None, _PUBLISHER),
                _fit(doc.source.author or None, _AUTHOR), doc.title, doc.published_at,
                (published.isoformat() if self.sqlite else published) if published else None, doc.script, item.junk,
                doc.text, doc.original_text if doc.original_text and doc.original_text != doc.text else None,
                item.raw_z, _fit(doc.encoding, _ENCODING), s.duplicate_of, p.similarity, item.sheet_z,
                item.kinds, item.event_types, stamp))
            sig_rows.append((p.num, item.signature))
            band_rows.extend(zip(dict.fromkeys(item.buckets), repeat(p.num)))
            search_rows.append((p.num, item.terms))
            if canonical:
                self.counts["documents"] += 1
                if doc.source.publisher:
                    self.counts["publisher:" + _fit(doc.source.publisher, _PUBLISHER)] += 1
            else:
                self.counts["duplicates" if s.is_current else "old_versions"] += 1
        self._bulk("documents", _DOC_COLUMNS, doc_rows)
        self._bulk("minhash", ("doc_num", "signature"), sig_rows)
        self._bulk("lsh_bands", ("bucket", "doc_num"), band_rows)
        if self.sqlite:
            self.conn.exec_driver_sql("INSERT INTO search_fts(rowid, terms) VALUES (?, ?)", search_rows)
        else:
            self._bulk("search_index", ("doc_num", "tsv"), search_rows, values="%s, to_tsvector('simple', %s)")
        entity_ids = self._entities(pending)
        n_facts = sum(len(p.item.fact_rows) for p in pending)
        fact_ids = self._new_ids("facts", n_facts) if n_facts else []
        fact_rows, fact_tuples = [], []  # (row, its document's num) by fact id; the rows to insert
        kinds: Counter = Counter()
        fids = iter(fact_ids)
        for p, ids in zip(pending, entity_ids):
            num = p.num
            for row, e in zip(p.item.fact_rows, p.item.fact_entities):
                fact_rows.append((row, num))
                kinds[row[KIND]] += 1
                fact_tuples.append((next(fids), num, *row, ids[e] if e is not None else None))
        self._bulk("facts", ("id", "doc_num", *FACT_ROW, "entity_id"), fact_tuples)
        for kind, n in kinds.items():
            self.counts["facts:" + kind] += n
        link_rows = []
        start = 0
        for p, ids in zip(pending, entity_ids):
            rows = p.item.fact_rows
            for i, e, role in p.item.link_specs:
                link_rows.append({"fact_id": fact_ids[start + i], "entity_id": ids[e], "role": role, "doc_num": p.num,
                                  "day": rows[i][DAY]})
            start += len(rows)
        self._bulk("links", ("fact_id", "entity_id", "role", "doc_num", "day"),
                   [(r["fact_id"], r["entity_id"], r["role"], r["doc_num"], r["day"]) for r in link_rows])
        de_rows, dp_rows = [], []  # every document by entity and by place (queries keep the canonical ones)
        for p, ids in zip(pending, entity_ids):
            de_rows.extend((eid, p.num) for eid in dict.fromkeys(ids))
            dp_rows.extend((c, p.num) for c in p.item.codes)
        self._bulk("doc_entities", ("entity_id", "doc_num"), de_rows)
        self._bulk("doc_places", ("code", "doc_num"), dp_rows)
        self._count_canonical(pending, entity_ids, link_rows, fact_rows, fact_ids)

    def _entities(self, pending: list[_Pending]) -> list[list[int]]:
        """The id of every entity the batch's documents refer to (created when new), per document."""
        conn = self.conn
        wanted: dict[tuple[str, str], EntityRef] = {}
        for p in pending:
            for r in p.item.entity_refs:
                k = (r.kind, _fit(r.key, _E_KEY))
                wanted.setdefault(k, r)
        known: dict[tuple[str, str], tuple[int, str, list[str]]] = {}
        keys = list({k for _, k in wanted})
        subkinds: dict[int, str | None] = {}
        for r in self._select_in("SELECT id, kind, key, name, aliases, subkind FROM entities WHERE key IN ({IN})", keys):
            if (r.kind, r.key) in wanted:
                known[(r.kind, r.key)] = (r.id, r.name, json.loads(r.aliases))
                subkinds[r.id] = r.subkind
        new = [(k, r) for k, r in wanted.items() if k not in known]
        if new:
            rows = [(eid, r.kind, k[1], _fit(r.name, _E_NAME), _fit(r.subkind, _E_SUBKIND),
                     _fit(r.code, _E_CODE), _fit(r.parent, _E_PARENT), r.lat, r.lon, "[]", 0, 0)
                    for eid, (k, r) in zip(self._new_ids("entities", len(new)), new)]
            self._bulk("entities", _ENTITY_COLUMNS, rows)
            for (k, r), row in zip(new, rows):
                known[k] = (row[0], row[3], [])
                subkinds[row[0]] = row[4]
                self.counts["entities:" + r.kind] += 1
        changed_aliases: dict[int, list[str]] = {}
        titles: dict[int, str] = {}
        out = []
        for p in pending:
            ids = []
            for r in p.item.entity_refs:
                eid, name, aliases = known[(r.kind, _fit(r.key, _E_KEY))]
                ids.append(eid)
                alias = _fit(r.name, _E_NAME)
                if alias != name and alias not in aliases:
                    aliases.append(alias)
                    changed_aliases[eid] = aliases
                if r.kind == "person" and r.subkind:  # a person's latest title
                    title = _fit(r.subkind, _E_SUBKIND)
                    if subkinds.get(eid) != title:
                        titles[eid] = subkinds[eid] = title
            out.append(ids)
        if changed_aliases:
            conn.exec_driver_sql(f"UPDATE entities SET aliases = {self.mark} WHERE id = {self.mark}",
                                 [(json.dumps(a, ensure_ascii=False), e) for e, a in changed_aliases.items()])
        if titles:
            conn.exec_driver_sql(f"UPDATE entities SET subkind = {self.mark} WHERE id = {self.mark}",
                                 [(t, e) for e, t in titles.items()])
        return out

    def _count_canonical(self, pending, entity_ids, link_rows, fact_rows, fact_ids) -> None:
        """The counted tables, for the documents of the batch that are canonical."""
        conn = self.conn
        canonical = {p.num: p for p in pending if p.canonical}
        if not canonical:
            return
        ent_docs: Counter = Counter()
        ent_mentions: Counter = Counter()
        index_of = {p.num: i for i, p in enumerate(pending)}
        for p, ids in zip(pending, entity_ids):
            if p.num not in canonical:
                continue
            for row in p.item.fact_rows:
                if row[KIND] == "event":
                    self.counts["events"] += 1
                    self.counts["events:" + row[EVENT_TYPE]] += 1
                elif row[KIND] == "target":
                    self.counts["targets"] += 1
            for code in p.item.codes:  # canonical documents per place, its districts included (what a place filter lists)
                self.counts["place:" + code] += 1
            mentions = Counter(ids[e] for e in p.item.fact_entities if e is not None)
            for eid, n in mentions.items():
                ent_docs[eid] += 1
                ent_mentions[eid] += n
        if ent_docs:
            conn.exec_driver_sql(
                "UPDATE entities SET documents = documents + {0}, mentions = mentions + {0} WHERE id = {0}".format(self.mark),
                [(d, ent_mentions[e], e) for e, d in ent_docs.items()])
        # the network: the parties of each relation, in their stated order
        facts_by_id = dict(zip(fact_ids, fact_rows))
        parties: dict[int, list[int]] = defaultdict(list)
        for link in link_rows:
            if link["role"] == "party" and link["doc_num"] in canonical:
                parties[link["fact_id"]].append(link["entity_id"])
        pairs: dict[tuple[int, int, str], dict] = {}
        for fid, eids in parties.items():
            row, doc_num = facts_by_id[fid]
            data = json.loads(row[DATA])
            order = {name: i for i, name in enumerate(data.get("parties", []))}
            names = {}
            p = canonical[doc_num]
            for ref, eid in zip(p.item.entity_refs, entity_ids[index_of[p.num]]):
                names.setdefault(eid, ref.name)
            ids = sorted(dict.fromkeys(eids), key=lambda e: order.get(names.get(e), 99))
            kind = row[EVENT_TYPE]
            combos = [(ids[0], x) for x in ids[1:]] if kind in ("membership", "connects") else \
                [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
            for a, b in combos:
                a, b = min(a, b), max(a, b)
                e = pairs.setdefault((a, b, kind, doc_num), {"topics": [], "date": p.item.doc.published_at})
                if data.get("topic") and data["topic"] not in e["topics"]:
                    e["topics"].append(data["topic"])
        if pairs:
            self._edges(pairs)

    def _edges(self, pairs: dict) -> None:
        conn = self.conn
        conn.execute(insert(edge_docs), [{"a": a, "b": b, "type": t, "doc_num": n} for a, b, t, n in pairs])
        per_edge: dict[tuple[int, int, str], dict] = {}
        for (a, b, t, _), info in pairs.items():
            e = per_edge.setdefault((a, b, t), {"count": 0, "topics": [], "date": None})
            e["count"] += 1
            e["topics"].extend(x for x in info["topics"] if x not in e["topics"])
            e["date"] = max(filter(None, [e["date"], info["date"]]), default=None)
        found = {}
        for r in self._select_in("SELECT a, b, type, count, topics, last_date FROM edges WHERE (a, b, type) IN ({IN})",
                                 list(per_edge), width=3):
            found[(r.a, r.b, r.type)] = r
        new_rows, updates = [], []
        for k, e in per_edge.items():
            if k in found:
                r = found[k]
                topics = json.loads(r.topics)
                topics.extend(x for x in e["topics"] if x not in topics)
                updates.append({"ea": k[0], "eb": k[1], "et": k[2], "n": e["count"], "topics": json.dumps(topics[:10], ensure_ascii=False),
                                "d": max(filter(None, [r.last_date, e["date"]]), default=None)})
            else:
                new_rows.append({"a": k[0], "b": k[1], "type": k[2], "count": e["count"], "last_date": e["date"],
                                 "topics": json.dumps(e["topics"][:10], ensure_ascii=False)})
        if new_rows:
            conn.execute(insert(edges), new_rows)
        if updates:
            conn.execute(update(edges).where(and_(edges.c.a == bindparam("ea"), edges.c.b == bindparam("eb"),
                                                  edges.c.type == bindparam("et"))).values(
                count=edges.c.count + bindparam("n"), topics=bindparam("topics"), last_date=bindparam("d")), updates)

    def _flush_counts(self) -> None:
        deltas = {k: v for k, v in self.counts.items() if v}
        self.counts.clear()
        if not deltas:
            return
        conn = self.conn
        have = {r[0] for r in self._select_in("SELECT name FROM counters WHERE name IN ({IN})", list(deltas))}
        new = [{"name": k, "value": v} for k, v in deltas.items() if k not in have]
        if new:
            conn.execute(insert(counters), new)
        old = [{"cname": k, "d": v} for k, v in deltas.items() if k in have]
        if old:
            conn.execute(update(counters).where(counters.c.name == bindparam("cname")).values(
                value=counters.c.value + bindparam("d")), old)


class Busy(Exception):
    """Another writer holds the store's write lock and the caller asked not to wait."""


def write_batch(conn: Connection, batch: list[Prepared], wait: bool = True) -> BatchResult:
    """Store a batch (one transaction is the caller's): new documents, versions, duplicates, facts, links, counts.

    ``wait=False`` (PostgreSQL): raise :class:`Busy` at once if another writer holds the write lock (on SQLite
    the same is asked of the transaction itself: ``make_engine(writer=True)`` and ``conn.info["try_lock"]``)."""
    return _Writer(conn).write(batch, wait)
