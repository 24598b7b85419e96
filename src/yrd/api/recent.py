"""What is new: ``/api/new``, what arrived since a time counted by province and city (the dashboard's view, and
with ``items`` the whole digest: ``yrd digest --format json``). The documents themselves: ``/api/documents?since=``.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..watch.digest import gather
from ..watch.times import parse_since
from .deps import Conn, Since

router = APIRouter(prefix="/api")


@router.get("/new", summary="What arrived since a time (24h by default): new documents, projects, signings, "
                            "cooperation, targets and reports on targets, in all and by province and city")
def new(conn: Conn, since: Since = None,
        place: Annotated[str | None, Query(pattern=r"^\d{6}$", description="Adcode; a city includes its districts")]
        = None,
        items: Annotated[bool, Query(description="Also every item with its source and span (the digest)")] = False
        ) -> dict:
    return gather(conn, since or parse_since("24h"), place, detail=items)
