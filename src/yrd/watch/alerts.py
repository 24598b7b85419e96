"""Watchlists and their alerts: what a user follows, one alert for each new fact that matches, each delivered once.

:func:`check` is what the observatory's loop calls after every poll round (and ``yrd alerts check`` from cron).
It looks only at the documents stored since each watchlist was last checked (a new watchlist does not flood with
history), makes one ``alerts`` row per watchlist and fact (unique: never twice, even across restarts), delivers
every alert not yet delivered (a failed one is tried again next time) and moves each watchlist's ``checked_at``
on. When nothing is new it costs three small indexed queries.

Matching runs while the store's write lock is held (the lock every ingest batch takes): every document stamped
before the check is then committed and seen, so a batch that was being written during a check is never skipped.
The lock is held for the matching only, a few thousand documents at a time, never while delivering.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection, Engine

from ..errors import YrdError
from ..model import EVENT_TYPES, FACT_KINDS, choices
from ..search.terms import normalise_query
from ..store.query.filters import _chunks
from ..store.rows import dumps
from ..store.schema import alerts, documents, watchlists
from ..store.write import WRITE_LOCK
from . import deliver
from .deliver import Smtp
from .matching import Found, fact_key, payload, rule
from .times import now

CHANNELS = ("webhook", "email", "file")
DOCS_PER_ROUND = 2000  # documents matched in one transaction (the write lock is let go between rounds)
FEED_SIZE = 50


# --- the watchlists --------------------------------------------------------------------------------------


def add(conn: Connection, *, name: str | None = None, place: str | None = None, event_type: str | None = None,
        query: str | None = None, org: str | None = None, kind: str | None = None, webhook: str | None = None,
        email: str | None = None, file: str | None = None) -> dict:
    """Make a watchlist (YrdError names a wrong value); it sees the documents stored from now on."""
    values = validate(place=place, event_type=event_type, query=query, org=org, kind=kind, webhook=webhook,
                      email=email, file=file)
    name = (name or "").strip() or describe(values)
    wid = conn.execute(insert(watchlists).values(name=name[:200], created_at=now(), **values)).inserted_primary_key[0]
    return get(conn, wid)


def validate(*, place=None, event_type=None, query=None, org=None, kind=None, webhook=None, email=None,
             file=None) -> dict:
    """The columns of a watchlist from what a user gave: filters checked, the one channel normalised."""
    place, event_type, kind = (place or "").strip() or None, event_type or None, kind or None
    query, org = (query or "").strip() or None, (org or "").strip() or None
    if place and not (len(place) == 6 and place.isdigit()):
        raise YrdError(f"place {place!r}: expected a 6-digit adcode such as 330400 (嘉兴市, with its counties)")
    if event_type and event_type not in EVENT_TYPES:
        raise YrdError(f"event type {event_type!r}: expected one of {choices('event_types')}")
    if kind and kind not in FACT_KINDS:
        raise YrdError(f"fact kind {kind!r}: expected one of {choices('fact_kinds')}")
    if event_type and kind and kind != "event":
        raise YrdError(f"--event-type {event_type} selects events: it cannot go with --kind {kind}")
    if query is not None and not normalise_query(query).split():
        raise YrdError(f"query {query!r} has nothing to look for")
    if not (place or event_type or query or org or kind):
        raise YrdError("a watchlist needs at least one filter: --place, --event-type, --query, --org or --kind "
                       "(--kind event follows every event)")
    given = {k: v for k, v in (("webhook", webhook), ("email", email), ("file", file)) if v}
    if len(given) != 1:
        raise YrdError("a watchlist delivers to one place: give exactly one of --webhook URL, --email ADDRESS, "
                       "--file PATH" + (f" (got {', '.join(given)})" if given else ""))
    check = {"webhook": deliver.check_webhook, "email": deliver.check_email, "file": deliver.check_file}
    values = dict.fromkeys(CHANNELS)
    for channel, value in given.items():
        values[channel] = check[channel](value)
    return {"place": place, "event_type": event_type, "query": query, "org": org, "kind": kind, **values}


def describe(w) -> str:
    """A watchlist's filters in a few words (its name when none is given)."""
    w = w if isinstance(w, dict) else dict(w._mapping)
    parts = [f"place {w['place']}" if w.get("place") else None, w.get("event_type"),
             f"“{w['query']}”" if w.get("query") else None, f"org {w['org']}" if w.get("org") else None,
             f"kind {w['kind']}" if w.get("kind") else None]
    return ", ".join(p for p in parts if p)


def find(conn: Connection, ref: str | int) -> dict:
    """A watchlist by id; YrdError if there is none."""
    if not str(ref).strip().isdigit():
        raise YrdError(f"watchlist {ref!r}: expected its number (yrd alerts list)")
    row = conn.execute(select(watchlists.c.id).where(watchlists.c.id == int(ref))).first()
    if row is None:
        raise YrdError(f"no watchlist {ref} (yrd alerts list)")
    return get(conn, row.id)


def remove(conn: Connection, ref: str | int) -> dict:
    """Delete a watchlist and its alerts (those not yet delivered are not sent)."""
    w = find(conn, ref)
    conn.execute(delete(alerts).where(alerts.c.watchlist_id == w["id"]))
    conn.execute(delete(watchlists).where(watchlists.c.id == w["id"]))
    return w


def get(conn: Connection, wid: int) -> dict:
    return _listed(conn, wid)[0]


def listed(conn: Connection) -> list[dict]:
    """Every watchlist with its alerts counted: made, delivered, waiting, and the last delivery error."""
    return _listed(conn, None)


def _listed(conn: Connection, wid: int | None) -> list[dict]:
    counted = (select(alerts.c.watchlist_id, func.count().label("n"), func.count(alerts.c.delivered_at).label("sent"),
                      func.max(alerts.c.created_at).label("last"))
               .group_by(alerts.c.watchlist_id))
    failing = (select(alerts.c.watchlist_id, alerts.c.error).where(alerts.c.delivered_at.is_(None),
                                                                  alerts.c.error.is_not(None)).order_by(alerts.c.id))
    q = select(watchlists).order_by(watchlists.c.id)
    if wid is not None:
        q = q.where(watchlists.c.id == wid)
        counted, failing = counted.where(alerts.c.watchlist_id == wid), failing.where(alerts.c.watchlist_id == wid)
    counts = {r.watchlist_id: r for r in conn.execute(counted)}
    errors = {r.watchlist_id: r.error for r in conn.execute(failing)}  # (the newest error of each)
    out = []
    for r in conn.execute(q).mappings():
        w = dict(r)
        c = counts.get(w["id"])
        w["channel"] = next((ch for ch in CHANNELS if w[ch]), None)
        w["target"] = w[w["channel"]] if w["channel"] else None
        w["alerts"], w["delivered"] = (c.n, c.sent) if c else (0, 0)
        w["pending"] = w["alerts"] - w["delivered"]
        w["last_alert_at"] = c.last if c else None
        w["last_error"] = errors.get(w["id"])
        w["filters"] = describe(w)
        out.append(w)
    if wid is not None and not out:
        raise YrdError(f"no watchlist {wid} (yrd alerts list)")
    return out


def feed(conn: Connection, wid: int, limit: int = FEED_SIZE) -> tuple[dict, list[dict]]:
    """A watchlist and its newest alerts (each its payload with ``id``, ``created_at`` and ``delivered_at``)."""
    w = find(conn, wid)
    rows = conn.execute(select(alerts.c.id, alerts.c.payload, alerts.c.created_at, alerts.c.delivered_at)
                        .where(alerts.c.watchlist_id == wid)
                        .order_by(alerts.c.created_at.desc(), alerts.c.id.desc()).limit(limit)).all()
    return w, [_sent(r) | {"delivered_at": r.delivered_at} for r in rows]


def _sent(r) -> dict:
    """An alert as it is delivered: its id first (a receiver drops a repeat by it), then its payload."""
    return {"id": r.id, **json.loads(r.payload), "created_at": r.created_at.isoformat(timespec="seconds") + "Z"}


# --- the check -------------------------------------------------------------------------------------------


class Counts(dict):
    def __init__(self, n: int = 0):
        super().__init__(watchlists=n, documents=0, matched=0, created=0, delivered=dict.fromkeys(CHANNELS, 0),
                         failed=dict.fromkeys(CHANNELS, 0), errors=[])


def check(engine: Engine, smtp: Smtp | None = None) -> dict:
    """Match the documents stored since each watchlist's last check, make their alerts, deliver every alert not
    yet delivered. Returns the counts: ``watchlists``, ``documents`` (looked at), ``matched`` (watchlist and fact
    pairs, old ones too), ``created`` (new alerts), ``delivered`` and ``failed`` by channel, and ``errors``."""
    with engine.connect() as conn:
        since = conn.execute(select(func.min(func.coalesce(watchlists.c.checked_at, watchlists.c.created_at)),
                                    func.count())).first()
        if not since[1]:
            return Counts()
        newest = conn.scalar(select(func.max(documents.c.ingested_at)))
        pending = conn.scalar(select(alerts.c.id).where(alerts.c.delivered_at.is_(None)).limit(1)) is not None
    counts = Counts(since[1])
    if newest is not None and newest > since[0]:
        while _match_round(engine, counts, newest):
            pass
    if pending or counts["created"]:
        deliver_pending(engine, counts, smtp or Smtp.from_settings())
    return counts


def _write_lock(conn: Connection) -> None:
    """Take the store's write lock for this transaction: PostgreSQL's advisory lock every ingest batch holds;
    on SQLite, the first write of the transaction (a no-op update of the watchlists) takes the database's."""
    if conn.dialect.name == "postgresql":
        conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
    else:
        conn.execute(update(watchlists).values(checked_at=watchlists.c.checked_at))


def _match_round(engine: Engine, counts: dict, stop_at: datetime) -> bool:
    """Match the next documents by the time they were stored (whole batches, about DOCS_PER_ROUND); True while
    more remain before ``stop_at`` (what was newest when the check began)."""
    with engine.begin() as conn:
        _write_lock(conn)
        lists = conn.execute(select(watchlists).order_by(watchlists.c.id)).all()
        if not lists:
            return False
        since = {w.id: w.checked_at or w.created_at for w in lists}
        low = min(since.values())
        stamps = list(conn.scalars(select(documents.c.ingested_at).where(documents.c.ingested_at > low)
                                   .order_by(documents.c.ingested_at).limit(DOCS_PER_ROUND)))
        if not stamps:
            return False
        until = stamps[-1]  # (a batch's documents share their stamp: all of the last one are taken)
        docs = conn.execute(select(documents.c.num, documents.c.id, documents.c.key, documents.c.title,
                                   documents.c.source_url, documents.c.publisher, documents.c.published_at,
                                   documents.c.ingested_at)
                            .where(documents.c.ingested_at > low, documents.c.ingested_at <= until,
                                   documents.c.canonical.is_(True))).all()
        counts["documents"] += len(docs)
        if docs:
            _make_alerts(conn, [rule(conn, w, since[w.id]) for w in lists if since[w.id] < until], docs, counts)
        moved = [w.id for w in lists if since[w.id] < until]
        conn.execute(update(watchlists).where(watchlists.c.id.in_(moved)).values(checked_at=until))
    return len(stamps) == DOCS_PER_ROUND and until < stop_at


def _make_alerts(conn: Connection, rules: list, docs: list, counts: dict) -> None:
    by_num = {d.num: d for d in docs}
    kinds = {k for r in rules for k in r.kinds}
    found = Found(conn, list(by_num), kinds, need_links=any(r.place or r.wants_org for r in rules),
                  need_places=any(r.place for r in rules))
    made = now()
    for r in rules:
        wanted: dict[str, tuple] = {}
        for fact in found.facts:
            doc = by_num[fact.doc_num]
            if doc.ingested_at > r.since and r.matches(fact, found):
                wanted.setdefault(fact_key(doc.key, fact), (fact, doc))
        counts["matched"] += len(wanted)
        have: set[str] = set()
        for chunk in _chunks(list(wanted)):
            have.update(conn.scalars(select(alerts.c.fact_key).where(alerts.c.watchlist_id == r.id,
                                                                     alerts.c.fact_key.in_(chunk))))
        new = [{"watchlist_id": r.id, "fact_key": key, "doc_id": doc.id, "payload": dumps(payload(r, fact, doc)),
                "created_at": made} for key, (fact, doc) in wanted.items() if key not in have]
        if new:
            conn.execute(insert(alerts), new)
            counts["created"] += len(new)


def deliver_pending(engine: Engine, counts: dict, smtp: Smtp) -> None:
    """Deliver every alert not yet delivered, oldest first, each watchlist's to its channel; record each
    outcome as it comes (a watchlist whose receiver failed is tried again at the next check)."""
    with engine.connect() as conn:
        rows = conn.execute(select(alerts.c.id, alerts.c.watchlist_id, alerts.c.payload, alerts.c.created_at)
                            .where(alerts.c.delivered_at.is_(None)).order_by(alerts.c.id)).all()
        lists = {w.id: w for w in conn.execute(select(watchlists).where(
            watchlists.c.id.in_({r.watchlist_id for r in rows})))}
    by_list: dict[int, list] = {}
    for r in rows:
        by_list.setdefault(r.watchlist_id, []).append(r)
    for wid, todo in by_list.items():
        w = lists.get(wid)
        if w is None:  # removed meanwhile (its alerts went with it)
            continue
        channel = next((ch for ch in CHANNELS if getattr(w, ch)), None)
        sent = [_sent(r) for r in todo]
        if channel == "webhook":
            for p in sent:
                error = deliver.post(w.webhook, p)
                _record(engine, counts, channel, [p["id"]], error)
                if error:
                    break  # the receiver is down: the rest wait for the next check, in order
        elif channel == "email":
            for i in range(0, len(sent), deliver.PER_EMAIL):
                part = sent[i:i + deliver.PER_EMAIL]
                error = deliver.send_email(smtp, w.email, {"id": w.id, "name": w.name}, part)
                _record(engine, counts, channel, [p["id"] for p in part], error)
                if error:
                    break
        elif channel == "file":
            _record(engine, counts, channel, [p["id"] for p in sent], deliver.append(w.file, sent))


def _record(engine: Engine, counts: dict, channel: str, ids: list[int], error: str | None) -> None:
    values = {"delivered_at": now(), "error": None} if error is None else {"error": error[:1000]}
    with engine.begin() as conn:
        conn.execute(update(alerts).where(alerts.c.id.in_(ids)).values(**values))
    if error is None:
        counts["delivered"][channel] += len(ids)
    else:
        counts["failed"][channel] += len(ids)
        counts["errors"].append(error)
