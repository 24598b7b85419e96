"""Filters on documents and the conditions they make: every list and count reads through these."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import DateTime, and_, bindparam, func, literal_column, or_, select, text
from sqlalchemy.engine import Connection

from ...errors import YrdError
from ...model import EVENT_TYPES, FACT_KINDS, choices
from ..rows import EVENT_BITS, KIND_BITS, SEQ_BITS, day_number
from ..schema import counters, doc_places, documents, facts

@dataclass
class Filters:
    place: str | None = None  # adcode: a city or province includes its districts and counties
    date_from: date | None = None
    date_to: date | None = None
    event_type: str | None = None
    kind: str | None = None
    publisher: str | None = None
    include_duplicates: bool = False
    as_of: datetime | None = None  # the knowledge base as it stood then (naive UTC): see :func:`where`
    since: datetime | None = None  # ingested at or after (naive UTC, as the store keeps it): what is new

    def validate(self) -> "Filters":
        if self.place and not re.fullmatch(r"\d{6}", self.place):
            raise YrdError(f"place {self.place!r}: expected a 6-digit adcode such as 330421 (嘉善县)")
        if self.event_type and self.event_type not in EVENT_TYPES:
            raise YrdError(f"event type {self.event_type!r}: expected one of {choices('event_types')}")
        if self.kind and self.kind not in FACT_KINDS:
            raise YrdError(f"fact kind {self.kind!r}: expected one of {choices('fact_kinds')}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise YrdError(f"date range {self.date_from}..{self.date_to} is empty: --from is after --to")
        return self

    @property
    def plain(self) -> bool:
        """No filter at all: the totals the writer keeps answer."""
        return not (self.place or self.date_from or self.date_to or self.event_type or self.kind or self.publisher
                    or self.include_duplicates or self.as_of or self.since)


def parse_day(value: str | None, name: str = "date") -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first day it can mean; YrdError names the bad value."""
    if not value:
        return None
    try:
        parts = [int(x) for x in value.split("-")]
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError, OverflowError):
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


def parse_as_of(value: str | None, name: str = "as_of") -> datetime | None:
    """``2026-12-01`` (the end of that day, Beijing time), ``2026-12-01T09:30`` (Beijing time unless it says) or
    ``…Z``/``…+00:00`` -> a naive UTC instant; YrdError names a bad value."""
    if not value:
        return None
    from datetime import timedelta, timezone

    beijing = timezone(timedelta(hours=8))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            at = datetime.fromisoformat(value.strip()).replace(tzinfo=beijing) + timedelta(days=1, microseconds=-1)
        else:
            at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            at = at if at.tzinfo else at.replace(tzinfo=beijing)
    except (ValueError, OverflowError):
        raise YrdError(f"{name}={value!r}: expected a date (2026-12-01: the end of that day) or a time "
                       "(2026-12-01T09:30, Beijing time unless it says)") from None
    return at.astimezone(timezone.utc).replace(tzinfo=None)


def _as_of(f: Filters):
    """The documents of the store as it stood at ``f.as_of``: stored by then, the version current then (no newer
    version of the same article stored by then), and — unless copies are asked for — no copy of an article stored
    by then. The tables the writer keeps (counts, places, edges) hold the present, so every view reads the facts."""
    newer = documents.alias("newer")
    original = documents.alias("original")
    cond = [documents.c.ingested_at <= f.as_of,
            ~select(newer.c.id).where(and_(newer.c.key == documents.c.key, newer.c.version > documents.c.version,
                                           newer.c.ingested_at <= f.as_of)).exists()]
    if not f.include_duplicates:
        cond.append(or_(documents.c.duplicate_of.is_(None), ~select(original.c.id).where(and_(
            original.c.id == documents.c.duplicate_of, original.c.ingested_at <= f.as_of)).exists()))
    return cond


def where(f: Filters, place: bool = True):
    """SQL conditions on ``documents`` for these filters (``place=False``: the caller joins ``doc_places``)."""
    if f.as_of is not None:
        cond = _as_of(f)
        if f.place:  # (doc_places holds the present's canonical documents: the facts say where, then)
            cond.append(documents.c.num.in_(select(facts.c.doc_num).where(and_(
                facts.c.kind == literal_column("'place'"), facts.c.code.like(place_prefix(f.place) + "%")))))
            place = False
    else:
        cond = [documents.c.is_current.is_(True) if f.include_duplicates else documents.c.canonical.is_(True)]
    low, high = num_range(f)
    if low is not None:
        cond.append(documents.c.num >= low)
    if high is not None:
        cond.append(documents.c.num < high)
    if f.publisher:
        cond.append(documents.c.publisher == f.publisher)
    if f.since:  # with the canonical flag, a range on ix_documents_canonical_ingested_at
        cond.append(documents.c.ingested_at >= f.since)
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
    if f.place and f.as_of is None:
        return (select(doc_places.c.doc_num.label("num"))
                .where(and_(doc_places.c.code == f.place, passes(f, doc_places.c.doc_num, place=False)))
                .order_by(doc_places.c.doc_num.desc()))
    return select(documents.c.num).where(where(f)).order_by(documents.c.num.desc())



ARRIVALS_BY_NUM = 5000  # more arrivals than this, and 5 % of the store: SQLite reads them in num order


def newest_first(conn: Connection, f: Filters, total: int):
    """The ``num`` of the documents that pass ``f``, newest first, knowing there are ``total``. A window of
    arrivals (``f.since``) is a range on its index, sorted; but when it holds much of the store, SQLite (which
    keeps no statistics) would still sort it whole (0.45 s for 210,000): it is read in ``num`` order instead,
    each row's arrival checked (unary ``+``: not from the index), and the page is found in its first rows.
    PostgreSQL's planner makes that choice itself."""
    if (f.since and not f.place and conn.dialect.name == "sqlite" and total > ARRIVALS_BY_NUM
            and total * 20 >= counter(conn, "documents")):
        late = text("+documents.ingested_at >= :since").bindparams(bindparam("since", f.since, type_=DateTime()))
        return select(documents.c.num).where(and_(where(replace(f, since=None)), late)).order_by(documents.c.num.desc())
    return _doc_nums(f)


def _chunks(values: list, n: int = 900):
    for i in range(0, len(values), n):
        yield values[i:i + n]
