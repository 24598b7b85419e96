"""The corrections an analyst decided: kept, listed, checked against the stored articles, exported, imported.

They are applied where facts are made (``yrd/correct.py``, from the ingest, the observatory and re-extraction); a
new decision is applied to the stored documents it concerns by re-extracting them (``yrd.corrections``).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ..errors import YrdError
from .schema import corrections, documents

FIELDS = ("action", "doc_key", "doc_id", "kind", "start", "end", "text", "value", "surface", "scope", "site", "who",
          "why", "created_at")


def add(conn: Connection, **values) -> dict:
    values.setdefault("created_at", datetime.now(timezone.utc).replace(tzinfo=None))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise YrdError(f"a correction has no field {sorted(unknown)[0]!r}")
    cid = conn.execute(insert(corrections).values(**values)).inserted_primary_key[0]
    return get(conn, cid)


def get(conn: Connection, cid: int) -> dict:
    row = conn.execute(select(corrections).where(corrections.c.id == cid)).mappings().first()
    if row is None:
        raise YrdError(f"no correction {cid} (yrd corrections list)")
    return dict(row)


def load(conn: Connection) -> list[dict]:
    """Every decision, oldest first (later ones apply after earlier ones)."""
    return [dict(r) for r in conn.execute(select(corrections).order_by(corrections.c.id)).mappings()]


def remove(conn: Connection, cid: int) -> dict:
    c = get(conn, cid)
    conn.execute(delete(corrections).where(corrections.c.id == cid))
    return c


def status(conn: Connection, decisions: list[dict]) -> dict[int, str]:
    """For each decision on a span: ``applies`` while the current version of its article still reads the same
    there, ``no longer matches`` when a new version moved or changed the span, ``article gone``; merges and blocks
    ``applies``."""
    out = {}
    for c in decisions:
        if c["action"] not in ("reject", "change", "add"):
            out[c["id"]] = "applies"
            continue
        row = conn.execute(select(documents.c.text).where(documents.c.key == c["doc_key"],
                                                         documents.c.is_current.is_(True))).first() or \
            conn.execute(select(documents.c.text).where(documents.c.id == (c["doc_id"] or ""),
                                                        documents.c.is_current.is_(True))).first()
        if row is None:
            out[c["id"]] = "article gone"
        else:
            out[c["id"]] = "applies" if row.text[c["start"]:c["end"]] == c["text"] else "no longer matches"
    return out


def export(conn: Connection) -> list[str]:
    """JSON Lines, one decision each (what a team shares)."""
    return [json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in c.items() if k != "id"},
                       ensure_ascii=False) for c in load(conn)]


def import_lines(conn: Connection, lines: list[str], where: str) -> tuple[int, int]:
    """Decisions from JSON Lines (:func:`export`'s); one already here (the same decision, by the same person, at the
    same time) is not added twice. Returns (added, already here)."""
    have = {_identity(c) for c in load(conn)}
    added = known = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            c = json.loads(line)
            c["created_at"] = datetime.fromisoformat(c["created_at"]) if c.get("created_at") else None
            if c.get("action") not in ("reject", "change", "add", "merge", "block") or not c.get("who") or not c.get("why"):
                raise ValueError("action, who and why are needed")
        except (ValueError, TypeError, KeyError) as exc:
            raise YrdError(f"{where}:{n}: not a correction ({exc})") from None
        if _identity(c) in have:
            known += 1
            continue
        add(conn, **{k: c.get(k) for k in FIELDS if c.get(k) is not None})
        have.add(_identity(c))
        added += 1
    return added, known


def _identity(c: dict) -> tuple:
    created = c.get("created_at")
    created = created.isoformat() if isinstance(created, datetime) else created
    return tuple(c.get(k) for k in FIELDS if k != "created_at") + (created,)
