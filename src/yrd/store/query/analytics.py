"""What users come for: the project library, the target tracker, the cooperation network and the timeline."""
from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.engine import Connection

from ...model import STAGES
from ..rows import SEQ_BITS
from ..schema import doc_entities, documents, edge_docs, edges, entities, facts, links
from .documents import _evidence, _sources
from .filters import Filters, _chunks, counter, generation, is_kind, passes
from .fulltext import docs_containing

_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}  # a project's stages in order (model.STAGES)


def projects(conn: Connection, f: Filters, limit: int = 100, offset: int = 0,
             per_project: int = 50, scope: str = "delta") -> tuple[int, list[dict]]:
    """The project library: each project with its places, every investment figure stated for it (revisions, each
    with its source), its stages with their dates in date order (planned ones apart), and its current stage: the
    latest stage stated as done, by date (the newest ``per_project`` articles about each)."""
    if f.plain:
        named = select(entities.c.id).where(and_(entities.c.kind == "project", entities.c.documents > 0))
    elif f.as_of is None:  # projects are few: each is checked for one document that passes
        named = select(entities.c.id).where(and_(entities.c.kind == "project", select(doc_entities.c.doc_num).where(
            and_(doc_entities.c.entity_id == entities.c.id, passes(f, doc_entities.c.doc_num))).exists()))
    else:  # as it stood then: from the facts (doc_entities holds the present's canonical documents)
        named = select(entities.c.id).where(and_(entities.c.kind == "project", select(facts.c.doc_num).where(
            and_(facts.c.entity_id == entities.c.id, passes(f, facts.c.doc_num))).exists()))
    # a project the library lists is one some article states as a project (its fact), not only a name in passing
    stated = select(facts.c.entity_id).where(and_(is_kind("project"), facts.c.entity_id == entities.c.id)).exists()
    total = conn.scalar(select(func.count()).select_from(
        select(entities.c.id).where(and_(entities.c.id.in_(named), stated)).subquery()))
    # the most written-about first (an index order: the library stays fast with 100,000 projects)
    page = conn.execute(select(entities.c.id, entities.c.name, entities.c.aliases, entities.c.subkind)
                        .where(and_(entities.c.kind == "project", entities.c.id.in_(named), stated))
                        .order_by(entities.c.documents.desc(), entities.c.id).limit(limit).offset(offset)).all()
    # every project's newest statements in one query (a window per project), their sources in one more: a page
    # of 500 projects was 1,500 queries
    ids = [p.id for p in page]
    by_project: dict[int, list] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        rank = func.row_number().over(partition_by=facts.c.entity_id, order_by=facts.c.doc_num.desc()).label("rank")
        ranked = select(facts, rank).where(and_(facts.c.entity_id.in_(chunk), is_kind("project"),
                                               passes(f, facts.c.doc_num))).subquery()
        rows = conn.execute(select(ranked).where(ranked.c.rank <= per_project)
                            .order_by(ranked.c.entity_id, ranked.c.doc_num.desc())).all()
        for evidence, r in zip(_evidence(conn, rows), rows):
            by_project[r.entity_id].append(evidence)
    return total, [_project(p, by_project[p.id], scope) for p in page]


def _project(p, stated: list[dict], scope: str) -> dict:
    """One project of the library from what each article states about it."""
    places: dict[tuple[str, str | None], int] = {}
    money, stages, planned = [], [], []
    for e in stated:
        fact, source = e["fact"], e["source"]
        codes = fact.get("place_codes") or {}
        for name in fact.get("places", []):
            code = codes.get(name)
            if scope == "all" or (code or "").startswith(_DELTA_CODES) == (scope == "delta") or not code and scope == "delta":
                places[(name, code)] = places.get((name, code), 0) + 1
        if fact.get("investment"):
            inv = fact["investment"]
            money.append({"value": inv["value"], "unit": inv["unit"], "approx": inv.get("approx"), "source": source,
                          "span": {"start": inv["start"], "end": inv["end"], "text": inv["text"]}
                          if "start" in inv else e["span"]})
        for st in fact.get("stages", []):
            item = {"stage": st["stage"], "date": st.get("date"), "modality": st.get("modality", "happened"),
                    "source": source, "span": {"start": st["start"], "end": st["end"], "text": st["text"]}
                    if "start" in st else e["span"]}
            (stages if item["modality"] == "happened" else planned).append(item)
    def when(st: dict) -> str:  # a stage's date, else (undated) its article's day
        return st["date"] or (st["source"]["published_at"] or "")[:10]
    stages.sort(key=lambda st: (when(st), _STAGE_RANK.get(st["stage"], 0)))
    planned.sort(key=lambda st: (st["date"] or "9999", _STAGE_RANK.get(st["stage"], 0)))
    money.sort(key=lambda m: m["source"]["published_at"] or "")
    # the current stage: the last one stated as done, in time; an undated one counts at its article's date
    current = stages[-1] if stages else None
    ranked = sorted(places.items(), key=lambda kv: (-kv[1], _level_rank(kv[0][1] or ""), kv[0][0]))
    return {"id": p.id, "name": p.name, "kind": p.subkind, "aliases": json.loads(p.aliases),
            "places": [{"name": n, "adcode": c} for (n, c), _ in ranked][:8],
            "stage": current["stage"] if current else ("planned" if planned else None),
            "stage_date": current["date"] if current else None,
            "investment": money[-1] if money else None, "investments": money, "stages": stages, "planned": planned,
            "articles": len({e["source"]["id"] for e in stated})}


def portfolios(conn: Connection, f: Filters, limit: int = 100, offset: int = 0,
               scope: str = "delta") -> tuple[int, list[dict]]:
    """Aggregates of many projects as articles state them (13个项目总投资206亿元, a county's library of major
    projects): count, total investment, place, stage, source; newest first. A total is never one project's cost."""
    cond = and_(is_kind("portfolio"), passes(f, facts.c.doc_num), _in_scope(scope))
    base = select(facts).where(cond)
    total = conn.scalar(select(func.count()).select_from(base.subquery()))
    rows = conn.execute(base.order_by(facts.c.day.desc(), facts.c.id.desc()).limit(limit).offset(offset)).all()
    out = []
    for e in _evidence(conn, rows):
        fact = e["fact"]
        out.append({"count": fact.get("count"), "investment": fact.get("investment"), "place": fact.get("place"),
                    "stage": fact.get("stage"), "source": e["source"], "span": e["span"]})
    return total, out


_DELTA_CODES = ("31", "32", "33", "34")


def _in_scope(scope: str):
    """A fact's place (an event's, a target's subject) in the scope: the delta (or no place named) by default."""
    if scope == "all":
        return true()
    delta = or_(*(facts.c.code.like(c + "%") for c in _DELTA_CODES))
    if scope == "delta":
        return or_(delta, facts.c.code.is_(None))
    return and_(facts.c.code.is_not(None), ~delta)


def _level_rank(code: str) -> int:
    """Provinces, then cities, then counties and districts (ties among a project's places go to the wider)."""
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


_REPORTS_CACHE: OrderedDict = OrderedDict()  # (fact id, store generation) -> reports; the store changes rarely


def targets(conn: Connection, f: Filters, due: int | None = None, status: str | None = None, today: date | None = None,
            limit: int = 200, offset: int = 0, scope: str = "delta") -> tuple[int, list[dict]]:
    """The target tracker: each target with the later statements that report on it, and a status.

    Reports are looked up for the page shown only, unless a status filter needs them for every target.
    """
    today = today or date.today()
    q = (select(facts).where(and_(is_kind("target"), passes(f, facts.c.doc_num), _in_scope(scope)))
         .order_by(facts.c.deadline, facts.c.label, facts.c.id))
    if due:
        q = q.where(facts.c.deadline == due)
    if status is None:
        total = counter(conn, "targets") if f.plain and not due and scope == "all" else conn.scalar(
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
    """achieved (a later figure reaches the goal), reported (a later figure, below it, before the deadline),
    missed (past the deadline, the latest figure below the goal), unreported (past the deadline, nothing later
    found: no verdict), open (due later, nothing found yet)."""
    deadline = target.get("deadline")
    past = bool(deadline) and today.year > int(deadline)
    if target.get("value") is not None and reports:
        latest = reports[-1]["value"]
        goal = target["value"]
        if (target.get("approx") == "under" and latest <= goal) or (target.get("approx") != "under" and latest >= goal):
            return "achieved"
        return "missed" if past else "reported"
    if past:
        return "unreported"
    return "reported" if reports else "open"


def network(conn: Connection, f: Filters, relation_type: str | None = None, limit: int = 500,
            scope: str = "delta", offset: int = 0) -> dict:
    """The cooperation network: nodes (places, organisations) and weighted edges with topics, dates, documents;
    a page of the edges (the most stated first) and ``total``, how many there are.

    Unfiltered, it is read from the edges the writer keeps, a page at a time; with filters, it is built from the
    relations of the documents that pass them. The delta's network by default (``scope``): an edge to a place
    elsewhere is left out."""
    if f.plain:
        total, ranked = _network_stored(conn, relation_type, limit, offset, scope)
    else:
        ranked = _network_live(conn, f, relation_type)
        if scope != "all":
            away = set()
            for chunk in _chunks(list({e["source"] for e in ranked} | {e["target"] for e in ranked})):
                away.update(conn.scalars(select(entities.c.id).where(and_(
                    entities.c.id.in_(chunk), entities.c.kind == "place",
                    or_(entities.c.scope.is_(None), entities.c.scope != scope)))))
            ranked = [e for e in ranked if e["source"] not in away and e["target"] not in away]
        total, ranked = len(ranked), ranked[offset:offset + limit]
    node_ids = {e["source"] for e in ranked} | {e["target"] for e in ranked}
    nodes = [{"id": n.id, "name": n.name, "kind": n.kind, "subkind": n.subkind, "code": n.code, "lat": n.lat,
              "lon": n.lon, "scope": n.scope} for n in conn.execute(select(entities).where(entities.c.id.in_(node_ids)))]
    return {"nodes": nodes, "edges": ranked, "total": total}


def _network_stored(conn: Connection, relation_type: str | None, limit: int, offset: int,
                    scope: str) -> tuple[int, list[dict]]:
    """A page of the edges the writer keeps, with their total; both ends in the scope (a place's scope; an
    organisation is in every scope)."""
    a, b = entities.alias("a"), entities.alias("b")
    cond = [edges.c.count > 0]
    if relation_type:
        cond.append(edges.c.type == relation_type)
    joined = edges
    if scope != "all":
        joined = edges.join(a, a.c.id == edges.c.a).join(b, b.c.id == edges.c.b)
        cond += [or_(end.c.kind != "place", end.c.scope == scope) for end in (a, b)]
    q = select(edges).select_from(joined).where(and_(*cond))
    total = conn.scalar(select(func.count()).select_from(q.subquery()))
    rows = conn.execute(q.order_by(edges.c.count.desc(), edges.c.a, edges.c.b).limit(limit).offset(offset)).all()
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
    return total, ranked


def _network_live(conn: Connection, f: Filters, relation_type: str | None, newest: int = 20_000) -> list[dict]:
    """Every edge stated by the newest ``newest`` relations of the documents that pass the filters, the most
    stated first (an aggregate: built whole, then paged)."""
    q = (select(facts.c.id, facts.c.type, facts.c.data, facts.c.doc_num)
         .where(and_(is_kind("relation"), passes(f, facts.c.doc_num))).order_by(facts.c.doc_num.desc()).limit(newest))
    if relation_type:
        q = q.where(facts.c.type == relation_type)
    facts_rows = conn.execute(q).all()
    src = _sources(conn, {r.doc_num for r in facts_rows})

    class _Row:
        def __init__(self, r):
            self.id, self.type, self.data = r.id, r.type, r.data
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
        pairs = [(ids[0], x) for x in ids[1:]] if r.type in ("membership", "connects") else \
            [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        for a, b in pairs:
            a, b = min(a, b), max(a, b)
            e = found.setdefault((a, b, r.type), {"source": a, "target": b, "type": r.type, "count": 0,
                                                        "topics": [], "documents": [], "last_date": None})
            if data.get("topic") and data["topic"] not in e["topics"]:
                e["topics"].append(data["topic"])
            if r.doc_id not in e["documents"]:
                e["documents"].append(r.doc_id)
                e["count"] = len(e["documents"])  # articles that state it, not sentences
            e["last_date"] = max(filter(None, [e["last_date"], r.published_at]), default=None)
    return sorted(found.values(), key=lambda e: -e["count"])


def events(conn: Connection, f: Filters, event_type: str | None = None, limit: int = 100,
           offset: int = 0, modality: str = "happened", scope: str = "delta") -> tuple[int, list[dict]]:
    """The timeline: events (newest first) with date, participants, place and their source; what happened by
    default (``modality``: planned, quoted, or all), held in the delta or nowhere named by default (``scope``)."""
    cond = and_(is_kind("event"), passes(f, facts.c.doc_num), _in_scope(scope))
    if event_type:
        cond = and_(cond, facts.c.type == event_type)
    if modality == "happened":  # (stored before modalities: happened)
        cond = and_(cond, or_(facts.c.modality.is_(None), facts.c.modality == "happened"))
    elif modality != "all":
        cond = and_(cond, facts.c.modality == modality)
    base = select(facts).where(cond)
    if f.plain and modality == "all" and scope == "all":
        total = counter(conn, f"events:{event_type}" if event_type else "events")
    else:
        total = conn.scalar(select(func.count()).select_from(base.subquery()))
    rows = conn.execute(base.order_by(facts.c.day.desc(), facts.c.id.desc()).limit(limit).offset(offset)).all()
    out = []
    for e in _evidence(conn, rows):
        fact = e["fact"]
        out.append({"type": fact["type"], "modality": fact.get("modality", "happened"),
                    "date": fact.get("date") or (e["source"]["published_at"] or "")[:10] or None,
                    "date_stated": fact.get("date") is not None, "date_from": fact.get("date_from"),
                    "participants": fact.get("participants", []), "place": fact.get("place"),
                    "source": e["source"], "span": e["span"]})
    return total, out
