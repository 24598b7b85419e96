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
    ctx.places = find_places(doc.text, doc.source.publisher)
    ctx.people = find_people(doc.text)
    ctx.organizations = find_organizations(doc.text, ctx.places)
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
    person_spans = {(m["start"], m["end"]) for p in ctx.people for m in p["mentions"]}
    for place in ctx.places:
        place["mentions"] = [m for m in place["mentions"] if (m["start"], m["end"]) not in person_spans]
    ctx.places = [p for p in ctx.places if p["mentions"]]
