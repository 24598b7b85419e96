"""``yrd entity``: one entity's page, readable on a terminal (or its JSON)."""
from __future__ import annotations

import json

import click

from ..model import FACT_KINDS
from .options import (amount_text, clip, columns, connect, db_option, filter_options, filters, local_day, page_options, shown,
                      width)

INDENT = " " * 14  # under a fact's first line, after its date


@click.command()
@click.argument("ref")
@db_option
@filter_options
@page_options(50, "facts")
@click.option("--format", "fmt", type=click.Choice(("page", "json")), default="page", show_default=True,
              help="A readable page, or the page's JSON (every fact with its span and source).")
def entity(ref, db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, limit, offset, fmt):
    """Everything known about a place, organisation, project or person, each fact with its sources.

    REF is an adcode (330421), a name or alias (沪苏湖高铁), or e:ID. The page gives the entity's kind, code,
    aliases and counts, then the facts that involve it grouped by kind, each with its date, its source's title
    and the sentence that states it (newest first: --limit, --offset).

    \b
    Example:
      yrd entity 330421 --from 2019
      yrd entity 沪苏湖铁路 --format json
    """
    from ..store.query import entity_page, find_entity

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        page = entity_page(conn, ref, f, limit=limit, offset=offset)
        parent = find_entity(conn, page["parent"]) if page and page.get("parent") else None
    if page is None:
        raise click.ClickException(f"{ref}: no place, organisation or person of that code or name in the store")
    if fmt == "json":
        click.echo(json.dumps(page, ensure_ascii=False, indent=2, default=str))
    else:
        for line in page_lines(page, columns(), parent["name"] if parent else None):
            click.echo(line)
    shown(page["facts_total"], offset, len(page["facts"]), "facts", exact=page["facts_total_exact"])


def page_lines(page: dict, cols: int, parent: str | None = None) -> list[str]:
    """The entity's page as lines of at most ``cols`` columns (``parent``: the name of a place's parent)."""
    head = [page["name"], page["kind"] + (f" ({page['subkind']})" if page.get("subkind") else "")]
    if page.get("code"):
        head.append(page["code"])
    if page.get("parent"):
        head.append(f"in {parent} ({page['parent']})" if parent else f"in {page['parent']}")
    if page.get("scope"):
        head.append(page["scope"])
    out = [clip(" · ".join(head), cols),
           clip("aliases: " + ("、".join(page["aliases"]) or "—"), cols),
           (f"{page['document_count']:,} article(s), {page.get('mentions') or 0:,} mention(s), "
            f"{page['facts_total']:,}{'' if page['facts_total_exact'] else '+'} linked fact(s)")]
    if page.get("roles"):
        out += ["", "titles"] + [clip(f"  {local_day(r['date']) or '—':<10}  {r['title']}", cols) for r in page["roles"]]
    order = {k: i for i, k in enumerate(FACT_KINDS)}
    groups: dict[str, list[dict]] = {}
    for fact in page["facts"]:
        groups.setdefault(fact["kind"], []).append(fact)
    for kind in sorted(groups, key=lambda k: order.get(k, len(order))):
        out += ["", f"{kind}s ({len(groups[kind])})"]
        for fact in groups[kind]:
            src = fact["source"]
            title = (src.get("title") or src.get("id") or "") + (f" ({src['publisher']})" if src.get("publisher") else "")
            first = f"  {fact_date(fact) or '—':<10}  {summary(fact)}"
            out.append(clip(f"{first} — {title}", cols) if width(first) + 3 < cols else clip(first, cols))
            out.append(INDENT + clip(" ".join(fact["span"]["text"].split()), max(cols - len(INDENT), 10)))
    if page["documents"]:
        out += ["", "latest articles"]
        for d in page["documents"][:5]:
            out.append(clip(f"  {local_day(d['published_at']) or '—':<10}  {d['title'] or d['id']}"
                            + (f" ({d['source']})" if d.get("source") else ""), cols))
    return out


def fact_date(fact: dict) -> str:
    """The fact's own date where it states one (an event's, a project's stage), else its article's day."""
    data = fact["fact"]
    own = data.get("date") if fact["kind"] == "event" else data.get("stage_date") if fact["kind"] == "project" else None
    return own or local_day(fact["source"].get("published_at"))


def summary(fact: dict) -> str:
    """A fact in a few words: what kind of thing it says, and the entity's part in it."""
    d, kind = fact["fact"], fact["kind"]
    if kind == "event":
        s = d.get("type", "event") + ("" if d.get("modality", "happened") == "happened" else f" ({d['modality']})")
    elif kind == "relation":
        s = f"{d.get('type', 'relation')}{' ' + d['topic'] if d.get('topic') else ''}: {'、'.join(d.get('parties', []))}"
    elif kind == "target":
        s = f"{d.get('deadline')}: {d.get('metric')} {amount_text(d.get('value'), d.get('unit'), d.get('approx'))}"
    elif kind == "project":
        s = f"{d.get('name')}{' · ' + d['stage'] if d.get('stage') else ''}"
    elif kind == "portfolio":
        money = d.get("investment")
        s = f"{d.get('count')} projects" + (f", {amount_text(money['value'], money['unit'])}" if money else "")
    elif kind == "amount":
        s = d.get("text") or fact["span"]["text"]
    else:
        s = d.get("name") or kind
    return " ".join(s.split()) + (f" [{fact['role']}]" if fact.get("role") else "")

