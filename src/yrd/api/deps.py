"""Dependencies every route shares: a connection to the store, the common filters, pagination."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy.engine import Connection

from ..errors import YrdError
from ..model import EVENT_TYPES, FACT_KINDS, choices
from ..store.query import Filters, parse_day
from ..store.query.filters import parse_as_of


def connection(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as conn:
        yield conn


def _date(value: str | None, name: str) -> date | None:
    try:
        return parse_day(value, name)
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None


def filters(
    place: Annotated[str | None, Query(pattern=r"^\d{6}$", description="Adcode; a city includes its districts (330400)")] = None,
    date_from: Annotated[str | None, Query(alias="from", description="Published on or after YYYY[-MM[-DD]]")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="Published on or before YYYY[-MM[-DD]]")] = None,
    event_type: Annotated[str | None, Query(description="One of: " + choices("event_types"))] = None,
    kind: Annotated[str | None, Query(description="Documents with a fact of this kind: " + choices("fact_kinds"))] = None,
    publisher: Annotated[str | None, Query(max_length=200)] = None,
    include_duplicates: bool = False,
    as_of: Annotated[str | None, Query(description="The knowledge base as it stood then: 2026-12-01 (the end of that "
                                                   "day, Beijing time) or 2026-12-01T09:30[+08:00]")] = None,
) -> Filters:
    if event_type and event_type not in EVENT_TYPES:
        raise HTTPException(422, f"event_type={event_type!r}: expected one of {choices('event_types')}")
    if kind and kind not in FACT_KINDS:
        raise HTTPException(422, f"kind={kind!r}: expected one of {choices('fact_kinds')}")
    try:
        then = parse_as_of(as_of)
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None
    f = Filters(place, _date(date_from, "from"), _date(date_to, "to"), event_type, kind, publisher, include_duplicates,
                then)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise HTTPException(422, f"from={date_from} is after to={date_to}")
    return f


def filters_of_organizations(
    place: Annotated[str | None, Query(pattern=r"^\d{6}$", description="Adcode; a city includes its districts (330400)")] = None,
    date_from: Annotated[str | None, Query(alias="from", description="Published on or after YYYY[-MM[-DD]]")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="Published on or before YYYY[-MM[-DD]]")] = None,
    event_type: Annotated[str | None, Query(description="One of: " + choices("event_types"))] = None,
    publisher: Annotated[str | None, Query(max_length=200)] = None,
    include_duplicates: bool = False,
    as_of: Annotated[str | None, Query(description="The knowledge base as it stood then (see /api/documents)")] = None,
) -> Filters:
    """The common filters but ``kind``, which ``/api/organizations`` takes for the entity's own kind."""
    return filters(place, date_from, date_to, event_type, None, publisher, include_duplicates, as_of)


#: the largest offset a list takes (past it nothing is listed; a larger integer is refused, not overflowed)
MAX_OFFSET = 10**9


class Page:
    def __init__(self, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0):
        self.limit, self.offset = limit, offset


Conn = Annotated[Connection, Depends(connection)]
Filt = Annotated[Filters, Depends(filters)]
OrgFilt = Annotated[Filters, Depends(filters_of_organizations)]
Paging = Annotated[Page, Depends(Page)]
