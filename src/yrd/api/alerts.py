"""Watchlists through the API, and each watchlist's alerts as an Atom feed.

The feed (``/api/alerts/{id}.atom``) is read-only and always there. The watchlists themselves (``/api/watchlists``:
list, add, remove) are the server's private configuration — where alerts go — and exist only when the server has
a token, which they need. A watchlist added here delivers to a webhook or by email, never to a file on the server;
its webhook may not point into the server's own network unless ``--fetch-allow`` names it (as for an ingest by URL).
"""
from __future__ import annotations

import ipaddress
import re
import socket
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..errors import YrdError
from ..read.fetch import refused
from ..watch import alerts as A
from .deps import Conn
from .ingest import require_token

feed_router = APIRouter(prefix="/api/alerts")
router = APIRouter(prefix="/api/watchlists", dependencies=[Depends(require_token)])

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


@feed_router.get("/{watchlist_id}.atom", summary="A watchlist's newest alerts (50) as an Atom feed",
                 response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
def alerts_feed(request: Request, conn: Conn, watchlist_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    try:
        w, items = A.feed(conn, watchlist_id)
    except YrdError as exc:
        raise HTTPException(404, str(exc)) from None
    xml = atom(w, items, str(request.url), str(request.base_url))
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


def atom(w: dict, items: list[dict], self_url: str, base: str) -> bytes:
    """An Atom 1.0 feed (RFC 4287): each alert an entry linking to its document, the evidence as its summary."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", f"yrd: {w['name']}")
    _add(feed, "subtitle", f"New facts matching {w['filters']}")
    _add(feed, "updated", _time(items[0]["created_at"] if items else w["created_at"]))
    _add(_add(feed, "author"), "name", "yrd")
    _add(feed, "generator", "yrd")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    for item in items:
        doc, fact, ev = item["document"], item["fact"], item["evidence"]
        entry = _add(feed, "entry")
        _add(entry, "id", f"{self_url}#alert-{item['id']}")
        what = " · ".join(x for x in (fact["kind"], fact.get("type")) if x)
        _add(entry, "title", f"[{what}] {doc.get('title') or doc['id']}")
        _add(entry, "updated", _time(item["created_at"]))
        published = _time(doc["published_at"]) if doc.get("published_at") else None
        if published:
            _add(entry, "published", published)
        view = f"{base}#/doc/{doc['id']}?at={ev['start']}-{ev['end']}"  # the dashboard, the span highlighted
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=doc.get("url") or view)
        if doc.get("url"):
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=view)
        if doc.get("publisher"):
            _add(_add(entry, "author"), "name", doc["publisher"])
        _add(entry, "summary", ev["text"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def _add(parent, tag: str, text: str | None = None):
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    if text is not None:
        el.text = _NOT_XML.sub("", text)
    return el


def _time(value) -> str | None:
    """An RFC 3339 time (Atom's), None if ``value`` is not a time: stored times are UTC; a publication time keeps
    its zone, else is Beijing time (as the readers store it); a date, or a year and month, is its first day."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    text = str(value).strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):
        text = "-".join((text.split("-") + ["01", "01"])[:3]) + "T00:00:00"
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    return t.isoformat(timespec="seconds") if t.tzinfo else t.isoformat(timespec="seconds") + "+08:00"


# --- the watchlists (with the token) ---------------------------------------------------------------------


class WatchlistIn(BaseModel):
    name: str | None = Field(None, max_length=200)
    place: str | None = Field(None, pattern=r"^\d{6}$", description="Adcode; a city includes its counties (330400)")
    event_type: str | None = Field(None, max_length=20)
    query: str | None = Field(None, max_length=200, description="Words the fact's sentence contains (all of them)")
    org: str | None = Field(None, max_length=200, description="An organisation by name or alias")
    kind: str | None = Field(None, max_length=20, description="A fact kind (target, event …); default: statements")
    webhook: str | None = Field(None, max_length=2000, pattern=r"^https?://")
    email: str | None = Field(None, max_length=300)


def _public(w: dict) -> dict:
    out = {k: w[k] for k in ("id", "name", "place", "event_type", "query", "org", "kind", "channel", "target",
                             "created_at", "checked_at", "alerts", "delivered", "pending", "last_alert_at",
                             "last_error", "filters")}
    out["feed"] = f"/api/alerts/{w['id']}.atom"
    return out


@router.get("", summary="Watchlists with their alerts counted (made, delivered, waiting) and where they go")
def list_watchlists(conn: Conn) -> list[dict]:
    return [_public(w) for w in A.listed(conn)]


@router.post("", status_code=201, summary="Add a watchlist: filters (any of place, event_type, query, org, kind) "
             "and one of webhook or email")
def add_watchlist(request: Request, body: WatchlistIn) -> dict:
    if body.webhook:
        why = _refused_webhook(body.webhook, request.app.state.fetch_allow)
        if why:
            raise HTTPException(422, why)
    try:
        with request.app.state.engine.begin() as conn:
            return _public(A.add(conn, **body.model_dump()))
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None


@router.delete("/{watchlist_id}", summary="Remove a watchlist and its alerts")
def remove_watchlist(request: Request, watchlist_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> dict:
    try:
        with request.app.state.engine.begin() as conn:
            return _public(A.remove(conn, watchlist_id))
    except YrdError as exc:
        raise HTTPException(404, str(exc)) from None


def _refused_webhook(url: str, allow) -> str | None:
    """Why the server will not post to ``url`` (None: it will): an address of its own network, as for a fetch."""
    host = urlsplit(url).hostname
    if not host:
        return f"webhook {url!r}: no host"
    try:
        addresses = {ipaddress.ip_address(host).compressed}
    except ValueError:
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
        except OSError as exc:
            return f"webhook {url!r}: cannot resolve {host} ({exc.strerror or exc})"
    for address in sorted(addresses):
        why = refused(address, allow)
        if why:
            return f"webhook {url}: {why}"
    return None
