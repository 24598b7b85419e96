"""The registry of sources: add, list, remove, which are due, and each one's health after a poll."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..errors import YrdError
from ..store.schema import source_items, sources
from .times import now

KINDS = ("feed", "sitemap", "page")
MIN_EVERY = 60  # seconds: no source is polled more often than once a minute
MAX_BACKOFF = 24 * 3600  # a failing source is tried again at least once a day


@dataclass
class Health:
    """What one poll found, for the registry: success (with validators and counts) or an error."""

    ok: bool
    error: str | None = None
    kind: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    seen: int = 0  # item links listed that were not seen before
    stored: int = 0  # documents stored from them (new or new versions)


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise YrdError(f"{url!r}: a source is an http(s) address (a feed, a sitemap or a list page)")
    return url.strip()


def add(conn: Connection, url: str, name: str | None = None, every: int = 1800, kind: str | None = None,
        links: str | None = None, allow_private: bool = False) -> dict:
    """Register a source (YrdError if its URL is taken or a value is wrong); returns it as :func:`get` does."""
    url = check_url(url)
    if kind is not None and kind not in KINDS:
        raise YrdError(f"kind={kind!r}: expected one of {', '.join(KINDS)}")
    if every < MIN_EVERY:
        raise YrdError(f"every={every}s: a source is polled at most once a minute")
    if links is not None:
        try:
            re.compile(links)
        except re.error as exc:
            raise YrdError(f"links={links!r}: not a regular expression ({exc})") from None
        kind = kind or "page"
    try:
        sid = conn.execute(insert(sources).values(
            url=url, name=(name or urlsplit(url).hostname)[:200], kind=kind, link_pattern=links, every_seconds=every,
            allow_private=allow_private, added_at=now(), failures=0, items_seen=0, items_stored=0)
        ).inserted_primary_key[0]
    except IntegrityError:
        raise YrdError(f"{url}: this source is registered already (yrd sources list)") from None
    return get(conn, sid)


def find(conn: Connection, ref: str | int) -> dict:
    """A source by id or URL; YrdError if there is none."""
    cond = sources.c.id == int(ref) if str(ref).isdigit() else sources.c.url == str(ref).strip()
    row = conn.execute(select(sources.c.id).where(cond)).first()
    if row is None:
        raise YrdError(f"no source {ref!r} (yrd sources list)")
    return get(conn, row.id)


def remove(conn: Connection, ref: str | int) -> dict:
    source = find(conn, ref)
    conn.execute(delete(source_items).where(source_items.c.source_id == source["id"]))
    conn.execute(delete(sources).where(sources.c.id == source["id"]))
    return source


def get(conn: Connection, sid: int) -> dict:
    return _listed(conn, sources.c.id == sid)[0]


def listed(conn: Connection) -> list[dict]:
    """Every source with its health: last success and error, items per day over the last week, next poll."""
    return _listed(conn, None)


def _listed(conn: Connection, where) -> list[dict]:
    week_ago = now() - timedelta(days=7)
    per_week = (select(source_items.c.source_id, func.count().label("n")).where(source_items.c.seen_at >= week_ago)
                .group_by(source_items.c.source_id).subquery())
    q = select(sources, per_week.c.n).select_from(sources.outerjoin(per_week, per_week.c.source_id == sources.c.id))
    if where is not None:
        q = q.where(where)
    out = []
    for r in conn.execute(q.order_by(sources.c.id)).mappings():
        d = {k: r[k] for k in sources.c.keys()}
        d["items_per_day"] = round((r["n"] or 0) / 7, 1)
        d["status"] = status(d)
        out.append(d)
    return out


def status(source: dict) -> str:
    """``ok``, ``failing`` (its last poll failed), ``never`` (not polled yet)."""
    if source["last_polled_at"] is None:
        return "never"
    return "failing" if source["failures"] else "ok"


def due(conn: Connection, at: datetime | None = None) -> list[dict]:
    """The sources whose next poll is due at ``at`` (now), the longest waiting first."""
    at = at or now()
    ids = [r.id for r in conn.execute(select(sources.c.id).where(
        or_(sources.c.next_due_at.is_(None), sources.c.next_due_at <= at)).order_by(
        sources.c.next_due_at.asc().nulls_first(), sources.c.id))]
    return [get(conn, i) for i in ids]


def next_due(conn: Connection) -> datetime | None:
    """When the next source falls due (None: no source)."""
    return conn.scalar(select(func.min(func.coalesce(sources.c.next_due_at, sources.c.added_at))))


def record(conn: Connection, source: dict, health: Health, at: datetime | None = None) -> None:
    """A poll's outcome into the registry: validators and counts on success; the error and a back-off on failure
    (the interval doubles with each consecutive failure, up to a day)."""
    at = at or now()
    if health.ok:
        values = {"last_polled_at": at, "last_success_at": at, "failures": 0, "last_error": None,
                  "next_due_at": at + timedelta(seconds=source["every_seconds"]),
                  "items_seen": sources.c.items_seen + health.seen, "items_stored": sources.c.items_stored + health.stored}
        if health.kind:
            values["kind"] = health.kind
        if health.etag is not None or health.last_modified is not None:
            values.update(etag=health.etag, last_modified=health.last_modified)
    else:
        failures = source["failures"] + 1
        wait = min(source["every_seconds"] * 2 ** min(failures, 10), MAX_BACKOFF)
        values = {"last_polled_at": at, "failures": failures, "last_error": (health.error or "failed")[:1000],
                  "last_error_at": at, "next_due_at": at + timedelta(seconds=wait)}
    conn.execute(update(sources).where(sources.c.id == source["id"]).values(**values))


def seen_before(conn: Connection, source_id: int, urls: list[str]) -> set[str]:
    """Which of ``urls`` this source listed before (they are not fetched again)."""
    out: set[str] = set()
    for i in range(0, len(urls), 500):
        chunk = urls[i:i + 500]
        out.update(r[0] for r in conn.execute(select(source_items.c.url).where(
            source_items.c.source_id == source_id, source_items.c.url.in_(chunk))))
    return out


def remember(conn: Connection, source_id: int, url: str, status: str, doc_id: str | None = None,
             error: str | None = None) -> None:
    """An item link and what came of it (once per source and link)."""
    exists = conn.execute(select(source_items.c.url).where(source_items.c.source_id == source_id,
                                                           source_items.c.url == url)).first()
    if exists is None:
        conn.execute(insert(source_items).values(source_id=source_id, url=url[:2000], seen_at=now(), doc_id=doc_id,
                                                 status=status, error=error))
