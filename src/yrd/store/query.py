"""Read the knowledge base: filtered documents, search, entity pages, projects, targets, the network, stats.

Every list counts each article once: duplicates (``duplicate_of``) and old
versions are left out unless asked for, and appear as corroboration (the
number of copies) of their canonical document.

Every query is built to stay fast at a million documents: lists are read in
``documents.num`` order (newest first) from an index and stop at the page;
what would need a count or an aggregate over the whole store on each request
(totals, articles per entity, the network) is read from the tables the writer
keeps up to date; filters fall back to exact queries.
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, literal_column, or_, select, text as sql_text
from sqlalchemy.engine import Connection

from ..errors import YrdError
from ..search.terms import normalise_query, query_phrases
from .schema import counters, doc_entities, doc_places, documents, edge_docs, edges, entities, facts, links
from .write import _DAY0, EVENT_BITS, EVENT_TYPES, FACT_KINDS, KIND_BITS, SEQ_BITS, day_number, decompress, org_key

__all__ = ["EVENT_TYPES", "FACT_KINDS", "Filters", "parse_day", "search", "search_page", "list_documents",
           "get_document", "entity_page", "projects", "targets", "network", "stats", "events", "places",
           "organizations", "where", "factsheet"]
COUNT_CAP = 10_000  # search counts its hits exactly up to here, then reports "at least"
SEARCH_WINDOW = 1_000  # search ranks the newest this many matches (more when filters or paging need them)


@dataclass
class Filters:
    place: str | None = None  # adcode: a city or province includes its districts and counties
    date_from: date | None = None
    date_to: date | None = None
    event_type: str | None = None
    kind: str | None = None
    publisher: str | None = None
    include_duplicates: bool = False

    def validate(self) -> "Filters":
        if self.place and not re.fullmatch(r"\d{6}", self.place):
            raise YrdError(f"place {self.place!r}: expected a 6-digit adcode such as 330421 (嘉善县)")
        if self.event_type and self.event_type not in EVENT_TYPES:
            raise YrdError(f"event type {self.event_type!r}: expected one of {', '.join(EVENT_TYPES)}")
        if self.kind and self.kind not in FACT_KINDS:
            raise YrdError(f"fact kind {self.kind!r}: expected one of {', '.join(FACT_KINDS)}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise YrdError(f"date range {self.date_from}..{self.date_to} is empty: --from is after --to")
        return self

    @property
    def plain(self) -> bool:
        """No filter at all: the totals the writer keeps answer."""
        return not (self.place or self.date_from or self.date_to or self.event_type or self.kind or self.publisher
                    or self.include_duplicates)


def parse_day(value: str | None, name: str = "date") -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first day it can mean; YrdError names the bad value."""
    if not value:
        return None
    try:
        parts = [int(x) for x in value.split("-")]
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        raise YrdError(f"{name}={value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD") from None


def place_prefix(code: str) -> str:
    """330000 -> 33, 330400 -> 3304, 330421 -> 330421: the codes of a unit and everything inside it."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def num_range(f: Filters) -> tuple[int | None, int | None]:
    """The ``documents.num`` range of the date filters (num sorts by publication day)."""
    low = day_number(f.date_from) << SEQ_BITS if f.date_from else None
    high = (day_number(f.date_to) + 1) << SEQ_BITS if f.date_to else None
    if high is not None and low is None:
        low = 1 << SEQ_BITS  # a document without a date is not "before" anything
    return low, high


def where(f: Filters, place: bool = True):
    """SQL conditions on ``documents`` for these filters (``place=False``: the caller joins ``doc_places``)."""
    cond = [documents.c.is_current.is_(True) if f.include_duplicates else documents.c.canonical.is_(True)]
    low, high = num_range(f)
    if low is not None:
        cond.append(documents.c.num >= low)
    if high is not None:
        cond.append(documents.c.num < high)
    if f.publisher:
        cond.append(documents.c.publisher == f.publisher)
    if f.place and place:
        cond.append(documents.c.num.in_(select(doc_places.c.doc_num).where(doc_places.c.code == f.place)))
    if f.event_type:  # bit masks on the document: no scan of the facts
        cond.append(documents.c.event_types.op("&")(EVENT_BITS[f.event_type]) != 0)
    if f.kind:
        cond.append(documents.c.kinds.op("&")(KIND_BITS[f.kind]) != 0)
    return and_(*cond)


def is_kind(kind: str, table=facts):
    """``kind = '<kind>'`` with the kind written as a literal, so the partial index of that kind applies."""
    if kind not in FACT_KINDS:
        raise ValueError(kind)
    return table.c.kind == literal_column(f"'{kind}'")


def counter(conn: Connection, name: str) -> int:
    return conn.scalar(select(counters.c.value).where(counters.c.name == name)) or 0


def generation(conn: Connection) -> tuple:
    """Changes whenever the store does (for caches of derived answers)."""
    return (counter(conn, "documents"), counter(conn, "duplicates"), counter(conn, "old_versions"),
            conn.scalar(select(func.max(documents.c.num))))


def copies(conn: Connection, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = conn.execute(select(documents.c.duplicate_of, func.count()).where(documents.c.duplicate_of.in_(ids))
                        .group_by(documents.c.duplicate_of))
    return {r[0]: r[1] for r in rows}


def passes(f: Filters, num_column, place: bool = True):
    """EXISTS: the document ``num_column`` refers to passes the filters. Queries that list facts, links or
    documents by place read their own table's index in order and check each row's document with this, so the
    database stops at the page instead of joining everything first."""
    return select(documents.c.num).where(and_(documents.c.num == num_column, where(f, place=place))).exists()


def _doc_nums(f: Filters):
    """The ``num`` of the documents that pass the filters, newest first (a place filter reads ``doc_places``)."""
    if f.place:
        return (select(doc_places.c.doc_num.label("num"))
                .where(and_(doc_places.c.code == f.place, passes(f, doc_places.c.doc_num, place=False)))
                .order_by(doc_places.c.doc_num.desc()))
    return select(documents.c.num).where(where(f)).order_by(documents.c.num.desc())


def list_documents(conn: Connection, f: Filters, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    if f.plain:
        total = counter(conn, "documents")
    elif f.place and Filters(place=f.place) == f:
        total = counter(conn, "place:" + f.place)  # the writer counts the canonical documents of every place
    else:
        total = conn.scalar(select(func.count()).select_from(_doc_nums(f).order_by(None).subquery()))
    nums = list(conn.scalars(_doc_nums(f).limit(limit).offset(offset)))
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


def get_document(conn: Connection, doc_id: str) -> dict | None:
    row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
    if row is None:
        return None
    sheet = factsheet(row)
    sheet["version"] = row.version
    sheet["is_current"] = row.is_current
    sheet["copies"] = [r[0] for r in conn.execute(select(documents.c.id).where(documents.c.duplicate_of == doc_id))]
    return sheet


# --- search -------------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    total: int
    hits: list[dict]
    exact: bool = True  # False: there are at least ``total`` hits (COUNT_CAP reached)


def search(conn: Connection, query: str, f: Filters, limit: int = 20, offset: int = 0) -> tuple[int, list[dict]]:
    """Ranked hits with highlighted snippets; recall equals substring search for queries of 2+ characters."""
    r = search_page(conn, query, f, limit, offset)
    return r.total, r.hits


def search_page(conn: Connection, query: str, f: Filters, limit: int = 20, offset: int = 0) -> SearchResult:
    """Search, with whether the total is exact.

    The newest matches are ranked by relevance (bm25 on SQLite, ts_rank on PostgreSQL): every match when there
    are at most ``SEARCH_WINDOW`` of them (after the filters), otherwise the newest ``SEARCH_WINDOW`` — on a
    news archive the best hits of a common phrase are its recent ones, and the index hands them over first.
    The total is exact up to ``COUNT_CAP``.
    """
    parts = query_phrases(query)
    if not parts:
        raise YrdError(f"query {query!r} has no searchable characters")
    phrases = [terms for _, terms in parts if terms]
    plain = [part for part, terms in parts if not terms]  # one-character runs: substring match
    like = [or_(documents.c.text.ilike(f"%{_escape_like(part)}%", escape="\\"),
                documents.c.title.ilike(f"%{_escape_like(part)}%", escape="\\")) for part in plain]
    need = offset + limit
    if phrases and conn.dialect.name == "sqlite":
        fts_q = " AND ".join('"' + " ".join(p) + '"' for p in phrases)
        total, exact, ranked = _sqlite_ranked(conn, fts_q, f, like, need)
    elif phrases:
        tsq = func.plainto_tsquery("simple", " ".join(t for p in phrases for t in p))
        exact_parts = [documents.c.text.contains(part) | documents.c.title.contains(part) for part, _ in parts]
        total, exact, ranked = _pg_ranked(conn, tsq, f, exact_parts + like, need)
    else:
        total, exact, ranked = _scan_ranked(conn, f, like, need)
    page = ranked[offset:need]
    cols = (documents.c.id, documents.c.num, documents.c.title, documents.c.publisher, documents.c.published_at,
            documents.c.text, documents.c.source_url)
    found = {r.num: r for r in conn.execute(select(*cols).where(documents.c.num.in_([n for n, _ in page])))}
    q = normalise_query(query)
    terms = [part for part in q.split() if part]
    hits = []
    for num, score in page:
        r = found.get(num)
        if r is None:
            continue
        hits.append({"id": r.id, "title": r.title, "source": r.publisher, "published_at": r.published_at,
                     "url": r.source_url, "score": round(float(score or 0), 4), "snippet": snippet(r.text, terms)})
    return SearchResult(total, hits, exact)


_FTS_NEWEST = ("SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH :q{range} "
               "ORDER BY rowid DESC LIMIT :n")
_FTS_COUNT = "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH :q{range} LIMIT :cap)"


def _fts_range(f: Filters) -> tuple[str, dict]:
    low, high = num_range(f)
    sql, params = "", {}
    if low is not None:
        sql += " AND rowid >= :low"
        params["low"] = low
    if high is not None:
        sql += " AND rowid < :high"
        params["high"] = high
    return sql, params


def _sqlite_ranked(conn: Connection, fts_q: str, f: Filters, like: list, need: int) -> tuple[int, bool, list]:
    """FTS5 hands over its newest matches first (its rowid is ``documents.num``); the filters are checked on
    those documents only, and bm25 ranks the ones that pass."""
    rng, params = _fts_range(f)
    cond = and_(where(f), *like)
    window = max(SEARCH_WINDOW, need * 3)
    while True:
        rows = conn.execute(sql_text(_FTS_NEWEST.format(range=rng)), {"q": fts_q, "n": window, **params}).all()
        ok = set()
        for chunk in _chunks([r[0] for r in rows]):
            ok.update(conn.scalars(select(documents.c.num).where(and_(documents.c.num.in_(chunk), cond))))
        passed = [(r[0], -r[1]) for r in rows if r[0] in ok]  # bm25: smaller is better
        if len(rows) < window or len(passed) >= max(need, SEARCH_WINDOW // 2) or window >= 64 * SEARCH_WINDOW:
            break
        window *= 4
    complete = len(rows) < window  # every match was looked at
    passed.sort(key=lambda x: (-x[1], -x[0]))
    if complete:
        return len(passed), True, passed
    if f.plain and not like:
        n = conn.scalar(sql_text(_FTS_COUNT.format(range=rng)), {"q": fts_q, "cap": COUNT_CAP + 1, **params})
    else:
        n = _count_passing(conn, sql_text(f"SELECT rowid FROM search_fts WHERE search_fts MATCH :q{rng} "
                                          "ORDER BY rowid DESC LIMIT :cap"), {"q": fts_q, **params}, cond)
    return min(n, COUNT_CAP), n <= COUNT_CAP, passed


def _count_passing(conn: Connection, candidates, params: dict, cond) -> int:
    """How many candidate documents pass ``cond``, counting at most COUNT_CAP + 1."""
    nums = [r[0] for r in conn.execute(candidates, {**params, "cap": 4 * COUNT_CAP})]
    n = 0
    for chunk in _chunks(nums):
        n += conn.scalar(select(func.count()).select_from(documents).where(and_(documents.c.num.in_(chunk), cond)))
        if n > COUNT_CAP:
            break
    return n


def _pg_ranked(conn: Connection, tsq, f: Filters, exact: list, need: int) -> tuple[int, bool, list]:
    """PostgreSQL: the GIN index finds documents with every bigram, the exact substring confirms (tsvector
    positions are clamped in long texts), newest first."""
    from .schema import search_index

    tsv = literal_column("search_index.tsv")
    base = (select(documents.c.num, func.ts_rank_cd(tsv, tsq).label("score"))
            .join(search_index, search_index.c.doc_num == documents.c.num)
            .where(and_(tsv.op("@@")(tsq), where(f), *exact)))
    window = max(SEARCH_WINDOW, need * 3)
    rows = conn.execute(base.order_by(documents.c.num.desc()).limit(window)).all()
    ranked = sorted(((r.num, r.score) for r in rows), key=lambda x: (-x[1], -x[0]))
    if len(rows) < window:
        return len(rows), True, ranked
    n = conn.scalar(select(func.count()).select_from(base.limit(COUNT_CAP + 1).subquery()))
    return min(n, COUNT_CAP), n <= COUNT_CAP, ranked


def _scan_ranked(conn: Connection, f: Filters, like: list, need: int) -> tuple[int, bool, list]:
    """Queries of single characters only (沪, A股): a substring scan, newest first."""
    cond = and_(where(f), *like)
    rows = conn.execute(select(documents.c.num).where(cond).order_by(documents.c.num.desc()).limit(need)).all()
    n = conn.scalar(select(func.count()).select_from(select(documents.c.num).where(cond).limit(COUNT_CAP + 1).subquery()))
    return min(n, COUNT_CAP), n <= COUNT_CAP, [(r[0], 0.0) for r in rows]


def _chunks(values: list, n: int = 900):
    for i in range(0, len(values), n):
        yield values[i:i + n]


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def snippet(text: str, terms: list[str], width: int = 60) -> str:
    """The text around the first hit, each hit wrapped in 【】 (the API and dashboard escape and style it)."""
    lower = text.lower()
    positions = [lower.find(t.lower()) for t in terms if t and lower.find(t.lower()) >= 0]
    if not positions:
        return text[:width * 2].replace("\n", " ")
    start = max(0, min(positions) - width // 2)
    piece = text[start:start + width * 2].replace("\n", " ")
    for t in sorted(set(terms), key=len, reverse=True):
        piece = re.sub(re.escape(t), lambda m: f"【{m.group()}】", piece, flags=re.I)
    return ("…" if start else "") + piece + ("…" if start + width * 2 < len(text) else "")


# --- entities, projects, targets, network ---------------------------------------------------------------


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


def find_entity(conn: Connection, ref: str) -> dict | None:
    """An entity by id (``e:12``), adcode, or name (canonical or an alias seen)."""
    q = select(entities)
    if ref.startswith("e:") and ref[2:].isdigit():
        row = conn.execute(q.where(entities.c.id == int(ref[2:]))).first()
    elif re.fullmatch(r"\d{6}", ref):
        row = conn.execute(q.where(and_(entities.c.code == ref, entities.c.kind == "place"))).first()
    else:
        row = conn.execute(q.where(or_(entities.c.name == ref, entities.c.key == ref, entities.c.key == org_key(ref)))
                           .order_by(entities.c.kind)).first()
        if row is None:
            row = conn.execute(q.where(entities.c.aliases.contains(json.dumps(ref, ensure_ascii=False)))).first()
    return dict(row._mapping) if row is not None else None


def entity_page(conn: Connection, ref: str, f: Filters | None = None, limit: int = 200) -> dict | None:
    """Everything known about one entity: its mentions, the facts that involve it, each with its sources."""
    ent = find_entity(conn, ref)
    if ent is None:
        return None
    f = f or Filters()
    nums = list(conn.scalars(select(doc_entities.c.doc_num).where(and_(
        doc_entities.c.entity_id == ent["id"], passes(f, doc_entities.c.doc_num))).order_by(doc_entities.c.doc_num.desc())
        .limit(limit)))
    by_num = {r.num: r for r in conn.execute(select(documents.c.num, documents.c.id, documents.c.title,
                                                    documents.c.publisher, documents.c.published_at)
                                             .where(documents.c.num.in_(nums)))}
    docs = [by_num[n] for n in nums if n in by_num]
    roles = conn.execute(select(links.c.fact_id, links.c.role).where(and_(
        links.c.entity_id == ent["id"], passes(f, links.c.doc_num))).order_by(links.c.day.desc(), links.c.fact_id.desc())
        .limit(limit)).all()
    by_id = {r.id: r for r in conn.execute(select(facts).where(facts.c.id.in_([r.fact_id for r in roles])))}
    linked = [_WithRole(by_id[r.fact_id], r.role) for r in roles if r.fact_id in by_id]
    ent["aliases"] = json.loads(ent["aliases"])
    ent["document_count"] = ent["documents"]  # canonical articles that mention it (the list below is the newest)
    if ent["kind"] == "person":
        seen, roles = set(), []
        for r in conn.execute(select(facts.c.data, facts.c.doc_num).where(facts.c.entity_id == ent["id"])
                              .order_by(facts.c.doc_num.desc()).limit(limit)):
            data = json.loads(r.data)
            key = (data.get("title"), data.get("date"))
            if key not in seen:
                seen.add(key)
                roles.append({"title": data.get("title"), "date": data.get("date"), "doc_num": r.doc_num})
        ids = _sources(conn, {x["doc_num"] for x in roles})
        ent["roles"] = [{"title": x["title"], "date": x["date"], "doc_id": ids.get(x["doc_num"], {}).get("id")}
                        for x in roles]
    ent["documents"] = [{"id": d.id, "title": d.title, "source": d.publisher, "published_at": d.published_at}
                        for d in docs]
    ent["facts"] = [{**e, "role": r.role} for e, r in zip(_evidence(conn, linked), linked)]
    if not f.plain:
        ent["mentions"] = conn.scalar(select(func.count()).select_from(facts).where(
            and_(facts.c.entity_id == ent["id"], passes(f, facts.c.doc_num))))
    return ent


class _WithRole:
    """A fact row with the role its entity plays in it."""

    def __init__(self, row, role, project=None):
        self._row, self.role, self.project = row, role, project

    def __getattr__(self, name):
        return getattr(self._row, name)


STAGES = ("approval", "signing", "groundbreaking", "completion", "launch", "unveiling", "release", "meeting")
_STAGE_RANK = {s: i for i, s in enumerate(("approval", "signing", "groundbreaking", "completion", "launch"))}


def projects(conn: Connection, f: Filters, limit: int = 100, offset: int = 0,
             per_project: int = 50) -> tuple[int, list[dict]]:
    """The project library: each project with its places, investment amounts (every revision) and stages (the
    newest ``per_project`` statements of each)."""
    if f.plain:
        named = select(entities.c.id).where(and_(entities.c.kind == "project", entities.c.documents > 0))
    else:  # projects are few: each is checked for one document that passes
        named = select(entities.c.id).where(and_(entities.c.kind == "project", select(doc_entities.c.doc_num).where(
            and_(doc_entities.c.entity_id == entities.c.id, passes(f, doc_entities.c.doc_num))).exists()))
    total = conn.scalar(select(func.count()).select_from(named.subquery()))
    # the most written-about first (an index order: the library stays fast with 100,000 projects)
    page = conn.execute(select(entities.c.id, entities.c.name, entities.c.aliases)
                        .where(and_(entities.c.kind == "project", entities.c.id.in_(named)))
                        .order_by(entities.c.documents.desc(), entities.c.id).limit(limit).offset(offset)).all()
    ids = [p.id for p in page]
    role_rows = []
    for eid in ids:  # each project's newest stages and investment figures (its index, in date order)
        picked = conn.execute(select(links.c.fact_id, links.c.role).where(and_(
            links.c.entity_id == eid, links.c.role.in_(("stage", "investment")), passes(f, links.c.doc_num)))
            .order_by(links.c.day.desc(), links.c.fact_id.desc()).limit(per_project)).all()
        by_id = {r.id: r for r in conn.execute(select(facts).where(facts.c.id.in_([r.fact_id for r in picked])))}
        role_rows.extend(_WithRole(by_id[r.fact_id], r.role, eid) for r in sorted(picked) if r.fact_id in by_id)
    evidence = _evidence(conn, role_rows)
    by_project: dict[int, list] = {}
    for e, r in zip(evidence, role_rows):
        by_project.setdefault(r.project, []).append((e, r.role))
    places = _project_places(conn, ids)
    out = []
    for p in page:
        items = by_project.get(p.id, [])
        stages = sorted(({"stage": e["fact"]["type"], "date": e["fact"].get("date"), "source": e["source"],
                          "span": e["span"]} for e, role in items if role == "stage"),
                        key=lambda s: (s["date"] or "", s["stage"]))
        money = sorted(({"value": e["fact"]["value"], "unit": e["fact"]["unit"], "approx": e["fact"].get("approx"),
                         "source": e["source"], "span": e["span"]} for e, role in items if role == "investment"),
                       key=lambda a: a["source"]["published_at"] or "")
        current = max((s for s in stages if s["stage"] in _STAGE_RANK), key=lambda s: _STAGE_RANK[s["stage"]], default=None)
        out.append({"id": p.id, "name": p.name, "aliases": json.loads(p.aliases), "places": places.get(p.id, [])[:5],
                    "stage": current["stage"] if current else None, "stage_date": current["date"] if current else None,
                    "investment": money[-1] if money else None, "investments": money, "stages": stages})
    return total, out


def _project_places(conn: Connection, ids: list[int], per_project: int = 20) -> dict[int, list[dict]]:
    """The places named most often in the (newest ``per_project``) articles about each project."""
    nums_of: dict[int, list[int]] = {}
    for eid in ids:
        nums_of[eid] = list(conn.scalars(select(doc_entities.c.doc_num).where(doc_entities.c.entity_id == eid)
                                         .order_by(doc_entities.c.doc_num.desc()).limit(per_project)))
    places_of: dict[int, set[tuple[str, str]]] = {}
    for chunk in _chunks(sorted({n for ns in nums_of.values() for n in ns})):
        for num, label, code in conn.execute(select(facts.c.doc_num, facts.c.label, facts.c.code).distinct().where(
                and_(facts.c.doc_num.in_(chunk), facts.c.kind == "place", facts.c.code.is_not(None)))):
            places_of.setdefault(num, set()).add((label, code))
    out = {}
    for eid, nums in nums_of.items():
        counts: dict[tuple[str, str], int] = {}
        for n in nums:
            for place in places_of.get(n, ()):
                counts[place] = counts.get(place, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], _level_rank(kv[0][1]), kv[0][1], kv[0][0]))
        out[eid] = [{"name": label, "adcode": code} for (label, code), _ in ranked]
    return out


def _level_rank(code: str) -> int:
    """Provinces, then cities, then counties and districts (ties among a project's places go to the wider)."""
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


_REPORTS_CACHE: OrderedDict = OrderedDict()  # (fact id, store generation) -> reports; the store changes rarely


def targets(conn: Connection, f: Filters, due: int | None = None, status: str | None = None, today: date | None = None,
            limit: int = 200, offset: int = 0) -> tuple[int, list[dict]]:
    """The target tracker: each target with the later statements that report on it, and a status.

    Reports are looked up for the page shown only, unless a status filter needs them for every target.
    """
    today = today or date.today()
    q = (select(facts).where(and_(is_kind("target"), passes(f, facts.c.doc_num)))
         .order_by(facts.c.date, facts.c.label, facts.c.id))
    if due:
        q = q.where(facts.c.date == str(due))
    if status is None:
        total = counter(conn, "targets") if f.plain and not due else conn.scalar(
            q.with_only_columns(func.count(facts.c.id), maintain_column_froms=True).order_by(None))
        rows = conn.execute(q.limit(limit).offset(offset)).all()
    else:
        rows = conn.execute(q).all()
    gen = generation(conn)
    out = []
    for e, r in zip(_evidence(conn, rows), rows):
        t = e["fact"]
        reports = _reports_cached(conn, r.id, r.doc_num, t, e["source"]["published_at"], gen)
        st = _status(t, reports, today)
        if status and st != status:
            continue
        out.append({"fact_id": r.id, "deadline": t["deadline"], "metric": t["metric"], "value": t["value"],
                    "unit": t["unit"], "approx": t["approx"], "subject": t.get("subject"), "source": e["source"],
                    "span": e["span"], "status": st, "latest_report": reports[-1] if reports else None,
                    "reports": reports})
    if status is None:
        return total, out
    return len(out), out[offset:offset + limit]


def _reports_cached(conn: Connection, fact_id: int, doc_num: int, target: dict, since: str | None, gen) -> list[dict]:
    key = (fact_id, gen)
    if key in _REPORTS_CACHE:
        _REPORTS_CACHE.move_to_end(key)
        return _REPORTS_CACHE[key]
    reports = _reports(conn, target, since, doc_num)
    _REPORTS_CACHE[key] = reports
    while len(_REPORTS_CACHE) > 20_000:
        _REPORTS_CACHE.popitem(last=False)
    return reports


def docs_containing(conn: Connection, phrase: str, newest: int | None = None, from_num: int | None = None) -> list[int]:
    """The ``num`` of documents whose text contains ``phrase`` (newest first, at most ``newest``), through the
    full-text index."""
    parts = query_phrases(phrase)
    terms = [t for _, ts in parts for t in ts]
    exact = documents.c.text.contains(normalise_query(phrase))
    low = from_num or 0
    if terms and conn.dialect.name == "sqlite":
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q AND rowid >= :low ORDER BY rowid DESC"
        params = {"q": '"' + " ".join(terms) + '"', "low": low}
        if newest:
            sql += " LIMIT :n"
            params["n"] = newest
        return [r[0] for r in conn.execute(sql_text(sql), params)]
    q = select(documents.c.num).where(and_(exact, documents.c.num >= low)).order_by(documents.c.num.desc())
    if terms:
        from .schema import search_index

        tsq = func.plainto_tsquery("simple", " ".join(terms))
        q = q.join(search_index, search_index.c.doc_num == documents.c.num).where(
            literal_column("search_index.tsv").op("@@")(tsq))
    if newest:
        q = q.limit(newest)
    return list(conn.scalars(q))


def _reports(conn: Connection, target: dict, since: str | None, doc_num: int, newest: int = 50) -> list[dict]:
    """Later amounts stated about the same metric (same unit) in articles published after the target's: those
    of the newest ``newest`` articles that name the metric."""
    metric = target["metric"]
    if target.get("value") is None or len(metric) < 4:
        return []
    day_start = (doc_num >> SEQ_BITS) << SEQ_BITS
    nums = docs_containing(conn, metric, newest=newest, from_num=day_start)
    if not nums:
        return []
    rows = conn.execute(select(facts.c.doc_num, facts.c.data, facts.c.start, facts.c.end, facts.c.text,
                               documents.c.id, documents.c.published_at, documents.c.title,
                               documents.c.text.label("doc_text"))
                        .select_from(facts.join(documents, documents.c.num == facts.c.doc_num))
                        .where(and_(facts.c.doc_num.in_(nums), facts.c.kind == "amount", facts.c.unit == target["unit"],
                                    documents.c.canonical.is_(True), documents.c.published_at > (since or "")))
                        .order_by(documents.c.published_at, facts.c.id)).all()
    out = []
    for r in rows:
        window = r.doc_text[max(0, r.start - 30):r.start]
        if metric in window:
            a = json.loads(r.data)
            out.append({"value": a["value"], "unit": a["unit"], "approx": a.get("approx"), "published_at": r.published_at,
                        "source": {"id": r.id, "title": r.title}, "span": {"start": r.start, "end": r.end, "text": r.text}})
    return out


def _status(target: dict, reports: list[dict], today: date) -> str:
    deadline = target.get("deadline")
    if target.get("value") is not None and reports:
        latest = reports[-1]["value"]
        goal = target["value"]
        if (target.get("approx") == "under" and latest <= goal) or (target.get("approx") != "under" and latest >= goal):
            return "achieved"
    if deadline and today.year > int(deadline):
        return "overdue"
    return "reported" if reports else "open"


def network(conn: Connection, f: Filters, relation_type: str | None = None, limit: int = 500) -> dict:
    """The cooperation network: nodes (places, organisations) and weighted edges with topics, dates, documents.

    Unfiltered, it is read from the edges the writer keeps; with filters, it is built from the relations of
    the documents that pass them."""
    if f.plain:
        q = select(edges).where(edges.c.count > 0)
        if relation_type:
            q = q.where(edges.c.type == relation_type)
        rows = conn.execute(q.order_by(edges.c.count.desc(), edges.c.a, edges.c.b).limit(limit)).all()
        ranked = []
        for r in rows:
            nums = list(conn.scalars(select(edge_docs.c.doc_num).where(and_(
                edge_docs.c.a == r.a, edge_docs.c.b == r.b, edge_docs.c.type == r.type))
                .order_by(edge_docs.c.doc_num.desc()).limit(20)))
            ranked.append({"source": r.a, "target": r.b, "type": r.type, "count": r.count, "topics": json.loads(r.topics),
                           "documents": nums, "last_date": r.last_date})
        ids = _sources(conn, {n for e in ranked for n in e["documents"]})
        for e in ranked:
            e["documents"] = [ids[n]["id"] for n in e["documents"] if n in ids]
    else:
        ranked = _network_live(conn, f, relation_type, limit)
    node_ids = {e["source"] for e in ranked} | {e["target"] for e in ranked}
    nodes = [{"id": n.id, "name": n.name, "kind": n.kind, "subkind": n.subkind, "code": n.code, "lat": n.lat,
              "lon": n.lon} for n in conn.execute(select(entities).where(entities.c.id.in_(node_ids)))]
    return {"nodes": nodes, "edges": ranked}


def _network_live(conn: Connection, f: Filters, relation_type: str | None, limit: int, newest: int = 20_000) -> list[dict]:
    q = (select(facts.c.id, facts.c.event_type, facts.c.data, facts.c.doc_num)
         .where(and_(is_kind("relation"), passes(f, facts.c.doc_num))).order_by(facts.c.doc_num.desc()).limit(newest))
    if relation_type:
        q = q.where(facts.c.event_type == relation_type)
    facts_rows = conn.execute(q).all()
    src = _sources(conn, {r.doc_num for r in facts_rows})

    class _Row:
        def __init__(self, r):
            self.id, self.event_type, self.data = r.id, r.event_type, r.data
            self.doc_id, self.published_at = src[r.doc_num]["id"], src[r.doc_num]["published_at"]

    rows = [_Row(r) for r in facts_rows if r.doc_num in src]
    party_ids: dict[int, list[tuple[int, str]]] = {}
    for chunk in _chunks([r.id for r in rows]):
        for fid, eid, name in conn.execute(select(links.c.fact_id, links.c.entity_id, entities.c.name)
                                           .join(entities, entities.c.id == links.c.entity_id).where(
                and_(links.c.role == "party", links.c.fact_id.in_(chunk)))):
            party_ids.setdefault(fid, []).append((eid, name))
    found: dict[tuple[int, int, str], dict] = {}
    for r in rows:
        data = json.loads(r.data)
        order = {name: i for i, name in enumerate(data.get("parties", []))}
        ids = [eid for eid, name in sorted(party_ids.get(r.id, []), key=lambda p: order.get(p[1], 99))]
        pairs = [(ids[0], x) for x in ids[1:]] if r.event_type in ("membership", "connects") else \
            [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        for a, b in pairs:
            a, b = min(a, b), max(a, b)
            e = found.setdefault((a, b, r.event_type), {"source": a, "target": b, "type": r.event_type, "count": 0,
                                                        "topics": [], "documents": [], "last_date": None})
            if data.get("topic") and data["topic"] not in e["topics"]:
                e["topics"].append(data["topic"])
            if r.doc_id not in e["documents"]:
                e["documents"].append(r.doc_id)
                e["count"] = len(e["documents"])  # articles that state it, not sentences
            e["last_date"] = max(filter(None, [e["last_date"], r.published_at]), default=None)
    return sorted(found.values(), key=lambda e: -e["count"])[:limit]


def stats(conn: Connection) -> dict:
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


def _day(num: int | None) -> date | None:
    """The publication day a ``documents.num`` holds (an index lookup away, where min(published_date) is a scan)."""
    if num is None or num >> SEQ_BITS == 0:
        return None
    return date.fromordinal((num >> SEQ_BITS) + _DAY0)


def events(conn: Connection, f: Filters, event_type: str | None = None, limit: int = 100,
           offset: int = 0) -> tuple[int, list[dict]]:
    """The timeline: events (newest first) with date, participants, place and their source."""
    cond = and_(is_kind("event"), passes(f, facts.c.doc_num))
    if event_type:
        cond = and_(cond, facts.c.event_type == event_type)
    base = select(facts).where(cond)
    if f.plain:
        total = counter(conn, f"events:{event_type}" if event_type else "events")
    else:
        total = conn.scalar(select(func.count()).select_from(base.subquery()))
    rows = conn.execute(base.order_by(facts.c.day.desc(), facts.c.id.desc()).limit(limit).offset(offset)).all()
    out = []
    for e in _evidence(conn, rows):
        fact = e["fact"]
        out.append({"type": fact["type"], "date": fact.get("date") or (e["source"]["published_at"] or "")[:10] or None,
                    "date_stated": fact.get("date") is not None, "participants": fact.get("participants", []),
                    "place": fact.get("place"), "source": e["source"], "span": e["span"]})
    return total, out


def places(conn: Connection, f: Filters, level: str | None = None, limit: int = 500) -> list[dict]:
    """Places by activity: the number of (canonical) articles that mention each, with coordinates for the map."""
    cols = (entities.c.id, entities.c.name, entities.c.subkind, entities.c.code, entities.c.parent, entities.c.lat,
            entities.c.lon)
    if f.plain:
        q = (select(*cols, entities.c.documents, entities.c.mentions)
             .where(and_(entities.c.kind == "place", entities.c.documents > 0))
             .order_by(entities.c.documents.desc(), entities.c.name).limit(limit))
    else:
        n_docs = func.count(func.distinct(facts.c.doc_num))
        q = (select(*cols, n_docs.label("documents"), func.count().label("mentions"))
             .select_from(facts.join(entities, entities.c.id == facts.c.entity_id)
                          .join(documents, documents.c.num == facts.c.doc_num))
             .where(and_(where(f), facts.c.kind == "place")).group_by(*cols)
             .order_by(n_docs.desc(), entities.c.name).limit(limit))
    if level:
        q = q.where(entities.c.subkind == level)
    return [{"id": r.id, "name": r.name, "level": r.subkind, "adcode": r.code, "parent": r.parent, "lat": r.lat,
             "lon": r.lon, "documents": r.documents, "mentions": r.mentions} for r in conn.execute(q)]


def organizations(conn: Connection, f: Filters, kind: str | None = None, name: str | None = None, limit: int = 100,
                  offset: int = 0) -> tuple[int, list[dict]]:
    """Organisations and projects by the number of articles that mention them."""
    cols = (entities.c.id, entities.c.kind, entities.c.name, entities.c.subkind)
    if f.plain and not kind and not name:
        return _organizations_by_activity(conn, limit, offset)
    if f.plain:
        q = select(*cols, entities.c.documents).where(and_(entities.c.kind.in_(("organization", "project")),
                                                            entities.c.documents > 0))
        order = (entities.c.documents.desc(), entities.c.name)
    else:
        n_docs = func.count(func.distinct(facts.c.doc_num))
        q = (select(*cols, n_docs.label("documents"))
             .select_from(facts.join(entities, entities.c.id == facts.c.entity_id)
                          .join(documents, documents.c.num == facts.c.doc_num))
             .where(and_(where(f), facts.c.kind == "organization")).group_by(*cols))
        order = (n_docs.desc(), entities.c.name)
    if kind:
        q = q.where(entities.c.subkind == kind)
    if name:
        q = q.where(entities.c.name.contains(normalise_query(name)))
    total = conn.scalar(select(func.count()).select_from(q.subquery()))
    rows = conn.execute(q.order_by(*order).limit(limit).offset(offset))
    return total, [{"id": r.id, "ref": f"e:{r.id}", "kind": r.kind, "name": r.name, "org_kind": r.subkind,
                    "documents": r.documents} for r in rows]


def _organizations_by_activity(conn: Connection, limit: int, offset: int) -> tuple[int, list[dict]]:
    """Unfiltered: organisations and projects read in (kind, documents) index order, one kind at a time, and
    merged; the total is the writer's count of them."""
    rows = []
    for kind in ("organization", "project"):
        rows.extend(conn.execute(select(entities.c.id, entities.c.kind, entities.c.name, entities.c.subkind,
                                        entities.c.documents)
                                 .where(and_(entities.c.kind == kind, entities.c.documents > 0))
                                 .order_by(entities.c.documents.desc(), entities.c.id).limit(offset + limit)).all())
    rows.sort(key=lambda r: (-r.documents, r.name))
    total = counter(conn, "entities:organization") + counter(conn, "entities:project")
    return total, [{"id": r.id, "ref": f"e:{r.id}", "kind": r.kind, "name": r.name, "org_kind": r.subkind,
                    "documents": r.documents} for r in rows[offset:offset + limit]]
