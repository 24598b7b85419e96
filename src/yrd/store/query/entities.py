"""Entities: one entity's page (mentions and the facts that involve it), places and organisations by activity."""
from __future__ import annotations

import json
import re

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from ...model import entity_key
from ...search.terms import normalise_query
from ..schema import doc_entities, documents, entities, facts, links
from .documents import _evidence, _sources
from .filters import Filters, counter, passes, where

def find_entity(conn: Connection, ref: str) -> dict | None:
    """An entity by id (``e:12``), adcode, or name (canonical or an alias seen)."""
    q = select(entities)
    if ref.startswith("e:") and ref[2:].isdigit():
        row = conn.execute(q.where(entities.c.id == int(ref[2:]))).first()
    elif re.fullmatch(r"\d{6}", ref):
        row = conn.execute(q.where(and_(entities.c.code == ref, entities.c.kind == "place"))).first()
    else:
        row = conn.execute(q.where(or_(entities.c.name == ref, entities.c.key == ref, entities.c.key == entity_key(ref)))
                           .order_by(entities.c.kind)).first()
        if row is None:
            row = conn.execute(q.where(entities.c.aliases.contains(json.dumps(ref, ensure_ascii=False)))).first()
    return dict(row._mapping) if row is not None else None


FACTS_COUNT_CAP = 10_000  # an entity's linked facts are counted up to here ("10,000+": facts_total_exact false)


def entity_page(conn: Connection, ref: str, f: Filters | None = None, limit: int = 200,
                offset: int = 0) -> dict | None:
    """Everything known about one entity: its mentions, the facts that involve it (newest first, a page of
    ``limit`` from ``offset``, and ``facts_total``, counted up to a cap), each with its sources."""
    ent = find_entity(conn, ref)
    if ent is None:
        return None
    f = f or Filters()
    if f.as_of is None:
        nums = list(conn.scalars(select(doc_entities.c.doc_num).where(and_(
            doc_entities.c.entity_id == ent["id"], passes(f, doc_entities.c.doc_num)))
            .order_by(doc_entities.c.doc_num.desc()).limit(limit)))
    else:  # as it stood then: from the facts (doc_entities holds the present's canonical documents)
        nums = list(conn.scalars(select(facts.c.doc_num).where(and_(
            facts.c.entity_id == ent["id"], passes(f, facts.c.doc_num))).group_by(facts.c.doc_num)
            .order_by(facts.c.doc_num.desc()).limit(limit)))
    by_num = {r.num: r for r in conn.execute(select(documents.c.num, documents.c.id, documents.c.title,
                                                    documents.c.publisher, documents.c.published_at)
                                             .where(documents.c.num.in_(nums)))}
    docs = [by_num[n] for n in nums if n in by_num]
    linked_to = and_(links.c.entity_id == ent["id"], passes(f, links.c.doc_num))
    roles = conn.execute(select(links.c.fact_id, links.c.role).where(linked_to)
                         .order_by(links.c.day.desc(), links.c.fact_id.desc()).limit(limit).offset(offset)).all()
    facts_total = conn.scalar(select(func.count()).select_from(
        select(links.c.fact_id).where(linked_to).limit(FACTS_COUNT_CAP + 1).subquery()))
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
    ent["facts_total"], ent["facts_total_exact"] = min(facts_total, FACTS_COUNT_CAP), facts_total <= FACTS_COUNT_CAP
    if not f.plain:
        ent["mentions"] = conn.scalar(select(func.count()).select_from(facts).where(
            and_(facts.c.entity_id == ent["id"], passes(f, facts.c.doc_num))))
        ent["document_count"] = conn.scalar(select(func.count(func.distinct(facts.c.doc_num))).where(
            and_(facts.c.entity_id == ent["id"], passes(f, facts.c.doc_num))))
    return ent


class _WithRole:
    """A fact row with the role its entity plays in it."""

    def __init__(self, row, role, project=None):
        self._row, self.role, self.project = row, role, project

    def __getattr__(self, name):
        return getattr(self._row, name)


def places(conn: Connection, f: Filters, level: str | None = None, limit: int = 500, scope: str = "delta") -> list[dict]:
    """Places by activity: the number of (canonical) articles that mention each, with coordinates for the map; the
    delta's by default (``scope``: delta, china, foreign, or all)."""
    cols = (entities.c.id, entities.c.name, entities.c.subkind, entities.c.code, entities.c.parent, entities.c.lat,
            entities.c.lon, entities.c.scope)
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
    if scope != "all":
        q = q.where(entities.c.scope == scope)
    return [{"id": r.id, "name": r.name, "level": r.subkind, "adcode": r.code, "parent": r.parent, "lat": r.lat,
             "lon": r.lon, "scope": r.scope, "documents": r.documents, "mentions": r.mentions}
            for r in conn.execute(q)]


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
