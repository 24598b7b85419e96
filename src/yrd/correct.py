"""An analyst's corrections applied to a finished document, wherever its facts are made (ingest, the observatory,
re-extraction): so a correction lasts — a new version of the article, a re-ingest, a better extractor all meet it.

A correction is a decision (``store/corrections.py`` keeps them: who, when, why, on what):

- ``reject`` a fact: the fact of ``kind`` on the span ``start:end`` of the article (``doc_key``) is dropped (a place's
  mention on that span: the place goes when it has no mention left);
- ``change`` a fact: its fields take the values given (``{"date": "2024-12-26"}``, ``{"value": 5e9}``,
  ``{"deadline": 2030}``; a place's ``adcode``: the mention becomes that unit's);
- ``add`` a fact on a span: a place by its ``adcode``, any other kind with the fields given;
- ``merge`` an organisation, project or person named ``surface`` into ``value``: every fact that names it names the
  other (their entity pages become one); a ``change`` of a person's or organisation's mention to another ``name``
  splits it off (one name that meant two: ``yrd correct split``);
- ``block`` a form (``surface``, 资源) from resolving to a place (``value``: a code, or any place) in one document,
  one site (its publisher or host) or everywhere.

A decision on a span applies only while the article's text there is still what it was (``text``); when a new
version moved or changed it, it no longer matches, and :func:`apply` says so instead of guessing.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from .model import Document

LISTS = {"place": "places", "person": "people", "organization": "organizations", "amount": "amounts",
         "target": "targets", "event": "events", "relation": "relations", "project": "projects",
         "portfolio": "portfolios"}
ACTIONS = ("reject", "change", "add", "merge", "block")
SCOPES = ("document", "site", "everywhere")


def site_of(doc: Document) -> set[str]:
    """What a 'site' scope names: the document's publisher and its URL's host."""
    out = {doc.source.publisher or ""}
    if doc.source.url:
        out.add(urlsplit(doc.source.url).hostname or "")
    return out - {""}


def applies_to(c: dict, key: str, doc: Document) -> bool:
    if c["action"] in ("merge",):
        return True
    if c["action"] == "block":
        scope = c.get("scope") or "document"
        return scope == "everywhere" or (scope == "site" and c.get("site") in site_of(doc)) or \
            (scope == "document" and _same_article(c, key, doc))
    return _same_article(c, key, doc)


def _same_article(c: dict, key: str, doc: Document) -> bool:
    """The article a decision was made on: by its key (its URL, else path and title: every version of it), or by
    the very bytes it was made on (the same file read on another machine, from another path)."""
    return c.get("doc_key") == key or (c.get("doc_id") is not None and c.get("doc_id") == doc.id)


def apply(doc: Document, decisions: list[dict], key: str) -> dict[int, bool]:
    """Apply the decisions that concern ``doc`` (its article's ``key``); returns {decision id: whether it matched}
    for the span decisions about this article (merges and blocks apply where they find their form)."""
    outcome: dict[int, bool] = {}
    for c in decisions:
        if not applies_to(c, key, doc):
            continue
        action = c["action"]
        if action in ("reject", "change", "add"):
            start, end = c["start"], c["end"]
            if not (0 <= start < end <= len(doc.text)) or doc.text[start:end] != c["text"]:
                outcome[c["id"]] = False
                continue
            outcome[c["id"]] = _on_span(doc, c, start, end)
        elif action == "merge":
            _merge(doc, c["surface"], json.loads(c["value"]))
        elif action == "block":
            _block(doc, c["surface"], json.loads(c["value"]) if c.get("value") else None)
    return outcome


def _on_span(doc: Document, c: dict, start: int, end: int) -> bool:
    kind, action = c["kind"], c["action"]
    facts = getattr(doc, LISTS[kind])
    values = json.loads(c["value"]) if c.get("value") else {}
    if kind == "place":
        return _place_on_span(doc, action, start, end, values)
    found = [f for f in facts if f.get("start") == start and f.get("end") == end]
    if action == "add":
        fact = {**values, "start": start, "end": end, "text": doc.text[start:end], "corrected": "added"}
        if kind in ("person", "organization"):
            fact.setdefault("name", doc.text[start:end])
            fact.setdefault("mentions", [{"start": start, "end": end, "text": doc.text[start:end]}])
        facts.append(fact)
        return True
    if kind in ("person", "organization"):  # mention-level: the entity named on that span
        found = [f for f in facts if any(m["start"] == start and m["end"] == end for m in f["mentions"])]
        if found and action == "change" and values.get("name") and values["name"] != found[0]["name"]:
            return _split(doc, kind, found[0], start, end, values)
    if not found:
        return False
    for fact in found:
        if action == "reject":
            if kind in ("person", "organization"):
                fact["mentions"] = [m for m in fact["mentions"] if not (m["start"] == start and m["end"] == end)]
            else:
                facts.remove(fact)
        else:
            fact.update(values)
            fact["corrected"] = "changed"
    if kind in ("person", "organization"):
        setattr(doc, LISTS[kind], [f for f in facts if f["mentions"]])
    return True


def _split(doc: Document, kind: str, entity: dict, start: int, end: int, values: dict) -> bool:
    """A mention moved to another entity (named ``values["name"]``): one name that meant two (a split)."""
    facts = getattr(doc, LISTS[kind])
    mention = next(m for m in entity["mentions"] if m["start"] == start and m["end"] == end)
    entity["mentions"].remove(mention)
    other = next((f for f in facts if f["name"] == values["name"]), None)
    if other is None:
        other = {**{k: v for k, v in entity.items() if k not in ("mentions", "confidence")}, **values,
                 "mentions": [], "corrected": "split"}
        facts.append(other)
    other["mentions"] = sorted(other["mentions"] + [mention], key=lambda m: m["start"])
    setattr(doc, LISTS[kind], [f for f in facts if f["mentions"]])
    return True


def _place_on_span(doc: Document, action: str, start: int, end: int, values: dict) -> bool:
    from .extract.places import place_of_code

    mention = None
    for p in doc.places:
        for m in p["mentions"]:
            if m["start"] == start and m["end"] == end:
                mention = m
                p["mentions"].remove(m)
                break
        if mention:
            break
    if action in ("reject", "change") and mention is None:
        return False
    doc.places = [p for p in doc.places if p["mentions"]]
    if action == "reject":
        return True
    unit = place_of_code(str(values.get("adcode") or values.get("code") or ""))
    if unit is None:
        return False
    mention = mention or {"start": start, "end": end, "text": doc.text[start:end]}
    same = next((p for p in doc.places if p["name"] == unit["name"] and p.get("adcode") == unit.get("adcode")), None)
    if same is None:
        same = {**unit, "mentions": [], "corrected": "changed" if action == "change" else "added"}
        doc.places.append(same)
    same["mentions"] = sorted(same["mentions"] + [mention], key=lambda m: m["start"])
    return True


def _merge(doc: Document, name: str, into: str) -> None:
    for kind in ("organizations", "people", "projects"):
        kept: dict[str, dict] = {}
        merged = []
        for fact in getattr(doc, kind):
            if fact.get("name") == name:
                fact["name"] = into
                fact["corrected"] = "merged"
            same = kept.get(fact.get("name")) if kind != "projects" else None
            if same is not None and "mentions" in fact:  # one entity, its mentions together
                same["mentions"] = sorted(same["mentions"] + fact["mentions"], key=lambda m: m["start"])
                continue
            kept.setdefault(fact.get("name"), fact)
            merged.append(fact)
        setattr(doc, kind, merged)
    for kind in ("events", "relations"):  # the names that link facts to their entities
        for fact in getattr(doc, kind):
            for field in ("participants", "parties"):
                if name in (fact.get(field) or []):
                    fact[field] = [into if n == name else n for n in fact[field]]
    for t in doc.targets:
        if t.get("subject") == name:
            t["subject"] = into


def _block(doc: Document, surface: str, code: str | None) -> None:
    for p in doc.places:
        if code is None or p.get("adcode") == code or p.get("code") == code:
            p["mentions"] = [m for m in p["mentions"] if m["text"] != surface]
    doc.places = [p for p in doc.places if p["mentions"]]
