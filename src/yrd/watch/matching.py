"""Which new facts a watchlist wants, and the alert each one makes: its stable key and the payload delivered.

A watchlist's filters are read once per check into a :class:`Rule`; the facts of the documents stored since it
was last checked are loaded a chunk at a time with what the filters need (the places and organisations linked to
each fact, each document's places), and every filter is then a plain test in Python, the same on both backends.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from ..model import entity_key
from ..search.terms import normalise_query
from ..store.query.documents import fact_data
from ..store.query.filters import _chunks, place_prefix
from ..store.schema import doc_places, entities, facts, links

#: what a watchlist without --kind follows: the statements (a target, an event, a relation, a project, a
#: portfolio), not every mention of a place, an organisation, a person or an amount (name the kind to get those)
STATEMENTS = ("target", "event", "relation", "project", "portfolio")

FACT_COLUMNS = (facts.c.id, facts.c.doc_num, facts.c.kind, facts.c.start, facts.c.end, facts.c.text, facts.c.label,
                facts.c.code, facts.c.type, facts.c.date, facts.c.deadline, facts.c.value, facts.c.unit,
                facts.c.entity_id, facts.c.data, facts.c.modality)


@dataclass
class Rule:
    """One watchlist as matching reads it."""

    id: int
    name: str
    since: datetime  # documents stored after this are new to it
    kinds: tuple[str, ...]
    place: str | None = None  # the adcode's prefix (330400 -> 3304: the city and its counties)
    event_type: str | None = None
    query: list[str] = field(default_factory=list)  # every part must be in the fact's sentence
    org_ids: set[int] = field(default_factory=set)  # the organisation's entities (by name, key or alias)
    org_names: list[str] = field(default_factory=list)  # its name and aliases, looked for in the sentence
    wants_org: bool = False

    def matches(self, fact, found: Found) -> bool:
        if fact.kind not in self.kinds:
            return False
        if self.event_type and fact.type != self.event_type:
            return False
        if self.query:  # (the stored text is simplified already: the query is converted, once)
            text = fact.text.lower()
            if not all(part in text for part in self.query):
                return False
        if self.place and not any(code.startswith(self.place) for code in found.places(fact)):
            return False
        if self.wants_org:
            linked = found.entities.get(fact.id, ())
            if not (fact.entity_id in self.org_ids or any(e in self.org_ids for e, _, _ in linked)
                    or any(name in fact.text for name in self.org_names)):
                return False
        return True


def rule(conn: Connection, w, since: datetime) -> Rule:
    """The :class:`Rule` of a ``watchlists`` row (its organisation looked up in the store now: an organisation
    first seen after the watchlist was made is found too)."""
    kinds = (w.kind,) if w.kind else ("event",) if w.event_type else STATEMENTS
    r = Rule(w.id, w.name, since, kinds, place_prefix(w.place) if w.place else None, w.event_type,
             [p.lower() for p in normalise_query(w.query).split()] if w.query else [])
    if w.org:
        r.wants_org = True
        r.org_ids, r.org_names = organization(conn, w.org)
    return r


def organization(conn: Connection, name: str) -> tuple[set[int], list[str]]:
    """The entities an organisation's name stands for (its name, normalised key or an alias seen; organisations
    and projects) and every name they go by, longest first."""
    name = normalise_query(name)
    alias = json.dumps(name, ensure_ascii=False)
    rows = conn.execute(select(entities.c.id, entities.c.name, entities.c.aliases).where(and_(
        entities.c.kind.in_(("organization", "project")),
        or_(entities.c.name == name, entities.c.key == entity_key(name), entities.c.aliases.contains(alias))))).all()
    names = {name}
    for r in rows:
        names.add(r.name)
        names.update(a for a in json.loads(r.aliases or "[]") if len(a) >= 2)
    return {r.id for r in rows}, sorted(names, key=len, reverse=True)


class Found:
    """A chunk of new facts with what the filters look at: the entities linked to each fact (an event's
    participants and place, a relation's parties, a target's subject, a project's places) and each document's
    places (with their cities and provinces)."""

    def __init__(self, conn: Connection, nums: list[int], kinds: set[str], need_links: bool, need_places: bool):
        self.facts = []
        for chunk in _chunks(nums):
            self.facts.extend(conn.execute(select(*FACT_COLUMNS).where(
                and_(facts.c.doc_num.in_(chunk), facts.c.kind.in_(sorted(kinds)))).order_by(facts.c.id)))
        self.entities: dict[int, list[tuple[int, str, str | None]]] = {}
        if need_links:
            ids = [f.id for f in self.facts if f.kind in STATEMENTS]
            for chunk in _chunks(ids):
                for r in conn.execute(select(links.c.fact_id, entities.c.id, entities.c.kind, entities.c.code)
                                      .join(entities, entities.c.id == links.c.entity_id)
                                      .where(links.c.fact_id.in_(chunk))):
                    self.entities.setdefault(r.fact_id, []).append((r.id, r.kind, r.code))
        self.doc_codes: dict[int, list[str]] = {}
        if need_places:
            for chunk in _chunks(nums):
                for r in conn.execute(select(doc_places.c.doc_num, doc_places.c.code)
                                      .where(doc_places.c.doc_num.in_(chunk))):
                    self.doc_codes.setdefault(r.doc_num, []).append(r.code)

    def places(self, fact) -> list[str]:
        """The codes of the places a fact names itself (its own code, the places linked to it); a fact that names
        none is about its document's places."""
        own = [fact.code] if fact.code else []
        own += [code for _, kind, code in self.entities.get(fact.id, ()) if kind == "place" and code]
        return own or self.doc_codes.get(fact.doc_num, [])


def fact_key(doc_key: str, fact) -> str:
    """What identifies a fact across versions of its article: the article (its URL, else its path and title), the
    fact's kind, type and label and the sentence that states it. A new version whose sentence did not change
    makes no new alert; a changed figure does. (Offsets are left out: an edit earlier in the text moves them.)"""
    article = hashlib.sha1(doc_key.encode("utf-8")).hexdigest()[:16]
    what = hashlib.sha1("\x1f".join((fact.kind, fact.type or "", fact.label or "", fact.text)).encode("utf-8"))
    return f"{article}:{fact.kind}:{what.hexdigest()[:20]}"


def payload(r: Rule, fact, doc) -> dict:
    """What an alert delivers (its ``id`` and time are added when it is sent): the watchlist, the fact, its evidence
    span (``text`` is ``document.text[start:end]``) and the document."""
    return {
        "watchlist": {"id": r.id, "name": r.name},
        "fact": {"kind": fact.kind, "type": fact.type, "label": fact.label, "value": fact.value, "unit": fact.unit,
                 "date": fact.date, "deadline": fact.deadline, "place_code": fact.code, "modality": fact.modality,
                 "details": fact_data(fact)},
        "evidence": {"start": fact.start, "end": fact.end, "text": fact.text},
        "document": {"id": doc.id, "title": doc.title, "url": doc.source_url, "publisher": doc.publisher,
                     "published_at": doc.published_at},
    }
