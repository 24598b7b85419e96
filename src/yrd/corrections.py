"""Making a correction: the decision checked against the article, kept (``store/corrections.py``), and applied at
once to the stored documents it concerns: each is stored again as a new version of its article with every decision
applied (``yrd/correct.py``), so the version before stays for questions as of an earlier day. The same decisions
are applied to whatever is ingested, polled or re-extracted later."""
from __future__ import annotations

import getpass
import json

from sqlalchemy import and_, or_, select

from .correct import ACTIONS, LISTS, SCOPES
from .errors import YrdError
from .extract.places import place_of_code
from .reextract import Report
from .store.corrections import add as store_add
from .store.schema import documents, facts
from .upgrade import open_store


def who_default() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


def decide(url: str, action: str, why: str, who: str | None = None, doc_id: str | None = None,
           kind: str | None = None, start: int | None = None, end: int | None = None, values: dict | None = None,
           surface: str | None = None, into: str | None = None, code: str | None = None, scope: str | None = None,
           site: str | None = None) -> tuple[dict, Report]:
    """Keep one decision and apply it to the stored documents it concerns; YrdError says what is wrong with it."""
    if action not in ACTIONS:
        raise YrdError(f"action {action!r}: expected one of {', '.join(ACTIONS)}")
    if not (why or "").strip():
        raise YrdError("say why (--why): a correction is a decision others will read")
    engine = open_store(url)
    try:
        with engine.begin() as conn:
            record = {"action": action, "why": why.strip(), "who": (who or who_default())[:100]}
            if action in ("reject", "change", "add"):
                record.update(_on_span(conn, action, doc_id, kind, start, end, values or {}))
            elif action == "merge":
                if not surface or not into or surface == into:
                    raise YrdError("merge NAME --into OTHER: two different names")
                record.update(surface=surface, value=json.dumps(into, ensure_ascii=False))
            else:
                record.update(_block(conn, surface, code, scope or "document", doc_id, site))
            decision = store_add(conn, **record)
            nums = _concerned(conn, decision)
    finally:
        engine.dispose()
    return decision, new_versions(url, nums)


def new_versions(url: str, nums: list[int]) -> Report:
    """The documents ``nums`` stored again as a new version of their article, with every decision kept now applied:
    the version before stays (no longer current), so the knowledge base as of a day before the decision still has
    the facts it had then. A version's id is its bytes' and the decisions' (the same decisions give the same id)."""
    import hashlib

    from .batches import corrected
    from .pipeline import STEPS
    from .pipeline import Failure as Failed
    from .pipeline import finish
    from .reextract import stored_document
    from .store.corrections import load
    from .store.replace import stored_texts
    from .store.rows import decompress, rows
    from .store.write import write_batch

    report = Report()
    if not nums:
        return report
    engine = open_store(url)
    try:
        with engine.connect() as conn:
            decisions = load(conn)
            texts = stored_texts(conn, nums)
            raw = {r.num: (decompress(r.raw) if r.raw else b"", r.encoding) for r in conn.execute(
                select(documents.c.num, documents.c.raw, documents.c.encoding).where(documents.c.num.in_(nums)))}
        batch = []
        stamp = ",".join(str(d["id"]) for d in decisions)
        for t in texts:
            doc = stored_document(t)
            doc.raw, doc.encoding = raw[t.num][0], raw[t.num][1] or "utf-8"
            done = finish(doc, STEPS)
            if isinstance(done, Failed):
                report.failed.append((doc.where, done.reason))
                continue
            done = corrected(done, decisions)  # (matched by the version's own id too: a decision shared by a team)
            done.id = hashlib.sha256(f"{t.id}#corrected:{stamp}".encode()).hexdigest()[:20]
            batch.append(rows(done))
        with engine.begin() as conn:
            result = write_batch(conn, batch)
        report.looked = len(batch)
        report.changed = result.new
    finally:
        engine.dispose()
    return report


def _on_span(conn, action, doc_id, kind, start, end, values) -> dict:
    if kind not in LISTS:
        raise YrdError(f"--kind {kind!r}: expected one of {', '.join(LISTS)}")
    if doc_id is None or start is None or end is None:
        raise YrdError(f"{action} needs the document and the span: DOC_ID --span START:END")
    row = conn.execute(select(documents.c.key, documents.c.text).where(documents.c.id == doc_id)).first()
    if row is None:
        raise YrdError(f"no document {doc_id} (yrd search finds its id)")
    if not (0 <= start < end <= len(row.text)):
        raise YrdError(f"--span {start}:{end} is outside the document's text (0:{len(row.text)})")
    if kind == "place" and action != "reject":
        code = str(values.get("adcode") or values.get("code") or "")
        if place_of_code(code) is None:
            raise YrdError(f"adcode={code!r}: no such unit in the gazetteer (a 6-digit GB/T 2260 code: 330421)")
    if action == "change" and not values:
        raise YrdError("change needs the fields to set: --set field=value")
    return {"doc_key": row.key, "doc_id": doc_id, "kind": kind, "start": start, "end": end,
            "text": row.text[start:end], "value": json.dumps(values, ensure_ascii=False) if values else None}


def _block(conn, surface, code, scope, doc_id, site) -> dict:
    if not surface:
        raise YrdError("block FORM: the form that must not resolve to a place")
    if scope not in SCOPES:
        raise YrdError(f"scope {scope!r}: expected one of {', '.join(SCOPES)}")
    out = {"surface": surface, "scope": scope, "value": json.dumps(code) if code else None}
    if scope == "document":
        row = conn.execute(select(documents.c.key).where(documents.c.id == (doc_id or ""))).first()
        if row is None:
            raise YrdError("block in one document needs --doc DOC_ID (or --site HOST, --everywhere)")
        out.update(doc_key=row.key, doc_id=doc_id)
    elif scope == "site":
        if not site:
            raise YrdError("block in one site needs --site (its publisher, as stored, or its host)")
        out["site"] = site
    return out


def _concerned(conn, c: dict) -> list[int]:
    """The current documents a decision may change (re-extracted now)."""
    current = documents.c.is_current.is_(True)
    if c["action"] in ("reject", "change", "add") or (c["action"] == "block" and c["scope"] == "document"):
        same = documents.c.key == c["doc_key"]
        if c.get("doc_id"):  # (or the very bytes it was made on: a decision shared from another machine's store)
            same = or_(same, documents.c.key.in_(select(documents.c.key).where(documents.c.id == c["doc_id"])))
        q = select(documents.c.num).where(and_(current, same))
    elif c["action"] == "merge":
        q = (select(facts.c.doc_num).where(and_(facts.c.label == c["surface"],
                                                facts.c.kind.in_(("organization", "person", "project"))))
             .group_by(facts.c.doc_num))
    else:
        q = (select(facts.c.doc_num).where(and_(facts.c.kind == "place", facts.c.text == c["surface"]))
             .group_by(facts.c.doc_num))
        if c["scope"] == "site":
            q = q.where(facts.c.doc_num.in_(select(documents.c.num).where(or_(
                documents.c.publisher == c["site"], documents.c.source_url.like(f"%//{c['site']}/%")))))
    nums = set(conn.scalars(q))
    if not nums:
        return []
    return sorted(conn.scalars(select(documents.c.num).where(and_(current, documents.c.num.in_(sorted(nums))))))


def withdraw(url: str, cid: int) -> tuple[dict, Report]:
    """Remove a decision and re-extract the documents it concerned, without it."""
    from .store.corrections import remove

    engine = open_store(url)
    try:
        with engine.begin() as conn:
            decision = remove(conn, cid)
            nums = _concerned(conn, decision)
    finally:
        engine.dispose()
    return decision, new_versions(url, nums)


def apply_all(url: str) -> Report:
    """Every kept decision applied to the documents it concerns (after an import), as new versions."""
    from .store.corrections import load

    engine = open_store(url)
    try:
        with engine.connect() as conn:
            nums = sorted({n for c in load(conn) for n in _concerned(conn, c)})
    finally:
        engine.dispose()
    return new_versions(url, nums)
