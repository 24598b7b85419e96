"""Run every extractor on one document, in dependency order."""
from __future__ import annotations

from ..model import Document
from .amounts import find_amounts
from .context import Context
from .dates import find_dates
from .entities import find_organizations, find_people
from .events import find_events
from .places import find_places
from .relations import find_relations
from .targets import find_targets


def extract_all(doc: Document) -> None:
    """Fill the fact lists of ``doc`` (FACTSHEET shapes); every span is an exact slice of ``doc.text``."""
    ctx = Context(doc.text, doc.published_at, doc.source.publisher)
    ctx.dates = find_dates(doc.text, doc.published_at)
    ctx.amounts = find_amounts(doc.text)
    lines: list[tuple[int, int]] = []  # the abbreviations lines are named after (沪苏湖铁路): no places, but names
    ctx.places = find_places(doc.text, doc.source.publisher, lines)
    ctx.people = find_people(doc.text)
    ctx.organizations = find_organizations(doc.text, ctx.places, lines)
    _drop_people_inside_places(ctx)
    doc.places = ctx.places
    doc.people = ctx.people
    doc.organizations = ctx.organizations
    doc.amounts = ctx.amounts
    doc.targets = find_targets(ctx)
    doc.events = find_events(ctx)
    doc.relations = find_relations(ctx)
    doc.meta["dates"] = ctx.dates


def _drop_people_inside_places(ctx: Context) -> None:
    """A place mention that is a person's name (芜湖市委书记宁波) was already guarded; drop leftovers."""
    spans = sorted((m["start"], m["end"]) for p in ctx.people for m in p["mentions"])

    def inside(m) -> bool:  # 杨靖宇 holds 靖宇 (a county), 宁波 may be a person's name
        return any(a <= m["start"] and m["end"] <= b for a, b in spans)

    for place in ctx.places:
        place["mentions"] = [m for m in place["mentions"] if not inside(m)]
    ctx.places = [p for p in ctx.places if p["mentions"]]
