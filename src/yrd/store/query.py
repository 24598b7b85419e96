"""Read the knowledge base: filtered documents, search, entity pages, projects, targets, the network, stats.

Every list counts each article once: duplicates (``duplicate_of``) and old
versions are left out unless asked for, and appear as corroboration (the
number of copies) of their canonical document.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Float, String, and_, column, exists, func, or_, select, text as sql_text
from sqlalchemy.engine import Connection

from ..errors import YrdError
from ..search.terms import normalise_query, query_phrases
from .schema import documents, entities, facts, links, search_terms

EVENT_TYPES = ("meeting", "signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch")
FACT_KINDS = ("place", "person", "organization", "amount", "target", "event", "relation")


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


def where(f: Filters):
    """SQL conditions on ``documents`` for these filters."""
    cond = [documents.c.is_current.is_(True)]
    if not f.include_duplicates:
        cond.append(documents.c.duplicate_of.is_(None))
    if f.date_from:
        cond.append(documents.c.published_date >= f.date_from)
    if f.date_to:
        cond.append(documents.c.published_date <= f.date_to)
    if f.publisher:
        cond.append(documents.c.publisher == f.publisher)
    # an alias, so the EXISTS never correlates with a ``facts`` of the outer query (projects, targets)
    fx = facts.alias("fx_filter")
    if f.place:
        prefix = place_prefix(f.place)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # codes that start with the prefix, as an index range
        cond.append(documents.c.id.in_(select(fx.c.doc_id).where(and_(
            fx.c.kind == "place", fx.c.code >= prefix, fx.c.code < upper))))
    if f.event_type:
        cond.append(documents.c.id.in_(select(fx.c.doc_id).where(and_(fx.c.kind == "event",
                                                                       fx.c.event_type == f.event_type))))
    if f.kind:
        cond.append(documents.c.id.in_(select(fx.c.doc_id).where(fx.c.kind == f.kind)))
    return and_(*cond)


def copies(conn: Connection, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = conn.execute(select(documents.c.duplicate_of, func.count()).where(documents.c.duplicate_of.in_(ids))
                        .group_by(documents.c.duplicate_of))
    return {r[0]: r[1] for r in rows}


def list_documents(conn: Connection, f: Filters, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    cond = where(f)
    total = conn.scalar(select(func.count()).select_from(documents).where(cond))
    rows = conn.execute(select(documents.c.id, documents.c.title, documents.c.publisher, documents.c.published_at,
                               documents.c.source_url, documents.c.duplicate_of)
                        .where(cond).order_by(documents.c.published_date.desc().nulls_last(), documents.c.id)
                        .limit(limit).offset(offset)).all()
    n = copies(conn, [r.id for r in rows])
    return total, [{"id": r.id, "title": r.title, "source": r.publisher, "published_at": r.published_at,
                    "url": r.source_url, "duplicate_of": r.duplicate_of, "copies": n.get(r.id, 0)} for r in rows]


def get_document(conn: Connection, doc_id: str) -> dict | None:
    row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
    if row is None:
        return None
    sheet = json.loads(row.factsheet)
    sheet["duplicate_of"] = row.duplicate_of
    sheet["version"] = row.version
    sheet["is_current"] = row.is_current
    sheet["copies"] = [r[0] for r in conn.execute(select(documents.c.id).where(documents.c.duplicate_of == doc_id))]
    return sheet


# --- search -------------------------------------------------------------------------------------------


def search(conn: Connection, query: str, f: Filters, limit: int = 20, offset: int = 0) -> tuple[int, list[dict]]:
    """Ranked hits with highlighted snippets; recall equals substring search for queries of 2+ characters."""
    parts = query_phrases(query)
    if not parts:
        raise YrdError(f"query {query!r} has no searchable characters")
    cond = where(f)
    phrases = [terms for _, terms in parts if terms]
    plain = [part for part, terms in parts if not terms]  # one-character runs: substring match
    cols = (documents.c.id, documents.c.title, documents.c.publisher, documents.c.published_at, documents.c.text,
            documents.c.source_url)
    like = [or_(documents.c.text.ilike(f"%{_escape_like(part)}%", escape="\\"),
                documents.c.title.ilike(f"%{_escape_like(part)}%", escape="\\")) for part in plain]
    if phrases and conn.dialect.name == "sqlite":
        fts_q = " AND ".join('"' + " ".join(p) + '"' for p in phrases)
        total, page = _sqlite_ranked(conn, fts_q, and_(cond, *like), limit, offset)
        found = {r.id: r for r in conn.execute(select(*cols).where(documents.c.id.in_([i for i, _ in page])))}
        rows = [(found[i], score) for i, score in page if i in found]
    else:
        base = select(*cols)
        if phrases:
            from sqlalchemy import literal_column

            # PostgreSQL clamps tsvector positions at 16383, so phrases in long texts cannot be trusted: the
            # index finds documents with every bigram, and the exact substring confirms (same recall, indexed)
            tsq = func.plainto_tsquery("simple", " ".join(t for p in phrases for t in p))
            tsv = literal_column("search_terms.tsv")
            base = base.add_columns(func.ts_rank_cd(tsv, tsq).label("score")).join(
                search_terms, search_terms.c.doc_id == documents.c.id).where(tsv.op("@@")(tsq))
            like = [or_(documents.c.text.ilike(f"%{_escape_like(part)}%", escape="\\"),
                        documents.c.title.ilike(f"%{_escape_like(part)}%", escape="\\")) for part, _ in parts]
        else:
            base = base.add_columns((func.length(documents.c.text) * 0).label("score"))
        base = base.where(and_(cond, *like))
        total = conn.scalar(base.with_only_columns(func.count(documents.c.id), maintain_column_froms=True))
        rows = [(r, r.score) for r in conn.execute(base.order_by(sql_text("score DESC"), documents.c.id)
                                                  .limit(limit).offset(offset))]
    q = normalise_query(query)
    terms = [part for part in q.split() if part]
    hits = []
    for r, score in rows:
        hits.append({"id": r.id, "title": r.title, "source": r.publisher, "published_at": r.published_at,
                     "url": r.source_url, "score": round(float(score or 0), 4), "snippet": snippet(r.text, terms)})
    return total, hits


_FTS_RANKED = sql_text("SELECT st.doc_id AS doc_id, bm25(search_fts) AS score FROM search_fts "
                       "JOIN search_terms st ON st.rowid = search_fts.rowid WHERE search_fts MATCH :q "
                       "ORDER BY bm25(search_fts) LIMIT :n")
_FTS_IDS = sql_text("SELECT st.doc_id FROM search_fts JOIN search_terms st ON st.rowid = search_fts.rowid "
                    "WHERE search_fts MATCH :q").columns(column("doc_id", String))


def _sqlite_ranked(conn: Connection, fts_q: str, cond, limit: int, offset: int) -> tuple[int, list[tuple[str, float]]]:
    """Ranked ids from FTS5 first, then the filters on those ids only (SQLite would otherwise run the full-text
    query once per document): the best ``offset + limit`` that pass, and the number that pass in all."""
    hits = _FTS_IDS.bindparams(q=fts_q).subquery()
    total = conn.scalar(select(func.count()).select_from(documents).where(
        and_(documents.c.id.in_(select(hits.c.doc_id)), cond)))
    need, batch = offset + limit, max(200, (offset + limit) * 3)
    while True:
        ranked = conn.execute(_FTS_RANKED, {"q": fts_q, "n": batch}).all()
        ok = set(conn.scalars(select(documents.c.id).where(and_(documents.c.id.in_([r[0] for r in ranked]), cond))))
        ordered = [(r[0], -r[1]) for r in ranked if r[0] in ok]  # bm25: smaller is better
        if len(ordered) >= need or len(ranked) < batch:
            return total, ordered[offset:need]
        batch *= 4


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


def _evidence(conn: Connection, fact_rows) -> list[dict]:
    """Each fact with its source document (title, publisher, date) and its span."""
    ids = {r.doc_id for r in fact_rows}
    docs = {r.id: r for r in conn.execute(select(documents.c.id, documents.c.title, documents.c.publisher,
                                                 documents.c.published_at, documents.c.source_url)
                                          .where(documents.c.id.in_(ids)))}
    n = copies(conn, list(ids))
    out = []
    for r in fact_rows:
        d = docs.get(r.doc_id)
        out.append({"fact": json.loads(r.data), "kind": r.kind,
                    "source": {"id": r.doc_id, "title": d.title if d else None, "publisher": d.publisher if d else None,
                               "published_at": d.published_at if d else None, "url": d.source_url if d else None,
                               "copies": n.get(r.doc_id, 0)},
                    "span": {"start": r.start, "end": r.end, "text": r.text}})
    return out


def find_entity(conn: Connection, ref: str) -> dict | None:
    """An entity by id (``e:12``), adcode, or name (canonical or an alias seen)."""
    q = select(entities)
    if ref.startswith("e:") and ref[2:].isdigit():
        row = conn.execute(q.where(entities.c.id == int(ref[2:]))).first()
    elif re.fullmatch(r"\d{6}", ref):
        row = conn.execute(q.where(and_(entities.c.kind == "place", entities.c.code == ref))).first()
    else:
        from .write import org_key

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
    cond = where(f)
    mention_docs = select(facts.c.doc_id).where(facts.c.entity_id == ent["id"])
    docs = conn.execute(select(documents.c.id, documents.c.title, documents.c.publisher, documents.c.published_at)
                        .where(and_(cond, documents.c.id.in_(mention_docs)))
                        .order_by(documents.c.published_date.desc().nulls_last()).limit(limit)).all()
    linked = conn.execute(select(facts, links.c.role).join(links, links.c.fact_id == facts.c.id)
                          .join(documents, documents.c.id == facts.c.doc_id)
                          .where(and_(links.c.entity_id == ent["id"], cond)).order_by(facts.c.date.desc().nulls_last())
                          .limit(limit)).all()
    ent["aliases"] = json.loads(ent["aliases"])
    if ent["kind"] == "person":
        ent["roles"] = [{"title": json.loads(r.data).get("title"), "date": json.loads(r.data).get("date"), "doc_id": r.doc_id}
                        for r in conn.execute(select(facts.c.data, facts.c.doc_id).where(facts.c.entity_id == ent["id"])
                                              .distinct())]
    ent["documents"] = [{"id": d.id, "title": d.title, "source": d.publisher, "published_at": d.published_at}
                        for d in docs]
    ent["facts"] = [{**e, "role": r.role} for e, r in zip(_evidence(conn, linked), linked)]
    ent["mentions"] = conn.scalar(select(func.count()).select_from(facts).join(documents, documents.c.id == facts.c.doc_id)
                                  .where(and_(facts.c.entity_id == ent["id"], cond)))
    return ent


STAGES = ("approval", "signing", "groundbreaking", "completion", "launch", "unveiling", "release", "meeting")
_STAGE_RANK = {s: i for i, s in enumerate(("approval", "signing", "groundbreaking", "completion", "launch"))}


def projects(conn: Connection, f: Filters, limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
    """The project library: each project with its places, investment amounts (every revision) and stages."""
    cond = where(f)
    # projects are few: take them all, then keep those named in a document that passes the filters
    all_projects = list(conn.scalars(select(entities.c.id).where(entities.c.kind == "project")))
    named = set(conn.scalars(select(facts.c.entity_id).join(documents, documents.c.id == facts.c.doc_id)
                             .where(and_(facts.c.entity_id.in_(all_projects), cond)).distinct()))
    base = select(entities.c.id, entities.c.name, entities.c.aliases).where(entities.c.id.in_(named))
    total = len(named)
    page = conn.execute(base.order_by(entities.c.name).limit(limit).offset(offset)).all()
    ids = [p.id for p in page]
    role_of = {(f, e): r for f, e, r in conn.execute(select(links.c.fact_id, links.c.entity_id, links.c.role).where(
        and_(links.c.entity_id.in_(ids), links.c.role.in_(("stage", "investment")))))}
    kept = {r[0] for r in conn.execute(select(facts.c.id).join(documents, documents.c.id == facts.c.doc_id).where(
        and_(facts.c.id.in_({f for f, _ in role_of}), cond)))}
    fact_rows = {r.id: r for r in conn.execute(select(facts).where(facts.c.id.in_(kept)))}

    class _Row:  # a fact row with the role it plays for one project
        def __init__(self, row, role, project):
            self._row, self.role, self.project = row, role, project

        def __getattr__(self, name):
            return getattr(self._row, name)

    rows = [_Row(fact_rows[f], r, e) for (f, e), r in sorted(role_of.items()) if f in fact_rows]
    evidence = _evidence(conn, rows)
    by_project: dict[int, list] = {}
    for e, r in zip(evidence, rows):
        by_project.setdefault(r.project, []).append((e, r.role))
    docs_of: dict[int, set[str]] = {}
    for eid, doc_id in conn.execute(select(facts.c.entity_id, facts.c.doc_id).where(facts.c.entity_id.in_(ids)).distinct()):
        docs_of.setdefault(eid, set()).add(doc_id)
    all_docs = set().union(*docs_of.values()) if docs_of else set()
    place_docs: dict[tuple[str, str], set[str]] = {}
    for doc_id, label, code in conn.execute(select(facts.c.doc_id, facts.c.label, facts.c.code).where(and_(
            facts.c.doc_id.in_(all_docs), facts.c.kind == "place", facts.c.code.is_not(None)))):
        place_docs.setdefault((label, code), set()).add(doc_id)
    places: dict[int, list] = {}
    for eid, docs in docs_of.items():
        ranked = sorted(((len(d & docs), label, code) for (label, code), d in place_docs.items() if d & docs),
                        key=lambda x: -x[0])
        places[eid] = [{"name": label, "adcode": code} for _, label, code in ranked]
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


def targets(conn: Connection, f: Filters, due: int | None = None, status: str | None = None, today: date | None = None,
            limit: int = 200, offset: int = 0) -> tuple[int, list[dict]]:
    """The target tracker: each target with the later statements that report on it, and a status.

    Reports are looked up for the page shown only, unless a status filter needs them for every target.
    """
    today = today or date.today()
    cond = where(f)
    q = (select(facts).join(documents, documents.c.id == facts.c.doc_id).where(and_(facts.c.kind == "target", cond))
         .order_by(facts.c.date, facts.c.label, facts.c.id))
    if due:
        q = q.where(facts.c.date == str(due))
    if status is None:
        total = conn.scalar(q.with_only_columns(func.count(facts.c.id), maintain_column_froms=True).order_by(None))
        rows = conn.execute(q.limit(limit).offset(offset)).all()
    else:
        rows = conn.execute(q).all()
    out = []
    for e, r in zip(_evidence(conn, rows), rows):
        t = e["fact"]
        reports = _reports(conn, t, e["source"]["published_at"])
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


def docs_containing(conn: Connection, phrase: str) -> select:
    """A subquery of the ids of current documents whose text contains ``phrase``, through the full-text index."""
    parts = query_phrases(phrase)
    terms = [t for _, ts in parts for t in ts]
    exact = documents.c.text.contains(normalise_query(phrase))
    if not terms:
        return select(documents.c.id).where(exact)
    if conn.dialect.name == "sqlite":
        fts_q = '"' + " ".join(terms) + '"'
        hits = _FTS_IDS.bindparams(q=fts_q).subquery()
        return select(hits.c.doc_id)
    from sqlalchemy import literal_column

    tsq = func.plainto_tsquery("simple", " ".join(terms))
    return (select(search_terms.c.doc_id).join(documents, documents.c.id == search_terms.c.doc_id)
            .where(and_(literal_column("search_terms.tsv").op("@@")(tsq), exact)))


def _reports(conn: Connection, target: dict, since: str | None) -> list[dict]:
    """Later amounts stated about the same metric (same unit) in articles published after the target's."""
    metric = target["metric"]
    if target.get("value") is None or len(metric) < 4:
        return []
    rows = conn.execute(select(facts.c.doc_id, facts.c.data, facts.c.start, facts.c.end, facts.c.text,
                               documents.c.published_at, documents.c.title, documents.c.text.label("doc_text"))
                        .join(documents, documents.c.id == facts.c.doc_id)
                        .where(and_(facts.c.kind == "amount", facts.c.unit == target["unit"],
                                    documents.c.id.in_(docs_containing(conn, metric)),
                                    documents.c.duplicate_of.is_(None), documents.c.is_current.is_(True),
                                    documents.c.published_at > (since or "")))
                        .order_by(documents.c.published_at)).all()
    out = []
    for r in rows:
        window = r.doc_text[max(0, r.start - 30):r.start]
        if metric in window:
            a = json.loads(r.data)
            out.append({"value": a["value"], "unit": a["unit"], "approx": a.get("approx"), "published_at": r.published_at,
                        "source": {"id": r.doc_id, "title": r.title}, "span": {"start": r.start, "end": r.end, "text": r.text}})
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
    """The cooperation network: nodes (places, organisations) and weighted edges with topics, dates, documents."""
    cond = where(f)
    q = (select(facts.c.id, facts.c.event_type, facts.c.data, facts.c.doc_id, documents.c.published_at)
         .join(documents, documents.c.id == facts.c.doc_id).where(and_(facts.c.kind == "relation", cond)))
    if relation_type:
        q = q.where(facts.c.event_type == relation_type)
    rows = conn.execute(q).all()
    party_ids: dict[int, list[tuple[int, str]]] = {}
    for fid, eid, name in conn.execute(select(links.c.fact_id, links.c.entity_id, entities.c.name)
                                       .join(entities, entities.c.id == links.c.entity_id).where(
            and_(links.c.role == "party", links.c.fact_id.in_([r.id for r in rows])))):
        party_ids.setdefault(fid, []).append((eid, name))
    edges: dict[tuple[int, int, str], dict] = {}
    node_ids: set[int] = set()
    for r in rows:
        data = json.loads(r.data)
        order = {name: i for i, name in enumerate(data.get("parties", []))}
        ids = [eid for eid, name in sorted(party_ids.get(r.id, []), key=lambda p: order.get(p[1], 99))]
        pairs = [(ids[0], x) for x in ids[1:]] if r.event_type in ("membership", "connects") else \
            [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        for a, b in pairs:
            a, b = min(a, b), max(a, b)
            e = edges.setdefault((a, b, r.event_type), {"source": a, "target": b, "type": r.event_type, "count": 0,
                                                        "topics": [], "documents": [], "last_date": None})
            if data.get("topic") and data["topic"] not in e["topics"]:
                e["topics"].append(data["topic"])
            if r.doc_id not in e["documents"]:
                e["documents"].append(r.doc_id)
                e["count"] = len(e["documents"])  # articles that state it, not sentences
            e["last_date"] = max(filter(None, [e["last_date"], r.published_at]), default=None)
            node_ids.update((a, b))
    nodes = [{"id": n.id, "name": n.name, "kind": n.kind, "subkind": n.subkind, "code": n.code, "lat": n.lat,
              "lon": n.lon} for n in conn.execute(select(entities).where(entities.c.id.in_(node_ids)))]
    ranked = sorted(edges.values(), key=lambda e: -e["count"])[:limit]
    return {"nodes": nodes, "edges": ranked}


def stats(conn: Connection) -> dict:
    canonical = and_(documents.c.is_current.is_(True), documents.c.duplicate_of.is_(None))
    return {
        "documents": conn.scalar(select(func.count()).select_from(documents).where(canonical)),
        "duplicates": conn.scalar(select(func.count()).select_from(documents).where(documents.c.duplicate_of.is_not(None))),
        "old_versions": conn.scalar(select(func.count()).select_from(documents).where(documents.c.is_current.is_(False))),
        "facts": {k: v for k, v in conn.execute(select(facts.c.kind, func.count()).group_by(facts.c.kind))},
        "entities": {k: v for k, v in conn.execute(select(entities.c.kind, func.count()).group_by(entities.c.kind))},
        "date_range": list(conn.execute(select(func.min(documents.c.published_date), func.max(documents.c.published_date))
                                        .where(canonical)).first()),
        "publishers": [{"publisher": p, "documents": n} for p, n in conn.execute(
            select(documents.c.publisher, func.count()).where(canonical).group_by(documents.c.publisher)
            .order_by(func.count().desc()).limit(20))],
    }


def events(conn: Connection, f: Filters, event_type: str | None = None, limit: int = 100,
           offset: int = 0) -> tuple[int, list[dict]]:
    """The timeline: events (newest first) with date, participants, place and their source."""
    cond = and_(where(f), facts.c.kind == "event")
    if event_type:
        cond = and_(cond, facts.c.event_type == event_type)
    base = select(facts).join(documents, documents.c.id == facts.c.doc_id).where(cond)
    total = conn.scalar(select(func.count()).select_from(base.subquery()))
    rows = conn.execute(base.order_by(func.coalesce(facts.c.date, documents.c.published_at).desc(), facts.c.id)
                        .limit(limit).offset(offset)).all()
    out = []
    for e in _evidence(conn, rows):
        fact = e["fact"]
        out.append({"type": fact["type"], "date": fact.get("date") or (e["source"]["published_at"] or "")[:10] or None,
                    "date_stated": fact.get("date") is not None, "participants": fact.get("participants", []),
                    "place": fact.get("place"), "source": e["source"], "span": e["span"]})
    return total, out


def places(conn: Connection, f: Filters, level: str | None = None, limit: int = 500) -> list[dict]:
    """Places by activity: the number of (canonical) articles that mention each, with coordinates for the map."""
    cond = and_(where(f), facts.c.kind == "place")
    q = (select(entities.c.id, entities.c.name, entities.c.subkind, entities.c.code, entities.c.parent, entities.c.lat,
                entities.c.lon, func.count(func.distinct(facts.c.doc_id)).label("documents"),
                func.count().label("mentions"))
         .select_from(facts).join(entities, entities.c.id == facts.c.entity_id)
         .join(documents, documents.c.id == facts.c.doc_id).where(cond)
         .group_by(entities.c.id, entities.c.name, entities.c.subkind, entities.c.code, entities.c.parent,
                   entities.c.lat, entities.c.lon)
         .order_by(func.count(func.distinct(facts.c.doc_id)).desc(), entities.c.name).limit(limit))
    if level:
        q = q.where(entities.c.subkind == level)
    return [{"id": r.id, "name": r.name, "level": r.subkind, "adcode": r.code, "parent": r.parent, "lat": r.lat,
             "lon": r.lon, "documents": r.documents, "mentions": r.mentions} for r in conn.execute(q)]


def organizations(conn: Connection, f: Filters, kind: str | None = None, name: str | None = None, limit: int = 100,
                  offset: int = 0) -> tuple[int, list[dict]]:
    """Organisations and projects by the number of articles that mention them."""
    cond = and_(where(f), facts.c.kind == "organization")
    q = (select(entities.c.id, entities.c.kind, entities.c.name, entities.c.subkind,
                func.count(func.distinct(facts.c.doc_id)).label("documents"))
         .select_from(facts).join(entities, entities.c.id == facts.c.entity_id)
         .join(documents, documents.c.id == facts.c.doc_id).where(cond)
         .group_by(entities.c.id, entities.c.kind, entities.c.name, entities.c.subkind))
    if kind:
        q = q.where(entities.c.subkind == kind)
    if name:
        q = q.where(entities.c.name.contains(normalise_query(name)))
    total = conn.scalar(select(func.count()).select_from(q.subquery()))
    rows = conn.execute(q.order_by(func.count(func.distinct(facts.c.doc_id)).desc(), entities.c.name)
                        .limit(limit).offset(offset))
    return total, [{"id": r.id, "ref": f"e:{r.id}", "kind": r.kind, "name": r.name, "org_kind": r.subkind,
                    "documents": r.documents} for r in rows]
