"""The review queue: the facts a correction would change most, the least certain first.

Facts feed the views unequally: a project's statement feeds the project library, a target the tracker, a relation
the network, an event the timeline; an amount or a person's title feeds one document's page. The queue lists the
facts of the kinds that feed views first, in that order, and within a kind the lowest confidence first (the
extractor's own, ``extract/confidence.py``), then the newest. It reads the newest ``window`` facts of each kind
that pass the filters (an index range), so it stays fast on a large store: a reviewer works through the recent
and the doubtful; older facts come into it with ``--from``/``--to``. Places and organisations are reviewed on
their entity pages (their mentions keep no JSON of their own to rank).
"""
from __future__ import annotations

import json

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from ..schema import facts
from .documents import _evidence
from .filters import Filters, is_kind, passes

#: what a correction of each kind changes, most first
IMPACT = ("project", "target", "relation", "event", "portfolio", "amount", "person")


def review(conn: Connection, f: Filters, kinds: tuple[str, ...] | None = None, limit: int = 50, offset: int = 0,
           window: int = 2000) -> tuple[int, list[dict]]:
    """(facts in the queue, the page): each fact with its confidence, reasons, extractor, source and span."""
    queue = []
    for rank, kind in enumerate(k for k in IMPACT if not kinds or k in kinds):
        rows = conn.execute(select(facts).where(and_(is_kind(kind), passes(f, facts.c.doc_num)))
                            .order_by(facts.c.doc_num.desc(), facts.c.id).limit(window)).all()
        for r in rows:
            data = json.loads(r.data) if r.data else {}
            score = (data.get("confidence") or {}).get("score")
            queue.append((rank, 1.0 if score is None else score, -r.doc_num, r.id, r))
    queue.sort(key=lambda q: q[:4])
    page = [q[4] for q in queue[offset:offset + limit]]
    out = []
    for e, r in zip(_evidence(conn, page), page):
        conf = e["fact"].get("confidence") or {}
        out.append({**e, "id": r.id, "confidence": conf.get("score"), "because": conf.get("because", []),
                    "extractor": e["fact"].get("extractor")})
    return len(queue), out
