"""What users come for: the project library, the target tracker, the cooperation network and the timeline."""
from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ...model import STAGES
from ..rows import SEQ_BITS
from ..schema import doc_entities, documents, edge_docs, edges, entities, facts, links
from .documents import _evidence, _sources
from .entities import _WithRole
from .filters import Filters, _chunks, counter, generation, is_kind, passes
from .fulltext import docs_containing

_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}  # a project's stages in order (model.STAGES)


def projects(conn: Connection, f: Filters, limit: int = 100, offset: int = 0,
             per_project: int = 50, scope: str = "delta") -> tuple[int, list[dict]]:
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
    places = _project_places(conn, ids, scope=scope)
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


_DELTA_CODES = ("31", "32", "33", "34")


def _project_places(conn: Connection, ids: list[int], per_project: int = 20, scope: str = "delta"
                    ) -> dict[int, list[dict]]:
    """The places named most often in the (newest ``per_project``) articles about each project."""
    nums_of: dict[int, list[int]] = {}
    for eid in ids:
        nums_of[eid] = list(conn.scalars(select(doc_entities.c.doc_num).where(doc_entities.c.entity_id == eid)
                                         .order_by(doc_entities.c.doc_num.desc()).limit(per_project)))
    places_of: dict[int, set[tuple[str, str]]] = {}
    for chunk in _chunks(sorted({n for ns in nums_of.values() for n in ns})):
        for num, label, code in conn.execute(select(facts.c.doc_num, facts.c.label, facts.c.code).distinct().where(
                and_(facts.c.doc_num.in_(chunk), facts.c.kind == "place", facts.c.code.is_not(None)))):
            if scope == "all" or (code.startswith(_DELTA_CODES) == (scope == "delta")):
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
         .order_by(facts.c.deadline, facts.c.label, facts.c.id))
    if due:
        q = q.where(facts.c.deadline == due)
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


def network(conn: Connection, f: Filters, relation_type: str | None = None, limit: int = 500,
            scope: str = "delta") -> dict:
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
              "lon": n.lon, "scope": n.scope} for n in conn.execute(select(entities).where(entities.c.id.in_(node_ids)))]
    if scope != "all":  # the delta's network by default: an edge to a place elsewhere is left out
        away = {n["id"] for n in nodes if n["kind"] == "place" and n["scope"] != scope}
        ranked = [e for e in ranked if e["source"] not in away and e["target"] not in away]
        kept = {e["source"] for e in ranked} | {e["target"] for e in ranked}
        nodes = [n for n in nodes if n["id"] in kept]
    return {"nodes": nodes, "edges": ranked}


def _network_live(conn: Connection, f: Filters, relation_type: str | None, limit: int, newest: int = 20_000) -> list[dict]:
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
    return sorted(found.values(), key=lambda e: -e["count"])[:limit]


def events(conn: Connection, f: Filters, event_type: str | None = None, limit: int = 100,
           offset: int = 0) -> tuple[int, list[dict]]:
    """The timeline: events (newest first) with date, participants, place and their source."""
    cond = and_(is_kind("event"), passes(f, facts.c.doc_num))
    if event_type:
        cond = and_(cond, facts.c.type == event_type)
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
