"""The sources the observatory polls, and their health: anyone may read the list (the URLs of public feeds are
no secret); adding and removing need the token, and exist only on a server that has one (like ingest)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ..errors import YrdError
from ..store.schema import sources as sources_table
from ..watch import sources
from ..watch.times import format_duration, parse_duration
from .deps import Conn, Sentences, require_token

router = APIRouter(prefix="/api/sources", tags=["sources"], route_class=Sentences)
writes = APIRouter(prefix="/api/sources", tags=["sources"], route_class=Sentences,
                   dependencies=[Depends(require_token)])

SHOWN = ("id", "url", "name", "kind", "link_pattern", "every_seconds", "allow_private", "status", "added_at",
         "last_polled_at", "last_success_at", "last_error", "last_error_at", "failures", "next_due_at",
         "items_per_day", "items_seen", "items_stored")


def public(source: dict) -> dict:
    """A source as the API shows it: times in ISO 8601 with their zone (UTC), the interval as users write it;
    ``next_due_at`` null means due now (or never polled)."""
    out = {k: source[k] for k in SHOWN}
    for k, v in out.items():
        if isinstance(v, datetime):
            out[k] = v.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")
    out["every"] = format_duration(source["every_seconds"])
    return out


@router.get("", summary="Every source with its health: status (ok, failing, never), last success, last error, "
                        "items per day over the last week, next poll")
def list_sources(conn: Conn) -> dict:
    items = [public(s) for s in sources.listed(conn)]
    return {"total": len(items), "items": items}


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="An RSS/Atom feed, a sitemap or a site's list page (http or https)")
    name: str | None = Field(None, max_length=200, description="A name to show (default: the host)")
    every: str | None = Field(None, max_length=20, description="How often to poll it: 30m (default), 2h, 1d …")
    links: str | None = Field(None, max_length=500,
                              description="A list page's article links: a regular expression over absolute URLs")
    allow_private: bool = Field(False, description="It may be on a loopback or private address (an intranet)")


@writes.post("", status_code=201, summary="Register a source (needs the token)")
def add_source(request: Request, body: SourceIn) -> dict:
    try:
        every = parse_duration(body.every, "every") if body.every else 1800
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None
    with request.app.state.engine.begin() as conn:
        if conn.scalar(select(sources_table.c.id).where(sources_table.c.url == body.url.strip())) is not None:
            raise HTTPException(409, f"{body.url.strip()}: this source is registered already")
        try:
            added = sources.add(conn, body.url, name=body.name or None, every=every, links=body.links or None,
                                allow_private=body.allow_private)
        except YrdError as exc:
            raise HTTPException(422, str(exc)) from None
    return public(added)


@writes.delete("/{source_id}", summary="Remove a source and the list of item links it gave (needs the token; the "
                                       "documents stored from it stay)")
def remove_source(request: Request, source_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict:
    with request.app.state.engine.begin() as conn:
        try:
            removed = sources.remove(conn, source_id)
        except YrdError:
            raise HTTPException(404, f"no source {source_id}") from None
    return {"removed": public(removed)}
