"""Write finished documents into the knowledge base: once each, in transactional batches, with their facts linked.

A batch is one transaction: killed at any moment, the store holds whole
documents only, and running the same command again adds exactly what is
missing (documents are keyed by the hash of their bytes).

The rows of a document are made where it was finished (:func:`yrd.store.rows.rows`); :func:`write_batch` runs
in the single writer: it decides versions and duplicates for the whole batch with a few queries, inserts every
table with one statement per table, and keeps the tables the dashboard reads (entity counts, documents by place
and entity, the network's edges, totals) up to date for the documents that are canonical.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import islice, repeat

import numpy as np
from sqlalchemy import and_, bindparam, delete, func, insert, select, text as sql_text, update
from sqlalchemy.engine import Connection

from .. import settings
from .rows import SEQ_BITS, DocRows, EntityRow, FactRow, day_number
from .schema import counters, doc_places, documents, edge_docs, edges, entities, facts

WRITE_LOCK = 0x79726400  # the PostgreSQL advisory lock every write transaction holds ("yrd")
_MAX_PARAMS = 900  # bound parameters per IN (…) list, well under every backend's limit
_E_KEY, _E_NAME, _E_SUBKIND, _E_CODE, _E_PARENT = (entities.c[k].type.length for k in ("key", "name", "subkind", "code",
                                                                                     "parent"))


def _fit(value, length: int):
    return value[:length] if isinstance(value, str) else value


def similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two stored MinHash signatures: the share of equal values."""
    x, y = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(x == y)) / len(x)


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
    item: DocRows
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
                "extractor", "ingested_at")
_ENTITY_COLUMNS = ("id", "kind", "key", "name", "subkind", "code", "parent", "lat", "lon", "scope", "aliases", "documents",
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
        self.uncount(num)
        self.conn.execute(update(documents).where(documents.c.num == num).values(canonical=False))
        self.counts["documents"] -= 1
        if publisher:
            self.counts["publisher:" + publisher] -= 1

    def uncount(self, num: int) -> None:
        """Take what a canonical document's facts add to the counted tables out of them: its entities' document
        and mention counts, its edges (and its rows of ``edge_docs``), its events, targets and places."""
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
        for etype, n in conn.execute(select(facts.c.type, func.count()).where(
                and_(facts.c.doc_num == num, facts.c.kind == "event")).group_by(facts.c.type)):
            self.counts["events"] -= n
            self.counts["events:" + etype] -= n
        self.counts["targets"] -= conn.scalar(select(func.count()).select_from(facts).where(
            and_(facts.c.doc_num == num, facts.c.kind == "target"))) or 0
        for (code,) in conn.execute(select(doc_places.c.code).where(doc_places.c.doc_num == num)):
            self.counts["place:" + code] -= 1

    # -- the batch -------------------------------------------------------------------------------------

    def lock(self, wait: bool = True) -> None:
        """Hold the store's write lock until the transaction ends (SQLite's writers queue on its own)."""
        if self.sqlite:
            return
        if wait:
            self.conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        elif not self.conn.scalar(sql_text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}):
            raise Busy("another writer holds the store's write lock")

    def write(self, batch: list[DocRows], wait: bool = True) -> BatchResult:
        conn = self.conn
        result = BatchResult()
        self.lock(wait)
        ids = list(dict.fromkeys(p.document.id for p in batch))
        existing = {r[0] for r in self._select_in("SELECT id FROM documents WHERE id IN ({IN})", ids)}
        todo: list[DocRows] = []
        seen: set[str] = set()
        for item in batch:
            if item.document.id in existing or item.document.id in seen:
                result.unchanged += 1
            else:
                seen.add(item.document.id)
                todo.append(item)
        if not todo:
            return result
        # the current versions of the same articles, and every stored document that shares an LSH bucket
        keys = list({p.document.key for p in todo})
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

        self._load_days({day_number(p.document.published_date) for p in todo})
        pending: list[_Pending] = []
        pending_by_key: dict[str, _Pending] = {}
        pending_by_bucket: dict[int, list[_Pending]] = defaultdict(list)
        for item in todo:
            doc = item.document
            version = 1
            prev = pending_by_key.get(doc.key)
            if prev is not None:  # an earlier version in this very batch
                version = prev.version + 1
                prev.stored.is_current = False
                result.versions += 1
            elif doc.key in previous:
                old, row = previous.pop(doc.key)
                version = row.version + 1
                conn.execute(update(documents).where(documents.c.num == old.num).values(is_current=False))
                if row.canonical:
                    self.demote(old.num, row.publisher)
                if old.num in stored:
                    stored[old.num].is_current = False
                self.counts["old_versions"] += 1
                result.versions += 1
            num = self._num_for(doc.published_date)
            me = _Stored(num, doc.id, doc.key, True, None, doc.published_at, doc.script, doc.junk, item.signature)
            p = _Pending(item, num, version, me)
            me.pending = p
            duplicate_of, sim = self._canonical_for(p, by_bucket, stored, by_id, pending_by_bucket, pending)
            if duplicate_of:
                me.duplicate_of = duplicate_of
                p.similarity = sim
                result.duplicates += 1
            pending.append(p)
            pending_by_key[doc.key] = p
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
        sig = p.item.signature
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
            if not s.is_current or s.key == p.item.document.key:
                continue  # an older version of the same article is not a repost
            sim = similarity(sig, s.signature)
            if sim > best_sim:
                best, best_sim = s, sim
        if best is None or best_sim < settings.get("duplicate_threshold"):
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
            item, s = p.item, p.stored
            doc = item.document
            canonical = s.is_current and s.duplicate_of is None
            published = doc.published_date
            doc_rows.append((
                doc.id, p.num, doc.key, p.version, s.is_current, canonical, doc.source_path, doc.source_url,
                doc.format, doc.publisher, doc.author, doc.title, doc.published_at,
                (published.isoformat() if self.sqlite else published) if published else None, doc.script, doc.junk,
                doc.text, doc.original_text, doc.raw, doc.encoding, s.duplicate_of, p.similarity, doc.sheet,
                doc.kinds, doc.event_types, doc.extractor, stamp))
            sig_rows.append((p.num, item.signature))
            band_rows.extend(zip(dict.fromkeys(item.buckets), repeat(p.num)))
            search_rows.append((p.num, item.terms))
            if canonical:
                self.counts["documents"] += 1
                if doc.publisher:
                    self.counts["publisher:" + doc.publisher] += 1
            else:
                self.counts["duplicates" if s.is_current else "old_versions"] += 1
        self._bulk("documents", _DOC_COLUMNS, doc_rows)
        self._bulk("minhash", ("doc_num", "signature"), sig_rows)
        self._bulk("lsh_bands", ("bucket", "doc_num"), band_rows)
        if self.sqlite:
            self.conn.exec_driver_sql("INSERT INTO search_fts(rowid, terms) VALUES (?, ?)", search_rows)
        else:
            self._bulk("search_index", ("doc_num", "tsv"), search_rows, values="%s, to_tsvector('simple', %s)")
        self.insert_facts(pending)

    def insert_facts(self, pending: list[_Pending]) -> None:
        """The facts of documents whose row is stored: their entities, fact rows, links, documents by entity and
        by place, and what the canonical ones add to the counted tables."""
        entity_ids = self._entities(pending)
        n_facts = sum(len(p.item.facts) for p in pending)
        fact_ids = self._new_ids("facts", n_facts) if n_facts else []
        fact_rows, fact_tuples = [], []  # (row, its document's num) by fact id; the rows to insert
        kinds: Counter = Counter()
        fids = iter(fact_ids)
        for p, ids in zip(pending, entity_ids):
            num = p.num
            for row, e in zip(p.item.facts, p.item.fact_entities):
                fact_rows.append((row, num))
                kinds[row.kind] += 1
                fact_tuples.append((next(fids), num, *row, ids[e] if e is not None else None))
        self._bulk("facts", ("id", "doc_num", *FactRow._fields, "entity_id"), fact_tuples)
        for kind, n in kinds.items():
            self.counts["facts:" + kind] += n
        link_rows = []
        start = 0
        for p, ids in zip(pending, entity_ids):
            rows = p.item.facts
            for i, e, role in p.item.links:
                link_rows.append({"fact_id": fact_ids[start + i], "entity_id": ids[e], "role": role, "doc_num": p.num,
                                  "day": rows[i].day})
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
        wanted: dict[tuple[str, str], EntityRow] = {}
        for p in pending:
            for r in p.item.entities:
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
                     _fit(r.code, _E_CODE), _fit(r.parent, _E_PARENT), r.lat, r.lon, r.scope, "[]", 0, 0)
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
            for r in p.item.entities:
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
            for row in p.item.facts:
                if row.kind == "event":
                    self.counts["events"] += 1
                    self.counts["events:" + row.type] += 1
                elif row.kind == "target":
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
            data = json.loads(row.data)
            order = {name: i for i, name in enumerate(data.get("parties", []))}
            names = {}
            p = canonical[doc_num]
            for ref, eid in zip(p.item.entities, entity_ids[index_of[p.num]]):
                names.setdefault(eid, ref.name)
            ids = sorted(dict.fromkeys(eids), key=lambda e: order.get(names.get(e), 99))
            kind = row.type
            combos = [(ids[0], x) for x in ids[1:]] if kind in ("membership", "connects") else \
                [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
            for a, b in combos:
                a, b = min(a, b), max(a, b)
                e = pairs.setdefault((a, b, kind, doc_num), {"topics": [], "date": p.item.document.published_at})
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


def write_batch(conn: Connection, batch: list[DocRows], wait: bool = True) -> BatchResult:
    """Store a batch (one transaction is the caller's): new documents, versions, duplicates, facts, links, counts.

    ``wait=False`` (PostgreSQL): raise :class:`Busy` at once if another writer holds the write lock (on SQLite
    the same is asked of the transaction itself: ``make_engine(writer=True)`` and ``conn.info["try_lock"]``)."""
    return _Writer(conn).write(batch, wait)
