"""A finished document as the rows the store writes: :func:`rows` is a pure function of the Document.

It runs where the document was finished (a worker process, a Ray worker), so the single writer only decides
versions and duplicates and inserts. One small constructor per fact kind fills a :class:`FactRow`; no column
means two things (an event's or relation's ``type``, a target's ``deadline``).
"""
from __future__ import annotations

import json
from datetime import date
from typing import NamedTuple

import orjson
import zstandard

from ..model import EVENT_TYPES, FACT_KINDS, Document, entity_key
from .schema import documents, entities, facts

SEQ_BITS = 24  # documents per publication day a ``num`` can tell apart
DAY0 = date(1900, 1, 1).toordinal() - 1  # day 1 is 1900-01-01; undated documents have day 0 and sort last
KIND_BITS = {k: 1 << i for i, k in enumerate(FACT_KINDS)}  # documents.kinds
EVENT_BITS = {t: 1 << i for i, t in enumerate(EVENT_TYPES)}  # documents.event_types
JUNK = ("spam", "breadcrumb", "page counter", "related-links list")  # what the cleaner strips from a junk page

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
    return published.toordinal() - DAY0 if published else 0


def doc_key(doc: Document) -> str:
    """What identifies an article across versions: its URL, else its path and title."""
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


def _fit(value, length: int):
    """Cut a string to its column's length (PostgreSQL refuses longer ones; SQLite would keep them)."""
    return value[:length] if isinstance(value, str) else value


# the lengths of the string columns filled from article text (read once: a column's attributes are slow)
_PUBLISHER, _AUTHOR, _ENCODING = (documents.c[k].type.length for k in ("publisher", "author", "encoding"))
_E_KEY, _E_NAME, _E_SUBKIND, _E_CODE, _E_PARENT = (entities.c[k].type.length for k in ("key", "name", "subkind",
                                                                                     "code", "parent"))
_LABEL, _CODE, _TYPE, _DATE, _DAY, _UNIT = (facts.c[k].type.length for k in ("label", "code", "type", "date", "day",
                                                                             "unit"))


class DocumentRow(NamedTuple):
    """The columns of ``documents`` that come from the document itself (the writer adds number, version,
    duplicate and canonical flags, and the time)."""

    id: str
    key: str
    source_path: str | None
    source_url: str | None
    format: str
    publisher: str | None
    author: str | None
    title: str
    published_at: str | None
    published_date: date | None
    script: str
    junk: bool
    text: str
    original_text: str | None
    raw: bytes | None  # compressed
    encoding: str
    sheet: bytes  # the compressed fact sheet without its text
    kinds: int  # bit mask of its fact kinds
    event_types: int  # bit mask of its event types
    extractor: str | None  # the extractors' version that found its facts (None: not known)


class EntityRow(NamedTuple):
    kind: str  # place, organization, project, person
    key: str
    name: str
    subkind: str | None = None
    code: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    scope: str | None = None  # a place's: delta, china, foreign


class FactRow(NamedTuple):
    """A row of ``facts`` but its id, document and entity."""

    kind: str
    start: int
    end: int
    text: str
    label: str | None
    code: str | None
    type: str | None  # an event's type, a relation's type
    date: str | None  # an event's date (ISO, at its precision)
    deadline: int | None  # a target's deadline year
    day: str | None  # for ordering: the fact's date, else its document's publication day
    value: float | None
    unit: str | None
    data: str  # the fact as in the fact sheet (JSON); mentions keep none
    modality: str | None = None  # an event's


class LinkRow(NamedTuple):
    fact: int  # index into DocRows.facts
    entity: int  # index into DocRows.entities
    role: str


class FactRows(NamedTuple):
    """What a document's facts become in the store: its entities, fact rows and links, the codes of its places,
    its fact sheet (compressed, without its text) and the bit masks of its kinds and event types. ``yrd
    reextract`` replaces a stored document's with these."""

    entities: list[EntityRow]
    facts: list[FactRow]
    fact_entities: list[int | None]  # the entity of each fact row (index into ``entities``)
    links: list[LinkRow]  # sorted
    codes: list[str]  # its places' codes with their cities' and provinces'
    sheet: bytes
    kinds: int
    event_types: int


class DocRows(NamedTuple):
    document: DocumentRow
    signature: bytes
    buckets: list[int]
    terms: str
    entities: list[EntityRow]
    facts: list[FactRow]
    fact_entities: list[int | None]  # the entity of each fact row (index into ``entities``)
    links: list[LinkRow]  # sorted
    codes: list[str]  # its places' codes with their cities' and provinces'


_fact = tuple.__new__  # FactRow from a tuple without the NamedTuple's Python-level __new__ (a fact costs 0.3 µs less)


def place_fact(m: dict, label: str, code: str | None, day: str | None) -> FactRow:
    return _fact(FactRow, ("place", m["start"], m["end"], m["text"], label, code, None, None, None, day, None, None, "", None))


def organization_fact(m: dict, label: str, day: str | None) -> FactRow:
    return _fact(FactRow, ("organization", m["start"], m["end"], m["text"], label, None, None, None, None, day, None,
                           None, "", None))


def person_fact(m: dict, label: str, day: str | None, data: str) -> FactRow:
    return _fact(FactRow, ("person", m["start"], m["end"], m["text"], label, None, None, None, None, day, None, None,
                           data, None))


def amount_fact(a: dict, day: str | None) -> FactRow:
    return _fact(FactRow, ("amount", a["start"], a["end"], a["text"], _fit(a["unit"], _LABEL), None, None, None, None,
                           day, float(a["value"]), _fit(a["unit"], _UNIT), dumps(a), None))


def target_fact(t: dict, day: str | None, code: str | None = None) -> FactRow:
    return _fact(FactRow, ("target", t["start"], t["end"], t["text"], t["metric"][:_LABEL], _fit(code, _CODE), None, None,
                           int(t["deadline"]) if t["deadline"] else None, day,
                           float(t["value"]) if t["value"] is not None else None, _fit(t["unit"], _UNIT), dumps(t), None))


def event_fact(e: dict, day: str | None, code: str | None = None) -> FactRow:
    return _fact(FactRow, ("event", e["start"], e["end"], e["text"], _fit(e["type"], _LABEL), _fit(code, _CODE),
                           _fit(e["type"], _TYPE), _fit(e["date"], _DATE), None, _fit(e["date"], _DAY) or day, None,
                           None, dumps(e), e.get("modality")))


def project_fact(p: dict, day: str | None, codes: dict[str, str]) -> FactRow:
    """A project as one article states it: its places (with their codes, for the delta's library), investment,
    stages; ``type`` is its kind, ``date`` its stage's date, ``value``/``unit`` its investment."""
    money = p.get("investment") or {}
    data = dict(p, place_codes={n: codes[n] for n in p.get("places", []) if codes.get(n)})
    return _fact(FactRow, ("project", p["start"], p["end"], p["text"], p["name"][:_LABEL], None,
                           _fit(p.get("kind"), _TYPE), _fit(p.get("stage_date"), _DATE), None,
                           _fit(p.get("stage_date"), _DAY) or day, float(money["value"]) if money else None,
                           _fit(money.get("unit"), _UNIT) if money else None, dumps(data), None))


def portfolio_fact(p: dict, day: str | None, code: str | None) -> FactRow:
    money = p.get("investment") or {}
    return _fact(FactRow, ("portfolio", p["start"], p["end"], p["text"], str(p.get("count")), _fit(code, _CODE),
                           _fit(p.get("stage"), _TYPE), None, None, day, float(money["value"]) if money else None,
                           _fit(money.get("unit"), _UNIT) if money else None, dumps(p), None))


def relation_fact(r: dict, day: str | None) -> FactRow:
    return _fact(FactRow, ("relation", r["start"], r["end"], r["text"], _fit(r["type"], _LABEL), None,
                           _fit(r["type"], _TYPE), None, None, day, None, None, dumps(r), None))


def sheet_json(doc: Document) -> str:
    """The fact sheet without its text (the store keeps the text in its own column)."""
    sheet = doc.factsheet()
    del sheet["text"]
    return dumps(sheet)


def rows(doc: Document) -> DocRows:
    """Every row the store writes for a finished ``doc`` (signed and indexed by the pipeline)."""
    if doc.signature is None or doc.terms is None:
        raise ValueError(f"{doc.where}: not finished (the pipeline's sign and index steps make what the store keeps)")
    f = fact_rows(doc)
    published = pub_date(doc.published_at)
    dropped = (doc.meta or {}).get("dropped") or {}
    document = DocumentRow(
        doc.id, doc_key(doc), doc.source.path, doc.source.url, doc.source.format,
        _fit(doc.source.publisher or None, _PUBLISHER), _fit(doc.source.author or None, _AUTHOR), doc.title,
        doc.published_at, published, doc.script, any(dropped.get(reason) for reason in JUNK), doc.text,
        doc.original_text if doc.original_text and doc.original_text != doc.text else None,
        compress(doc.raw) if doc.raw else None, _fit(doc.encoding, _ENCODING), f.sheet, f.kinds, f.event_types,
        doc.extractor)
    return DocRows(document, doc.signature, doc.buckets, doc.terms, f.entities, f.facts, f.fact_entities, f.links,
                   f.codes)


def fact_rows(doc: Document) -> FactRows:
    """The rows of ``doc``'s facts (extracted and linked; it need not be signed or indexed)."""
    refs: list[EntityRow] = []
    ref_index: dict[tuple[str, str], int] = {}

    def ref(r: EntityRow) -> int:
        k = (r.kind, r.key)
        if k not in ref_index:
            ref_index[k] = len(refs)
            refs.append(r)
        return ref_index[k]

    published = pub_date(doc.published_at)
    day = published.isoformat() if published else None
    out: list[FactRow] = []
    row_entity: list[int | None] = []
    by_name: dict[str, int] = {}
    row, entity_of = out.append, row_entity.append
    codes: set[str] = set()
    for p in doc.places:
        code = p["adcode"] or p.get("code")
        e = ref(EntityRow("place", p["adcode"] or f"{p['level']}:{p['name']}", p["name"], p["level"], code,
                          p.get("parent_adcode"), p.get("lat"), p.get("lon"), p.get("scope")))
        by_name[p["name"]] = e
        label, code = p["name"][:_LABEL], _fit(code, _CODE)
        if code and p["mentions"]:  # (what a place filter lists: its districts' documents too)
            codes.update(place_codes(code))
        for m in p["mentions"]:  # (a mention's details are its entity's: its row keeps no JSON of its own)
            by_name.setdefault(m["text"], e)
            row(place_fact(m, label, code, day))
            entity_of(e)
    for o in doc.organizations:
        kind = "project" if o.get("kind") == "project" else "organization"
        e = ref(EntityRow(kind, entity_key(o["name"]), o["name"], o.get("kind")))
        by_name[o["name"]] = e
        label = o["name"][:_LABEL]
        for m in o["mentions"]:
            row(organization_fact(m, label, day))
            entity_of(e)
    for person in doc.people:
        e = ref(EntityRow("person", person["name"], person["name"], person.get("title")))
        by_name[person["name"]] = e
        data = dumps({"name": person["name"], "title": person.get("title"), "date": doc.published_at,
                      "confidence": person.get("confidence"), "extractor": person.get("extractor")})
        label = person["name"][:_LABEL]
        for m in person["mentions"]:
            row(person_fact(m, label, day, data))
            entity_of(e)
    for a in doc.amounts:
        row(amount_fact(a, day))
        entity_of(None)
    links: set[tuple[int, int, str]] = set()
    code_of = {p["name"]: p.get("adcode") or p.get("parent_adcode") for p in doc.places}
    for t in doc.targets:
        if t.get("subject") in by_name:
            links.add((len(out), by_name[t["subject"]], "subject"))
        row(target_fact(t, day, code_of.get(t.get("subject"))))
        entity_of(None)
    for ev in doc.events:
        i = len(out)
        row(event_fact(ev, day, code_of.get(ev.get("place"))))
        entity_of(None)
        for name in ev.get("participants", []):
            if name in by_name:
                links.add((i, by_name[name], "participant"))
        if ev.get("place") in by_name:
            links.add((i, by_name[ev["place"]], "place"))
    for r in doc.relations:
        i = len(out)
        row(relation_fact(r, day))
        entity_of(None)
        for name in r.get("parties", []):
            if name in by_name:
                links.add((i, by_name[name], "party"))
    for p in doc.projects:  # the link step's: each project as the article states it, the project's own fact
        e = ref(EntityRow("project", entity_key(p["name"]), p["name"], p.get("kind")))
        i = len(out)
        row(project_fact(p, day, code_of))
        entity_of(e)
        for name in p.get("places", []):
            if name in by_name:
                links.add((i, by_name[name], "place"))
    for p in doc.portfolios:
        i = len(out)
        row(portfolio_fact(p, day, code_of.get(p.get("place"))))
        entity_of(None)
        if p.get("place") in by_name:
            links.add((i, by_name[p["place"]], "place"))
    kinds = events = 0
    for r in out:
        kinds |= KIND_BITS[r.kind]
    for ev in doc.events:
        events |= EVENT_BITS.get(_fit(ev["type"], _TYPE), 0)
    return FactRows(refs, out, row_entity, [LinkRow(*x) for x in sorted(links)], sorted(codes),
                    compress(sheet_json(doc).encode("utf-8")), kinds, events)
