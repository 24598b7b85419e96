"""How sure each fact is, from the evidence its rule had, and which extractor made it.

Every fact of a fact sheet gets ``confidence``: ``{"score": 0..1, "because": [reasons]}`` and ``extractor``: the
version of the rules that made it (yrd's version and a digest of the extractors' code and rule tables, so it
changes whenever a rule does). The reasons are the evidence the rule had, in words an analyst can check:

- a place: ``full name`` (the unit's own name is written: 嘉兴市) or ``short name`` (嘉兴), ``corroborated`` (named
  more than once), ``outside the delta``;
- a person: ``title`` (named with a title: 市长) or ``no title``;
- an organisation: ``corroborated``, ``named once``;
- an amount: ``stated`` (a number and its unit), ``approximate`` (约, 超, 以上), ``range``;
- a target: ``deadline``, ``figure`` or ``qualitative`` (no figure), ``subject named`` (in its sentence) or
  ``subject inherited`` (the article's place);
- an event: its date ``stated`` in its sentence, ``from the paragraph``, ``from the article`` (inherited) or ``no
  date``; ``participants`` (two or more named) ; ``planned``/``quoted`` (not something that happened);
- a relation: ``parties named`` (in one sentence), ``corroborated`` (stated in more sentences), ``general topic``;
- a project: ``stage dated``, ``investment``, ``corroborated``; a portfolio: ``count and total``.

The scores are a ranking, not a probability: they order the review queue (lowest first) and let a user keep only
well-evidenced facts. They were not fitted to the gold sets.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..model import Document

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def version() -> str:
    """``0.1.0+1a2b3c4d``: yrd's version and a digest of the extractors' code and rule tables."""
    h = hashlib.sha256()
    for path in sorted([*_HERE.glob("*.py"), *(_HERE.parent / "resources").glob("*.tsv")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:8]}"


def _mark(fact: dict, score: float, because: list[str]) -> None:
    fact["confidence"] = {"score": round(max(0.05, min(0.99, score)), 2), "because": because}
    fact["extractor"] = version()


def assess(doc: Document) -> None:
    """Mark every fact of ``doc`` with its confidence and the extractor's version (after the link step too)."""
    for p in doc.places:
        names = {m["text"] for m in p["mentions"]}
        full = p["name"] in names
        because = ["full name" if full else "short name"]
        score = 0.9 if full else 0.65
        if len(p["mentions"]) > 1:
            because.append("corroborated")
            score += 0.07
        if p.get("scope") not in (None, "delta"):
            because.append("outside the delta")
            score -= 0.1
        _mark(p, score, because)
    for person in doc.people:
        titled = bool(person.get("title"))
        _mark(person, 0.85 if titled else 0.55, ["title" if titled else "no title"])
    for o in doc.organizations:
        many = len(o["mentions"]) > 1
        _mark(o, 0.85 if many else 0.7, ["corroborated" if many else "named once"])
    for a in doc.amounts:
        because = ["stated"]
        score = 0.92
        if a.get("approx") not in (None, "exact"):
            because.append("approximate")
            score -= 0.07
        if a.get("value_max") is not None:
            because.append("range")
            score -= 0.05
        _mark(a, score, because)
    for t in doc.targets:
        because, score = ["deadline"] if t.get("deadline") else ["no deadline"], 0.6
        if t.get("value") is not None:
            because.append("figure")
            score += 0.2
        else:
            because.append("qualitative")
        named = bool(t.get("subject")) and t["subject"][:2] in t["text"]
        because.append("subject named" if named else "subject inherited")
        score += 0.1 if named else -0.1
        _mark(t, score, because)
    for e in doc.events:
        source = e.get("date_from")
        because = [{"stated": "date stated", "paragraph": "date from the paragraph",
                    "document": "date from the article"}.get(source, "no date")]
        score = {"stated": 0.85, "paragraph": 0.75, "document": 0.6}.get(source, 0.5)
        if len(e.get("participants") or ()) >= 2:
            because.append("participants")
            score += 0.05
        if e.get("modality") in ("planned", "quoted"):
            because.append(e["modality"])
        _mark(e, score, because)
    for r in doc.relations:
        because, score = ["parties named"], 0.75
        if r.get("mentions"):
            because.append("corroborated")
            score += 0.15
        if r.get("topic") == "general":
            because.append("general topic")
            score -= 0.05
        _mark(r, score, because)
    for p in doc.projects:
        because, score = [], 0.55
        if p.get("stage_date"):
            because.append("stage dated")
            score += 0.15
        if p.get("investment"):
            because.append("investment")
            score += 0.1
        if p.get("mentions"):
            because.append("corroborated")
            score += 0.1
        _mark(p, score, because or ["named"])
    for p in doc.portfolios:
        _mark(p, 0.8 if p.get("investment") else 0.6, ["count and total" if p.get("investment") else "count"])
