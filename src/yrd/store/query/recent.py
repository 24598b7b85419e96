"""What is new: the documents that arrived since a time and what they state — projects, signings, cooperation,
targets, and later figures that report on a target — each with its place, its source and its evidence span.

Every read starts from the documents' arrival (``ix_documents_canonical_ingested_at``, through ``Filters.since``) and
reaches their facts by document (``facts.doc_num``): the cost follows what arrived, not the size of the store.
The facts of at most ``cap`` documents (the newest) are read; the count of documents is exact either way.
"""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from ..schema import doc_places, documents, entities, facts
from .analytics import _project, _reports_cached, _status
from .documents import _evidence, _sources
from .filters import Filters, _chunks, _doc_nums, generation, is_kind, newest_first, place_prefix

CAP = 5000  # documents whose facts one digest reads (the newest that arrived)
WINDOW = 30  # characters before a figure in which a target's metric makes the figure a report on it
_KINDS = ("project", "event", "relation", "target")


def count_arrived(conn: Connection, f: Filters) -> int:
    """How many documents pass ``f`` (its ``since``: arrived since then), exactly."""
    return conn.scalar(select(func.count()).select_from(_doc_nums(f).order_by(None).subquery()))


def arrivals(conn: Connection, f: Filters, cap: int = CAP, today: date | None = None, detail: bool = True) -> dict:
    """What the documents that pass ``f`` (``f.since`` set) state, item by item, each with ``code``: its place's
    adcode (the fact's own place, else the place its document names most), its ``source`` and ``span``.

    With ``f.place``, the documents that mention the place, and of their items those placed inside it (or
    nowhere). ``detail=False``: targets without their status and latest report (a search each: counts need none).
    """
    total = count_arrived(conn, f)
    nums = list(conn.scalars(newest_first(conn, f, total).limit(cap)))
    docs = _sources(conn, set(nums))
    where = _Places(conn, nums)
    rows = []
    for chunk in _chunks(nums):
        rows += conn.execute(select(facts).where(and_(facts.c.doc_num.in_(chunk), facts.c.kind.in_(_KINDS)))
                             .order_by(facts.c.doc_num.desc(), facts.c.start)).all()
    out = {
        "documents": total, "read": len(nums),
        "projects": _projects(conn, f, [r for r in rows if r.kind == "project"], where),
        "signings": [_signing(r, docs[r.doc_num], where) for r in rows
                     if r.kind == "event" and r.type == "signing" and (r.modality or "happened") == "happened"],
        "cooperation": _cooperation([r for r in rows if r.kind == "relation" and r.type == "cooperation"], docs, where),
        "targets": _targets(conn, [r for r in rows if r.kind == "target"], docs, where, today or date.today(), detail),
        "reports": _reports(conn, nums, docs, where, [r for r in rows if r.kind == "target"]),
        "documents_by_place": where.documents_by_place(),
    }
    if f.place:
        inside = place_prefix(f.place)
        for kind in ("projects", "signings", "cooperation", "targets", "reports"):
            out[kind] = [x for x in out[kind] if x["code"] is None or x["code"].startswith(inside)]
    return out


def _adcode(code: str | None) -> str | None:
    return code if code and len(code) == 6 and code.isdigit() else None


class _Places:
    """The places each document names: a name's adcode, and the place it names most (where its items without a
    place of their own are put)."""

    def __init__(self, conn: Connection, nums: list[int]):
        self.conn, self.nums = conn, nums
        self.codes: dict[int, dict[str, str]] = {}
        self.main: dict[int, str] = {}
        best: dict[int, tuple] = {}
        for chunk in _chunks(nums):
            for r in conn.execute(select(facts.c.doc_num, facts.c.label, facts.c.code, func.count().label("n"),
                                         func.min(facts.c.start).label("first"))
                                  .where(and_(facts.c.doc_num.in_(chunk), is_kind("place"), facts.c.code.is_not(None)))
                                  .group_by(facts.c.doc_num, facts.c.label, facts.c.code)):
                code = _adcode(r.code)
                if code is None:
                    continue
                self.codes.setdefault(r.doc_num, {})[r.label] = code
                rank = (r.n, -r.first)
                if r.doc_num not in best or rank > best[r.doc_num]:
                    best[r.doc_num], self.main[r.doc_num] = rank, code

    def of(self, num: int, *names: str | None, code: str | None = None) -> str | None:
        """The adcode of an item: its own ``code``, else the first of ``names`` its document places, else the
        document's main place."""
        if _adcode(code):
            return code
        named = self.codes.get(num, {})
        for name in names:
            if name and name in named:
                return named[name]
        return self.main.get(num)

    def documents_by_place(self) -> dict[str, int]:
        """Documents by each place they mention, directly or through a place inside it (its city, its province)."""
        counts: dict[str, int] = {}
        for chunk in _chunks(self.nums):
            for code, n in self.conn.execute(select(doc_places.c.code, func.count()).where(
                    doc_places.c.doc_num.in_(chunk)).group_by(doc_places.c.code)):
                if _adcode(code):
                    counts[code] = counts.get(code, 0) + n
        return counts


def _projects(conn: Connection, f: Filters, rows: list, where: _Places) -> list[dict]:
    """Each project the new documents state, once: its stage and investment as they state them, and whether any
    document that arrived before stated it (``first_seen``: none did)."""
    by_entity: dict[int, list] = {}
    for r in rows:
        if r.entity_id is not None:
            by_entity.setdefault(r.entity_id, []).append(r)
    if not by_entity:
        return []
    seen_before: set[int] = set()
    ents = {}
    for chunk in _chunks(list(by_entity)):
        ents.update({e.id: e for e in conn.execute(select(entities.c.id, entities.c.name, entities.c.aliases,
                                                          entities.c.subkind).where(entities.c.id.in_(chunk)))})
        seen_before.update(conn.scalars(
            select(facts.c.entity_id).select_from(facts.join(documents, documents.c.num == facts.c.doc_num))
            .where(and_(facts.c.entity_id.in_(chunk), is_kind("project"), documents.c.ingested_at < f.since))
            .distinct()))
    evidence = {}
    for r, e in zip(rows, _evidence(conn, rows)):  # (one read of the sources for all: in the order of the rows)
        evidence[r.id] = e
    out = []
    for eid, stated in by_entity.items():
        if eid not in ents:
            continue
        p = _project(ents[eid], [evidence[r.id] for r in stated], "all")
        row, newest = max(((r, evidence[r.id]) for r in stated),
                          key=lambda re: (re[1]["source"]["published_at"] or "", re[0].id))
        code = next((pl["adcode"] for pl in p["places"] if _adcode(pl["adcode"])), None)
        inv = p["investment"]
        out.append({"name": p["name"], "type": p["kind"], "stage": p["stage"], "stage_date": p["stage_date"],
                    "investment": {"value": inv["value"], "unit": inv["unit"], "approx": inv["approx"],
                                   "text": inv["span"]["text"]} if inv else None,
                    "places": p["places"], "first_seen": eid not in seen_before, "statements": len(stated),
                    "code": where.of(row.doc_num, code=code), "source": newest["source"], "span": newest["span"]})
    out.sort(key=lambda x: (not x["first_seen"], x["name"]))
    return out


def _span(r) -> dict:
    return {"start": r.start, "end": r.end, "text": r.text}


def _signing(r, source: dict, where: _Places) -> dict:
    ev = json.loads(r.data)
    return {"date": ev.get("date") or (source["published_at"] or "")[:10] or None, "date_stated": bool(ev.get("date")),
            "participants": ev.get("participants", []), "place": ev.get("place"),
            "code": where.of(r.doc_num, ev.get("place"), code=r.code), "source": source, "span": _span(r)}


def _cooperation(rows: list, docs: dict, where: _Places) -> list[dict]:
    """Cooperation as each document states it: one item per document and set of parties, with every topic."""
    merged: dict[tuple, dict] = {}
    for r in rows:
        rel = json.loads(r.data)
        parties = rel.get("parties", [])
        key = (r.doc_num, tuple(sorted(parties)))
        if key not in merged:
            merged[key] = {"parties": parties, "topics": [], "code": where.of(r.doc_num, *parties),
                           "source": docs[r.doc_num], "span": _span(r)}
        if rel.get("topic") and rel["topic"] not in merged[key]["topics"]:
            merged[key]["topics"].append(rel["topic"])
    return list(merged.values())


def _targets(conn: Connection, rows: list, docs: dict, where: _Places, today: date, detail: bool) -> list[dict]:
    """The targets the new documents state, by deadline; with ``detail``, each with the tracker's status and its
    latest report."""
    gen = generation(conn)
    out = []
    for r in rows:
        t = json.loads(r.data)
        source = docs[r.doc_num]
        reports = _reports_cached(conn, r.id, r.doc_num, t, source["published_at"], gen) if detail else []
        out.append({"metric": t["metric"], "value": t["value"], "unit": t["unit"], "approx": t["approx"],
                    "deadline": t["deadline"], "subject": t.get("subject"),
                    "status": _status(t, reports, today) if detail else None,
                    "latest_report": reports[-1] if reports else None,
                    "code": where.of(r.doc_num, t.get("subject"), code=r.code), "source": source, "span": _span(r)})
    out.sort(key=lambda x: (x["deadline"] or 9999, x["metric"]))
    return out


_METRICS: list = [None, {}]  # ((store, its generation), unit -> metrics): read once per state of the store


def _metrics(conn: Connection) -> dict[str, dict[str, list[str]]]:
    """The metrics of every quantified target (those of four characters or more, as the tracker's), by unit and by
    their first four characters: a window is looked up at each of its positions, not for each metric."""
    gen = (conn.engine.url.render_as_string(hide_password=True), generation(conn))
    if _METRICS[0] != gen:
        metrics: dict[str, dict[str, list[str]]] = {}
        for label, unit in conn.execute(select(facts.c.label, facts.c.unit).where(and_(
                is_kind("target"), facts.c.value.is_not(None))).distinct()):
            if label and unit and len(label) >= 4:
                metrics.setdefault(unit, {}).setdefault(label[:4], []).append(label)
        _METRICS[:] = [gen, metrics]
    return _METRICS[1]


def _reports(conn: Connection, nums: list[int], docs: dict, where: _Places, new_targets: list) -> list[dict]:
    """Figures in the new documents that report on a target stated in an earlier document: the target's metric in
    the ``WINDOW`` characters before a figure of the target's unit (the rule of the target tracker)."""
    metrics = _metrics(conn)
    if not metrics:
        return []
    inside_target = {}  # a document's target spans: a figure inside one states the target, not a report on it
    for t in new_targets:
        inside_target.setdefault(t.doc_num, []).append((t.start, t.end))
    # the WINDOW characters before each figure, cut by the database (text[start - WINDOW:start], 1-based)
    width = case((facts.c.start > WINDOW, WINDOW), else_=facts.c.start)
    before = func.substr(documents.c.text, facts.c.start - width + 1, width).label("window")
    amounts = []
    for chunk in _chunks(nums):
        amounts += conn.execute(select(facts.c.doc_num, facts.c.start, facts.c.end, facts.c.text, facts.c.data,
                                       facts.c.unit, before)
                                .select_from(facts.join(documents, documents.c.num == facts.c.doc_num))
                                .where(and_(facts.c.doc_num.in_(chunk), is_kind("amount"),
                                            facts.c.unit.in_(list(metrics))))).all()
    found: list[tuple] = []
    for a in amounts:
        if any(s <= a.start and a.end <= e for s, e in inside_target.get(a.doc_num, ())):
            continue
        window = a.window or ""
        by_head = metrics[a.unit]  # a metric's first four characters -> the metrics that begin with them
        hits = {m for i in range(len(window) - 3) for m in by_head.get(window[i:i + 4], ()) if window.startswith(m, i)}
        for metric in hits:
            if not any(metric != other and metric in other for other in hits):  # the most specific metric
                found.append((a, metric))
    if not found:
        return []
    stated: dict[tuple[str, str], list] = {}
    for chunk in _chunks(sorted({m for _, m in found})):  # (the targets' rows first: joined, SQLite read documents)
        for r in conn.execute(select(facts.c.id, facts.c.doc_num, facts.c.label, facts.c.unit, facts.c.code,
                                     facts.c.data, facts.c.start, facts.c.end, facts.c.text)
                              .where(and_(is_kind("target"), facts.c.label.in_(chunk)))):
            stated.setdefault((r.label, r.unit), []).append(r)
    canonical = set()
    for chunk in _chunks(sorted({r.doc_num for rs in stated.values() for r in rs})):
        canonical.update(conn.scalars(select(documents.c.num).where(and_(documents.c.num.in_(chunk),
                                                                         documents.c.canonical.is_(True)))))
    origin = _sources(conn, canonical)
    out = []
    for a, metric in found:
        published = docs[a.doc_num]["published_at"] or ""
        earlier = [r for r in stated.get((metric, a.unit), ())
                   if r.doc_num in origin and (origin[r.doc_num]["published_at"] or "") < published]
        if not earlier:
            continue
        r = max(earlier, key=lambda r: (origin[r.doc_num]["published_at"] or "", r.id))
        t, figure = json.loads(r.data), json.loads(a.data)
        out.append({"metric": metric, "value": figure["value"], "unit": figure["unit"], "approx": figure.get("approx"),
                    "target": {"deadline": t["deadline"], "value": t["value"], "unit": t["unit"],
                               "approx": t["approx"], "subject": t.get("subject"), "source": origin.get(r.doc_num),
                               "span": _span(r)},
                    "code": where.of(a.doc_num, t.get("subject"), code=r.code), "source": docs[a.doc_num],
                    "span": _span(a)})
    return out
